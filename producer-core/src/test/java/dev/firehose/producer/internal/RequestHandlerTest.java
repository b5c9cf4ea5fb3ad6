package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RequestCompletedEvent;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * What the request thread makes of the client's answer ({@link RequestHandler}), seen through a
 * producer driven by hand: the request's latency, answers that do not fit the request, and clients
 * that misbehave. {@link InFlightRequest}'s hand-over to the client is checked on its own.
 */
class RequestHandlerTest {

    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(200);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private final List<RequestCompletedEvent> events = new CopyOnWriteArrayList<>();
    private DefaultFirehoseProducer producer;

    private Sender sender() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .retryInterval(IntervalFunction.of(BACKOFF)).build(), ticker);
        producer.addListener(new ProducerListener() {
            @Override
            public void onRequestCompleted(RequestCompletedEvent event) {
                events.add(event);
            }
        });
        return producer.sender();
    }

    @AfterEach
    void close() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 10; i++) {
            sender.runOnce();
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, t) -> t).join();
    }

    @Test
    void aRequestsLatencyIsTheTimeFromItsSendToItsAnswer() {
        Sender sender = sender();
        CompletableFuture<PutRecordBatchResponse> answer = new CompletableFuture<>();
        client.behaviour = request -> answer;
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(Duration.ofMillis(250));
        answer.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());
        settle(sender);

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.latency()).isEqualTo(Duration.ofMillis(250));
            assertThat(e.acceptedRecords()).isEqualTo(1);
            assertThat(e.requestFailed()).isFalse();
        });
        assertThat(f.join().latency()).isEqualTo(LINGER.plus(Duration.ofMillis(250)));
        assertThat(producer.stats().recordsAcknowledgedLate()).isZero();
    }

    @Test
    void anAnswerWithTheWrongNumberOfEntriesIsARetryableFailureThatMayHaveStoredTheRecords() {
        Sender sender = sender();
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(FakeFirehoseClient.response(List.of(
                        FakeFirehoseClient.ok(request.records().get(0)))))
                : FakeFirehoseClient.acceptAll(request);
        List<CompletableFuture<PutResult>> fs = List.of(producer.put("a"), producer.put("b"));
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(client.requests).hasSize(2);
        assertThat(events.get(0).requestErrorCode()).isEqualTo("MalformedResponse");
        assertThat(events.get(0).failedRecordsByCode()).isEqualTo(Map.of("MalformedResponse", 2));
        assertThat(events.get(0).acceptedRecords()).isZero();
        assertThat(fs).allSatisfy(f -> {
            assertThat(f.join().attempts()).isEqualTo(2);
            assertThat(f.join().mayBeDuplicated()).isTrue();
        });
    }

    @Test
    void aClientThatReturnsNoFutureOrNoResponseOrThrowsFailsTheRecordsWithTheReason() {
        Sender sender = sender();
        IllegalStateException bug = new IllegalStateException("client bug");
        client.behaviour = request -> switch (request.records().get(0).data().asUtf8String()) {
            case "no-future" -> null;
            case "no-response" -> CompletableFuture.completedFuture(null);
            default -> throw bug;
        };
        CompletableFuture<PutResult> noFuture = producer.put("s", "no-future");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> noResponse = producer.put("s", "no-response");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> throwing = producer.put("s", "throws");
        ticker.advance(LINGER);
        settle(sender);

        assertThat(failure(noFuture)).isInstanceOfSatisfying(RecordFailedException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(RecordFailedException.CLIENT_ERROR);
            assertThat(e.errorMessage()).contains("client returned no future");
        });
        assertThat(failure(noResponse)).isInstanceOfSatisfying(RecordFailedException.class,
                e -> assertThat(e.errorMessage()).contains("client returned no response"));
        assertThat(failure(throwing)).isInstanceOf(RecordFailedException.class).hasCause(bug);
        assertThat(client.requests).hasSize(3);
        assertThat(events).hasSize(3).allMatch(RequestCompletedEvent::requestFailed);
    }

    @Test
    void aRequestMayHaveReachedTheServiceOnceItIsHandedToTheClientAndNotIfWithheldBefore() {
        InFlightRequest handed = request();
        assertThat(handed.mayHaveReachedService()).isFalse();
        assertThat(handed.isCancelled()).isFalse();
        assertThat(handed.handToClient()).isTrue();
        assertThat(handed.mayHaveReachedService()).isTrue();
        assertThat(handed.withhold()).as("the client has it").isFalse();

        InFlightRequest withheld = request();
        assertThat(withheld.withhold()).isTrue();
        assertThat(withheld.withhold()).as("still withheld").isTrue();
        assertThat(withheld.handToClient()).isFalse();
        assertThat(withheld.mayHaveReachedService()).isFalse();

        withheld.cancel();
        assertThat(withheld.isCancelled()).isTrue();
    }

    private static InFlightRequest request() {
        ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1, 0,
                1, new FlushTracker().enter());
        return new InFlightRequest(new RecordAccumulator.Batch("s", List.of(e), 1),
                PutRecordBatchRequest.builder().deliveryStreamName("s").records(e.record).build(), 0);
    }

    @Test
    void threadsThatHaveStoppedWithholdTheRequestAndItsRecordsFailAsNeverSent() {
        RequestThreads stopped = RequestThreads.pool("stopped-test", 1);
        stopped.shutdown();
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .maxAttempts(2).retryInterval(IntervalFunction.of(BACKOFF)).build(), ticker, stopped);
        Sender sender = producer.sender();
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(f).isNotDone();
        assertThat(producer.stats().total().requestsInFlight()).isZero();
        assertThat(producer.stats().total().recordsRetried()).isEqualTo(1);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(failure(f)).isInstanceOfSatisfying(RecordFailedException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(RecordFailedException.CLIENT_ERROR);
            assertThat(e.errorMessage()).contains("withheld");
            assertThat(e.mayBeDuplicated()).isFalse();
        });
        assertThat(client.requests).isEmpty();
        assertThat(producer.accumulator().totalInFlight()).isZero();
    }

    @Test
    void anAnswerThatComesLaterIsHandledOnARequestThreadNotOnTheThreadThatCompletesIt() throws Exception {
        RequestThreads pool = RequestThreads.pool("answer-test", 1);
        try {
            producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                    .build(), ticker, pool);
            CompletableFuture<PutRecordBatchResponse> answer = new CompletableFuture<>();
            client.behaviour = request -> answer;
            CompletableFuture<String> completedOn = producer.put("x").thenApply(r -> Thread.currentThread().getName());
            ticker.advance(LINGER);
            producer.sender().runOnce();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.requests.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            assertThat(client.requests).hasSize(1);

            answer.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());
            assertThat(completedOn.get(10, TimeUnit.SECONDS)).startsWith("answer-test-request-");
        } finally {
            producer.close(Duration.ZERO);
            producer = null;
            pool.shutdownNow();
        }
    }

    @Test
    void oneTransmissionByTheSdkIsNoDuplicateButTwoAre() {
        Sender sender = sender();
        AtomicInteger transmissions = new AtomicInteger(1);
        client.behaviour = request -> {
            ExecutionAttributes attributes = request.overrideConfiguration().orElseThrow().executionAttributes();
            for (int i = 0; i < transmissions.get(); i++) {
                SdkAttempts.COUNTING_INTERCEPTOR.beforeTransmission(null, attributes);
            }
            return FakeFirehoseClient.acceptAll(request);
        };
        CompletableFuture<PutResult> once = producer.put("once");
        ticker.advance(LINGER);
        settle(sender);
        transmissions.set(2);
        CompletableFuture<PutResult> twice = producer.put("twice");
        ticker.advance(LINGER);
        settle(sender);

        assertThat(once.join().mayBeDuplicated()).isFalse();
        assertThat(twice.join().mayBeDuplicated()).isTrue();
    }

    @Test
    void recordsAcknowledgedAfterTheirDeadlineAreCountedOneByOne() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .deliveryTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(60)).build(), ticker);
        Sender sender = producer.sender();
        CompletableFuture<PutRecordBatchResponse> answer = new CompletableFuture<>();
        client.behaviour = request -> answer;
        CompletableFuture<PutResult> early = producer.put("early");
        ticker.advance(Duration.ofMillis(50));
        CompletableFuture<PutResult> later = producer.put("later");
        ticker.advance(Duration.ofMillis(50));
        settle(sender);
        assertThat(client.requests).hasSize(1);
        ticker.advance(Duration.ofSeconds(5).minus(Duration.ofMillis(100)));
        settle(sender);
        assertThat(early).isCompletedExceptionally();
        assertThat(later).isNotDone();

        answer.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());
        settle(sender);
        assertThat(later.join().recordId()).isEqualTo("id-later");
        assertThat(producer.stats().recordsAcknowledgedLate()).isEqualTo(1);
    }

    @Test
    void aRequestWithheldAtItsRecordsDeadlineIsGivenUpByTheRequestThreadThatFindsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        RequestThreads oneThread = RequestThreads.pool("withheld-test", 1);
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .maxBatchRecords(1).deliveryTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(60))
                .build(), ticker, oneThread);
        Sender sender = producer.sender();
        client.behaviour = request -> {
            if (request.records().get(0).data().asUtf8String().equals("blocker")) {
                blocking.countDown();
                boolean interrupted = false;
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeFirehoseClient.acceptAll(request);
        };
        try {
            CompletableFuture<PutResult> blocker = producer.put("blocker");
            sender.runOnce();
            assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
            ticker.advance(Duration.ofMillis(1));
            CompletableFuture<PutResult> queued = producer.put("queued");
            sender.runOnce();

            ticker.advance(Duration.ofSeconds(3));
            sender.runOnce();
            assertThat(failure(queued)).isInstanceOfSatisfying(RecordFailedException.class,
                    e -> assertThat(e.mayBeDuplicated()).as("never handed to the client").isFalse());
            assertThat(blocker).isCompletedExceptionally();
            assertThat(producer.stats().total().requestsInFlight()).isEqualTo(2);

            release.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((producer.accumulator().totalInFlight() > 0 || producer.stats().total().requestsInFlight() > 0)
                    && System.nanoTime() < end) {
                sender.runOnce();
                Thread.sleep(1);
            }
            assertThat(producer.accumulator().totalInFlight()).isZero();
            assertThat(producer.stats().total().requestsInFlight()).isZero();
            assertThat(client.sentData()).containsExactly("blocker");
        } finally {
            release.countDown();
            producer.close(Duration.ZERO);
            producer = null;
            oneThread.shutdownNow();
        }
    }
}
