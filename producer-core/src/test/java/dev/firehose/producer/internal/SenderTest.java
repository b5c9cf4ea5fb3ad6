package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import dev.firehose.producer.RequestCompletedEvent;
import dev.firehose.producer.StreamStats;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Drives the sender by hand ({@link Sender#runOnce()}) with a manual ticker and a scripted client:
 * nothing here sleeps or depends on the machine's speed.
 */
class SenderTest {

    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(200);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private DefaultFirehoseProducer producer;

    private ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(BACKOFF))
                .deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10));
    }

    private Sender sender(ProducerConfig config) {
        producer = new DefaultFirehoseProducer("s", client, false, config, ticker);
        return producer.sender();
    }

    @AfterEach
    void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    /** Runs sender rounds until one has nothing left to do at the current time. */
    private static void settle(Sender sender) {
        for (int i = 0; i < 20; i++) {
            sender.runOnce();
        }
    }

    private List<CompletableFuture<PutResult>> put(int n) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(producer.put("r" + i));
        }
        return futures;
    }

    private static CompletableFuture<PutRecordBatchResponse> failed(String code, int status) {
        return CompletableFuture.failedFuture(new CompletionException(FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg").build()).build()));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, t) -> t).join();
    }

    @Test
    void nothingIsSentBeforeTheLingerTimeUnlessABatchIsFull() {
        Sender sender = sender(config().build());
        put(3);
        settle(sender);
        assertThat(client.requests).isEmpty();

        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests).hasSize(1);
        assertThat(client.requests.get(0).records()).hasSize(3);
        assertThat(client.requests.get(0).deliveryStreamName()).isEqualTo("s");
    }

    @Test
    void onlyTheEntriesThatFailedAreSentAgain() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                Record r = request.records().get(i);
                entries.add(i == 2 ? FakeFirehoseClient.error("ServiceUnavailableException", "Slow down.")
                        : i == 7 ? FakeFirehoseClient.error("InternalFailure", "internal")
                        : FakeFirehoseClient.ok(r));
            }
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        List<CompletableFuture<PutResult>> futures = put(10);
        ticker.advance(LINGER);
        settle(sender);

        assertThat(client.requests).hasSize(1);
        assertThat(futures.get(2)).isNotDone();
        assertThat(futures.get(7)).isNotDone();
        assertThat(futures.get(0).join().attempts()).isEqualTo(1);

        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(client.requests).hasSize(2);
        assertThat(client.requests.get(1).records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("r2", "r7");
        for (int i = 0; i < 10; i++) {
            PutResult result = futures.get(i).join();
            assertThat(result.recordId()).isEqualTo("id-r" + i);
            assertThat(result.attempts()).isEqualTo(i == 2 || i == 7 ? 2 : 1);
            assertThat(result.mayBeDuplicated()).isFalse();
            assertThat(result.latency()).isEqualTo(i == 2 || i == 7 ? LINGER.plus(BACKOFF) : LINGER);
        }
        StreamStats stats = producer.stats().stream("s");
        assertThat(stats.recordsRetried()).isEqualTo(2);
        assertThat(stats.throttledRecords()).isEqualTo(1);
        assertThat(stats.requestRecords()).isEqualTo(12);
        assertThat(stats.recordsAcknowledged()).isEqualTo(10);
    }

    @Test
    void anUnknownStreamFailsEveryRecordAtOnceWithoutARetry() {
        Sender sender = sender(config().build());
        client.behaviour = request -> failed("ResourceNotFoundException", 400);
        List<CompletableFuture<PutResult>> futures = put(5);
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(Duration.ofSeconds(10));
        settle(sender);

        assertThat(client.requests).hasSize(1);
        for (CompletableFuture<PutResult> f : futures) {
            assertThat(failure(f)).isInstanceOfSatisfying(RecordFailedException.class, e -> {
                assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
                assertThat(e.attempts()).isEqualTo(1);
                assertThat(e.stream()).isEqualTo("s");
                assertThat(e.mayBeDuplicated()).isFalse();
            });
        }
        assertThat(producer.stats().stream("s").recordsFailedByCode()).containsEntry("ResourceNotFoundException", 5L);
    }

    @Test
    void aThrottledRequestIsSentAgainWholeAndIsNotAmbiguous() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0 ? failed("ServiceUnavailableException", 503)
                : FakeFirehoseClient.acceptAll(request);
        List<CompletableFuture<PutResult>> futures = put(4);
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(client.requests).hasSize(2);
        assertThat(client.requests.get(1).records()).hasSize(4);
        assertThat(futures).allSatisfy(f -> {
            assertThat(f.join().attempts()).isEqualTo(2);
            assertThat(f.join().mayBeDuplicated()).isFalse();
        });
        assertThat(producer.stats().stream("s").throttledRecords()).isEqualTo(4);
        assertThat(producer.stats().stream("s").requestsFailed()).isEqualTo(1);
    }

    @Test
    void aServerErrorMakesTheRecordsPossibleDuplicates() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0 ? failed("InternalFailure", 500)
                : FakeFirehoseClient.acceptAll(request);
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(f.join().attempts()).isEqualTo(2);
        assertThat(f.join().mayBeDuplicated()).isTrue();
        assertThat(producer.stats().stream("s").recordsMayBeDuplicated()).isEqualTo(1);
    }

    @Test
    void retriesStopAtTheMaximumAttempts() {
        Sender sender = sender(config().maxAttempts(3).build());
        client.behaviour = request -> CompletableFuture.completedFuture(FakeFirehoseClient.response(
                request.records().stream().map(r -> FakeFirehoseClient.error("InternalFailure", "x")).toList()));
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        for (int i = 0; i < 5; i++) {
            settle(sender);
            ticker.advance(BACKOFF);
        }

        assertThat(client.requests).hasSize(3);
        assertThat(failure(f)).isInstanceOfSatisfying(RecordFailedException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("InternalFailure");
            assertThat(e.attempts()).isEqualTo(3);
        });
    }

    @Test
    void aRecordThatCannotBeSentInTimeFailsWithADeliveryTimeout() {
        Sender sender = sender(config().maxInFlightRequestsPerStream(1).build());
        client.behaviour = request -> new CompletableFuture<>();
        CompletableFuture<PutResult> inFlight = producer.put("first");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> waiting = producer.put("second");
        ticker.advance(Duration.ofSeconds(30));
        settle(sender);

        assertThat(failure(waiting)).isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
            assertThat(e.attempts()).isZero();
            assertThat(e.lastErrorCode()).isNull();
            assertThat(e.mayBeDuplicated()).isFalse();
        });
        // The producer keeps the deadline of a record in flight too, whatever the client does: its
        // request went out unanswered, so it may have been stored.
        assertThat(failure(inFlight)).isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.mayBeDuplicated()).isTrue();
        });
        assertThat(client.requests).hasSize(1);
    }

    @Test
    void eachRequestsTimeoutEndsNoLaterThanTheEarliestDeadlineInItsBatch() {
        Sender sender = sender(config().deliveryTimeout(Duration.ofSeconds(4)).build());
        client.behaviour = request -> new CompletableFuture<>();
        producer.put("a");
        ticker.advance(LINGER);
        settle(sender);

        PutRecordBatchRequest request = client.requests.get(0);
        Duration timeout = request.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow();
        assertThat(timeout).isEqualTo(Duration.ofSeconds(4).minus(LINGER));
    }

    @Test
    void theRequestTimeoutCapsTheApiCallTimeoutWhenTheDeadlineIsFar() {
        Sender sender = sender(config().deliveryTimeout(Duration.ofMinutes(5)).requestTimeout(Duration.ofSeconds(7))
                .build());
        client.behaviour = request -> new CompletableFuture<>();
        producer.put("a");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests.get(0).overrideConfiguration().orElseThrow().apiCallTimeout())
                .contains(Duration.ofSeconds(7));
    }

    @Test
    void listenersHearEveryRequestAndEveryRecordExactlyOnceAndAThrowingListenerChangesNothing() {
        Sender sender = sender(config().build());
        List<RequestCompletedEvent> requests = new CopyOnWriteArrayList<>();
        List<RecordSettledEvent> settled = new CopyOnWriteArrayList<>();
        List<Integer> retried = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        producer.addListener(new ProducerListener() {
            @Override
            public void onRecordAccepted(String stream, int bytes) {
                accepted.incrementAndGet();
            }

            @Override
            public void onRequestCompleted(RequestCompletedEvent event) {
                requests.add(event);
            }

            @Override
            public void onRecordsRetried(String stream, int records) {
                retried.add(records);
            }

            @Override
            public void onRecordSettled(RecordSettledEvent event) {
                settled.add(event);
            }
        });
        ProducerListener broken = new ProducerListener() {
            @Override
            public void onRecordSettled(RecordSettledEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        producer.addListener(broken);
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            for (Record r : request.records()) {
                entries.add(entries.size() % 2 == 0 ? FakeFirehoseClient.ok(r)
                        : FakeFirehoseClient.error("ServiceUnavailableException", "Slow down."));
            }
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        List<CompletableFuture<PutResult>> futures = put(6);
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(accepted).hasValue(6);
        assertThat(settled).hasSize(6).allMatch(RecordSettledEvent::success);
        assertThat(retried).containsExactly(3);
        assertThat(requests).hasSize(2);
        RequestCompletedEvent first = requests.get(0);
        assertThat(first.records()).isEqualTo(6);
        assertThat(first.bytes()).isEqualTo(12);
        assertThat(first.acceptedRecords()).isEqualTo(3);
        assertThat(first.acceptedBytes()).isEqualTo(6);
        assertThat(first.failedRecordsByCode()).isEqualTo(Map.of("ServiceUnavailableException", 3));
        assertThat(first.throttledRecords()).isEqualTo(3);
        assertThat(first.requestFailed()).isFalse();
        assertThat(first.operation()).isEqualTo("PutRecordBatch");
        assertThat(first.latency()).isZero();
        assertThat(requests.get(1).acceptedRecords()).isEqualTo(3);
        assertThat(producer.stats().listenerErrors()).isEqualTo(6);
        assertThat(producer.removeListener(broken)).isTrue();

        StreamStats total = producer.stats().total();
        assertThat(total.recordsPut()).isEqualTo(total.recordsAcknowledged() + total.recordsFailed()
                + total.bufferedRecords());
        assertThat(total.bufferedRecords()).isZero();
        assertThat(total.bufferedBytes()).isZero();
        assertThat(total.requests()).isEqualTo(2);
    }

    @Test
    void statsShowWhatIsBufferedInFlightAndHowOldTheOldestWaitingRecordIs() {
        Sender sender = sender(config().build());
        CompletableFuture<PutRecordBatchResponse> pending = new CompletableFuture<>();
        client.behaviour = request -> pending;
        producer.put("abc");
        producer.put("de");
        ticker.advance(Duration.ofMillis(40));
        settle(sender);

        StreamStats waiting = producer.stats().stream("s");
        assertThat(waiting.bufferedRecords()).isEqualTo(2);
        assertThat(waiting.bufferedBytes()).isEqualTo(5);
        assertThat(waiting.requestsInFlight()).isZero();
        assertThat(waiting.oldestBufferedRecordAge()).isEqualTo(Duration.ofMillis(40));

        ticker.advance(LINGER);
        settle(sender);
        StreamStats inFlight = producer.stats().stream("s");
        assertThat(inFlight.requestsInFlight()).isEqualTo(1);
        assertThat(inFlight.bufferedRecords()).isEqualTo(2);
        assertThat(inFlight.oldestBufferedRecordAge()).isZero();

        pending.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());
        settle(sender);
        StreamStats done = producer.stats().stream("s");
        assertThat(done.requestsInFlight()).isZero();
        assertThat(done.bufferedRecords()).isZero();
        assertThat(done.bufferedBytes()).isZero();
        assertThat(done.recordsAcknowledged()).isEqualTo(2);
        assertThat(done.bytesAcknowledged()).isEqualTo(5);
        assertThat(done.requestBytes()).isEqualTo(5);
        assertThat(producer.stats().total()).isEqualTo(new StreamStats("*", 2, 5, 2, 5, 0, Map.of(), 0, 0, 1, 0, 2, 5,
                0, 0, 0, 0, Duration.ZERO, 2, 2 * 5_120));
    }

    @Test
    void closingFailsEveryPendingRecordOnceAndCancelsTheRequestInFlight() {
        Sender sender = sender(config().build());
        CompletableFuture<PutRecordBatchResponse> never = new CompletableFuture<>();
        client.behaviour = request -> never;
        CompletableFuture<PutResult> sent = producer.put("sent");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> waiting = producer.put("waiting");

        producer.close(Duration.ZERO);
        producer = null;

        assertThat(never).isCancelled();
        assertThat(failure(sent)).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.attempts()).isEqualTo(1));
        assertThat(failure(waiting)).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.errorCode()).isEqualTo(RecordFailedException.PRODUCER_CLOSED));
        assertThat(client.closed).isFalse();
    }

    @Test
    void aResponseThatArrivesAfterCloseDoesNotCompleteARecordTwice() {
        Sender sender = sender(config().build());
        CompletableFuture<PutRecordBatchResponse> late = new CompletableFuture<>();
        client.behaviour = request -> late;
        List<RecordSettledEvent> settled = new CopyOnWriteArrayList<>();
        producer.addListener(new ProducerListener() {
            @Override
            public void onRecordSettled(RecordSettledEvent event) {
                settled.add(event);
            }
        });
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        producer.close(Duration.ZERO);
        producer = null;

        late.complete(PutRecordBatchResponse.builder().failedPutCount(0)
                .requestResponses(PutRecordBatchResponseEntry.builder().recordId("late").build()).build());
        sender.runOnce();

        assertThat(failure(f)).isInstanceOf(ProducerClosedException.class);
        assertThat(settled).hasSize(1);
    }

    @Test
    void recordsClosedOutInFlightSayTheyMayBeDuplicatedAndWaitingOnesDoNot() {
        Sender sender = sender(config().build());
        client.behaviour = request -> new CompletableFuture<>();
        CompletableFuture<PutResult> sent = producer.put("sent");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> waiting = producer.put("waiting");

        producer.close(Duration.ZERO);
        producer = null;

        assertThat(failure(sent)).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.mayBeDuplicated()).isTrue());
        assertThat(failure(waiting)).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.mayBeDuplicated()).isFalse());
    }

    @Test
    void entriesThatFailedTogetherAreRetriedTogetherInOneRequestWhateverTheJitter() {
        AtomicInteger draws = new AtomicInteger();
        // A different wait for every record asking: with one schedule per record they would split.
        Sender sender = sender(config().retryInterval(attempt -> 100L + 37L * draws.incrementAndGet()).build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                entries.add(i % 3 == 0 ? FakeFirehoseClient.error("InternalFailure", "internal")
                        : FakeFirehoseClient.ok(request.records().get(i)));
            }
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        List<CompletableFuture<PutResult>> futures = put(30);
        ticker.advance(LINGER);
        settle(sender);
        for (int i = 0; i < 40; i++) {
            ticker.advance(Duration.ofMillis(100));
            settle(sender);
        }

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(client.requests).hasSize(2);
        assertThat(client.requests.get(1).records()).hasSize(10);
        // Sent at the latest wait any of them was given, never sooner than its own policy asked.
        assertThat(draws.get()).isEqualTo(10);
    }

    @Test
    void aRetryIntervalThatThrowsFailsItsRecordsWithTheCauseAndLeavesNothingStranded() {
        IllegalStateException bug = new IllegalStateException("bug in the interval function");
        Sender sender = sender(config().retryInterval(attempt -> {
            throw bug;
        }).build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(FakeFirehoseClient.response(List.of(
                        FakeFirehoseClient.error("InternalFailure", "internal"),
                        FakeFirehoseClient.ok(request.records().get(1)))))
                : FakeFirehoseClient.acceptAll(request);
        List<CompletableFuture<PutResult>> first = put(2);
        ticker.advance(LINGER);
        settle(sender);

        assertThat(failure(first.get(0))).isInstanceOf(RecordFailedException.class).hasRootCause(bug);
        assertThat(first.get(1)).isCompleted();
        assertThat(producer.flush()).isCompleted();
        // Lingering still works afterwards: a later record waits for its linger, then goes.
        CompletableFuture<PutResult> later = producer.put("later");
        settle(sender);
        assertThat(later).isNotDone();
        ticker.advance(LINGER);
        settle(sender);
        assertThat(later).isCompleted();
        assertThat(producer.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void freshRecordsDoNotShareARequestWithARetryCloseToItsDeadline() {
        Sender sender = sender(config().deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10))
                .build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0
                ? failed("InternalFailure", 500) : FakeFirehoseClient.acceptAll(request);
        CompletableFuture<PutResult> old = producer.put("old");
        ticker.advance(LINGER);
        settle(sender);
        // The old record's retry falls due 25 s after its put: 5 s before its deadline.
        ticker.advance(Duration.ofSeconds(25).minus(LINGER).minus(BACKOFF));
        CompletableFuture<PutResult> fresh = producer.put("fresh");
        ticker.advance(BACKOFF);
        settle(sender);
        ticker.advance(LINGER);
        settle(sender);

        assertThat(old).isCompleted();
        assertThat(fresh).isCompleted();
        assertThat(client.requests).hasSize(3);
        PutRecordBatchRequest retry = client.requests.get(1);
        PutRecordBatchRequest freshRequest = client.requests.get(2);
        assertThat(retry.records()).extracting(r -> r.data().asUtf8String()).containsExactly("old");
        assertThat(retry.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow())
                .isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(freshRequest.records()).extracting(r -> r.data().asUtf8String()).containsExactly("fresh");
        assertThat(freshRequest.overrideConfiguration().orElseThrow().apiCallTimeout()).contains(Duration.ofSeconds(10));
        assertThat(fresh.join().attempts()).isEqualTo(1);
        assertThat(fresh.join().mayBeDuplicated()).isFalse();
    }

    @Test
    void aLateAnswerToARecordFailedAtItsDeadlineIsIgnoredAndCounted() {
        Sender sender = sender(config().deliveryTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(60))
                .build());
        CompletableFuture<PutRecordBatchResponse> late = new CompletableFuture<>();
        client.behaviour = request -> late;
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(Duration.ofSeconds(5));
        settle(sender);
        assertThat(failure(f)).isInstanceOfSatisfying(DeliveryTimeoutException.class,
                e -> assertThat(e.mayBeDuplicated()).isTrue());

        late.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());
        settle(sender);
        assertThat(producer.stats().recordsAcknowledgedLate()).isEqualTo(1);
        assertThat(producer.stats().total().recordsFailed()).isEqualTo(1);
        assertThat(producer.stats().total().recordsAcknowledged()).isZero();
        assertThat(producer.stats().total().requestsInFlight()).isZero();
    }

    @Test
    void theStateOfAStreamIdleForTheIdleTimeIsDroppedAndItsCountsStayInTheTotal() {
        Sender sender = sender(config().streamIdleTimeout(Duration.ofMinutes(1)).build());
        for (int i = 0; i < 5_000; i++) {
            producer.put("stream-" + i, "x");
        }
        ticker.advance(LINGER);
        // At most 50 requests in flight (the default): a round sends 50, the next hears of them.
        for (int i = 0; i < 10; i++) {
            settle(sender);
        }
        assertThat(producer.stats().streams()).hasSize(5_000);
        assertThat(producer.stats().total().recordsAcknowledged()).isEqualTo(5_000);

        ticker.advance(Duration.ofSeconds(30));
        settle(sender);
        assertThat(producer.accumulator().queues()).hasSize(5_000);
        ticker.advance(Duration.ofSeconds(31));
        settle(sender);

        assertThat(producer.accumulator().queues()).isEmpty();
        assertThat(producer.stats().streams()).isEmpty();
        assertThat(producer.stats().total().recordsPut()).isEqualTo(5_000);
        assertThat(producer.stats().total().recordsAcknowledged()).isEqualTo(5_000);
        assertThat(producer.stats().total().requests()).isEqualTo(5_000);

        // A stream used again starts afresh.
        CompletableFuture<PutResult> again = producer.put("stream-7", "y");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(again).isCompleted();
        assertThat(producer.stats().stream("stream-7").recordsPut()).isEqualTo(1);
        assertThat(producer.stats().total().recordsPut()).isEqualTo(5_001);
    }

    @Test
    void aStreamWithRecordsAwaitingARetryIsNeverDropped() {
        Sender sender = sender(config().streamIdleTimeout(Duration.ofMillis(1)).maxAttempts(3).build());
        client.behaviour = request -> failed("ServiceUnavailableException", 503);
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(Duration.ofMillis(50));
        settle(sender);
        assertThat(producer.accumulator().queues()).containsKey("s");
        for (int i = 0; i < 10; i++) {
            ticker.advance(BACKOFF);
            settle(sender);
        }
        assertThat(failure(f)).isInstanceOf(RecordFailedException.class);
        assertThat(client.requests).hasSize(3);
    }

    @Test
    void noMoreRequestsThanTheTotalLimitAreInFlightAndStreamsTakeTurns() {
        Sender sender = sender(config().maxInFlightRequests(4).maxInFlightRequestsPerStream(3).build());
        client.behaviour = request -> new CompletableFuture<>();
        for (String stream : List.of("a", "b", "c")) {
            for (int i = 0; i < 2_000; i++) {
                producer.put(stream, "x");
            }
        }
        settle(sender);
        assertThat(client.requests).hasSize(4);
        assertThat(client.requests).extracting(PutRecordBatchRequest::deliveryStreamName)
                .contains("a", "b", "c");
    }
}
