package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Promises under faults that an adversarial review of the producer found broken in a first version
 * of this code, one test each (the test comments describe the broken behaviour each guards against):
 * turns for request slots, idle streams retired at the in-flight limit, records failed as never sent
 * staying unsent, a client's own retries flagged on every path, no delivery timeout before the
 * deadline, one retry time per response, no settled record held by the retry sets, close with an
 * unbounded duration or from a callback, one log line per refused request. Driven by hand on the
 * manual ticker (nothing sleeps to wait for a timer), as {@code SenderTest} and
 * {@code RecordAccumulatorTest} are.
 */
@Timeout(60)
class SenderFaultsTest {

    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private static final long LINGER_NANOS = LINGER.toNanos();
    private static final long T0 = 1_000_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private DefaultFirehoseProducer producer;
    private FirehoseProducer started;

    @AfterEach
    void closeProducers() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (started != null) {
            started.close(Duration.ofMillis(200));
        }
    }

    private ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(BACKOFF))
                .deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10));
    }

    private Sender sender(ProducerConfig config) {
        producer = new DefaultFirehoseProducer("s", client, false, config, ticker);
        return producer.sender();
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 20; i++) {
            sender.runOnce();
        }
    }

    private static CompletableFuture<PutRecordBatchResponse> failed(String code, int status) {
        return CompletableFuture.failedFuture(new CompletionException(FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg").build()).build()));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, t) -> t).join();
    }

    private static ProducerEntry entry(String stream, long now) {
        return new ProducerEntry(stream, Record.builder().data(SdkBytes.fromByteArrayUnsafe(new byte[1])).build(),
                1, now, now + TimeUnit.MINUTES.toNanos(2), new FlushTracker().enter());
    }

    // ---- RecordAccumulator: streams take turns for free request slots ----------------------------

    /**
     * README: "at most maxInFlightRequestsPerStream of the maxInFlightRequests requests in flight;
     * streams take turns for free request slots." With the defaults (50 in all, 10 per stream) and
     * six busy streams, every slot freed goes to the first stream in the map's iteration order that
     * is under its own limit: five streams end up with 10 each and the sixth never sends again.
     */
    @Test
    void withSixBusyStreamsEveryStreamKeepsGettingRequestSlots() {
        RecordAccumulator acc = new RecordAccumulator(1, ProducerConfig.MAX_BATCH_BYTES, LINGER_NANOS, 0,
                ProducerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS, Long.MAX_VALUE / 4, null,
                now -> new RateController(ProducerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM, true, 0, 0, 0, now),
                stream -> { });
        List<String> streams = List.of("a", "b", "c", "d", "e", "f");
        for (String stream : streams) {
            for (int i = 0; i < 2_000; i++) {
                acc.append(entry(stream, T0));   // one record per batch: every record is a full batch
            }
        }
        Deque<String> inFlight = new ArrayDeque<>();
        for (Batch b : acc.drain(T0)) {
            inFlight.add(b.stream());
        }
        Map<String, Integer> sentAfterWarmUp = new TreeMap<>();
        streams.forEach(s -> sentAfterWarmUp.put(s, 0));
        // Requests complete in the order they were sent; each freed slot is handed out again.
        for (int step = 0; step < 600; step++) {
            acc.requestCompleted(inFlight.poll());
            for (Batch b : acc.drain(T0)) {
                inFlight.add(b.stream());
                if (step >= 100) {
                    sentAfterWarmUp.merge(b.stream(), 1, Integer::sum);
                }
            }
        }

        // 500 slots handed out among six equally busy streams: taking turns gives each about 83.
        assertThat(sentAfterWarmUp).as("requests sent per stream once the total limit binds")
                .allSatisfy((stream, sent) -> assertThat(sent).as("stream " + stream).isGreaterThan(40));
    }

    // ---- RecordAccumulator: idle streams are retired ----------------------------------------------

    /**
     * README: "streamIdleTimeout: a stream with nothing buffered, in flight or being put for this long
     * has its state dropped". drain() stops looking at streams ({@code break}) as soon as the total
     * in-flight limit is reached, and retirement only happens inside that loop: while one request
     * holds the last slot (a hung stream, say), no stream after it in iteration order is ever retired.
     */
    @Test
    void idleStreamsAreRetiredWhileTheTotalInFlightLimitIsReached() {
        long idle = TimeUnit.SECONDS.toNanos(1);
        Set<String> retired = new LinkedHashSet<>();
        RecordAccumulator acc = new RecordAccumulator(500, ProducerConfig.MAX_BATCH_BYTES, LINGER_NANOS, 0, 1, idle,
                null, now -> new RateController(1, true, 0, 0, 0, now), retired::add);
        for (int i = 0; i < 20; i++) {
            acc.append(entry("stream-" + i, T0));
        }
        long now = T0 + LINGER_NANOS;
        for (int i = 0; i < 20; i++) {
            List<Batch> batches = acc.drain(now);
            assertThat(batches).hasSize(1);
            acc.requestCompleted(batches.get(0).stream());
        }
        // One more record to the stream that comes first in the map, whose request then hangs.
        String hung = acc.queues().keySet().iterator().next();
        acc.append(entry(hung, now));
        now += LINGER_NANOS;
        assertThat(acc.drain(now)).extracting(Batch::stream).containsExactly(hung);

        for (int i = 0; i < 10; i++) {
            now += idle;
            acc.drain(now);
        }

        assertThat(retired).as("streams idle for 10x streamIdleTimeout that were retired").hasSize(19)
                .doesNotContain(hung);
    }

    // ---- Sender/RequestHandler: a record failed as not sent is never sent ------------------------

    /**
     * README: "Firehose may store a record twice only when an attempt's answer was lost ...; such a
     * record's result says mayBeDuplicated()". A request that waits for a request thread past its
     * records' deadlines has them failed with mayBeDuplicated() == false (not handed to the client),
     * yet the request thread still sends it once it gets free: the records may then be stored while
     * their futures say they failed and were not sent, so an application that re-puts them stores
     * them twice, unflagged.
     */
    @Test
    void aRecordFailedAsNeverSentIsNotSentAfterwards() throws Exception {
        RequestThreads threads = RequestThreads.pool("review-queued", 1);
        CountDownLatch busy = new CountDownLatch(1);
        // The one request thread is busy (a slow callback of another record, a slow credential fetch...).
        threads.execute(() -> {
            try {
                busy.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer = new DefaultFirehoseProducer("s", client, false,
                config().deliveryTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(1)).build(),
                ticker, threads);
        Sender sender = producer.sender();
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        sender.runOnce();     // the request is handed over and waits for the request thread
        ticker.advance(Duration.ofSeconds(5));
        sender.runOnce();     // its record's deadline has passed: failed, not flagged
        assertThat(failure(f)).isInstanceOfSatisfying(DeliveryTimeoutException.class,
                e -> assertThat(e.mayBeDuplicated()).isFalse());

        busy.countDown();
        CountDownLatch drained = new CountDownLatch(1);
        threads.execute(drained::countDown);  // runs after the queued request on the single thread
        assertThat(drained.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(client.sentData()).as("records sent after they failed with mayBeDuplicated() == false")
                .doesNotContain("x");
    }

    // ---- RequestHandler/SdkAttempts: a retry the client made itself is flagged -------------------

    /**
     * producer-core README, SDK retries: "if a client retries anyway ..., the producer sees more
     * than one transmission and flags the request's records mayBeDuplicated". The flag is only set
     * when the request ends with a response; when the client's own retry ends with an error that is
     * not ambiguous ("Slow down."), the first transmission's lost answer is forgotten, the producer
     * resends, and a record stored twice says mayBeDuplicated() == false. Here the client is one that
     * retries by itself (say, a decorator with its own retry around the SDK client): it makes two
     * transmissions of the first attempt, the SDK's interceptor counting both into the tracker.
     */
    @Test
    void aRetryTheClientMadeByItselfFlagsTheRecordsWhateverItsLastAttemptEndedWith() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() == 0) {
                ExecutionAttributes attributes = request.overrideConfiguration().orElseThrow().executionAttributes();
                // Transmission 1: stored, its answer lost (connection reset). Transmission 2: "Slow down."
                SdkAttempts.COUNTING_INTERCEPTOR.beforeTransmission(null, attributes);
                SdkAttempts.COUNTING_INTERCEPTOR.beforeTransmission(null, attributes);
                return failed("ServiceUnavailableException", 503);
            }
            return FakeFirehoseClient.acceptAll(request);
        };
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(BACKOFF);
        settle(sender);

        assertThat(client.requests).hasSize(2);
        assertThat(f.join().attempts()).isEqualTo(2);
        assertThat(f.join().mayBeDuplicated()).as("record sent in 3 transmissions, the first one's answer lost")
                .isTrue();
    }

    // ---- Sender.retryOrFail: no record fails with a delivery timeout before its deadline ----------

    /**
     * DeliveryTimeoutException: "A record that was not acknowledged within deliveryTimeout". Records
     * that fail together are requeued at the latest retry time any of them was given; a member whose
     * deadline comes before that time is failed at once with a DeliveryTimeoutException, although
     * its own retry policy asked for a retry well before its deadline and its deadline is still
     * far off. Here the old record has 850 ms left and a 100 ms wait, and fails 850 ms early.
     */
    @Test
    void aRecordIsNotFailedWithADeliveryTimeoutBeforeItsDeadlineBecauseAnotherRecordWaitsLonger() {
        // The waits the policy gives, one per record asking, in order (a jittered backoff gives such spreads).
        ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>(List.of(29_000L, 100L, 5_000L));
        Sender sender = sender(config().deliveryTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofMillis(100))
                .retryInterval(attempt -> waits.isEmpty() ? 100L : waits.poll()).build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            int call = calls.getAndIncrement();
            if (call == 0) {
                return CompletableFuture.completedFuture(FakeFirehoseClient.response(
                        List.of(FakeFirehoseClient.error("InternalFailure", "internal"))));
            }
            return call == 1 ? failed("InternalFailure", 500) : FakeFirehoseClient.acceptAll(request);
        };
        CompletableFuture<PutResult> old = producer.put("old");        // deadline T + 30 s
        ticker.advance(LINGER);
        settle(sender);                                                // fails; retry in 29 s
        ticker.advance(Duration.ofSeconds(29).minus(Duration.ofMillis(50)));
        CompletableFuture<PutResult> fresh = producer.put("fresh");
        ticker.advance(Duration.ofMillis(50));
        settle(sender);                                                // the retry falls due, waits for fresh
        ticker.advance(Duration.ofMillis(50));
        settle(sender);                                                // old + fresh go together, fail with a 500
        assertThat(client.requests).hasSize(2);
        assertThat(client.requests.get(1).records()).hasSize(2);

        // Old's deadline is 850 ms away and its own wait is 100 ms.
        assertThat(old).as("record failed 850 ms before its delivery deadline").isNotDone();
        ticker.advance(Duration.ofMillis(100));
        settle(sender);
        assertThat(old.join().recordId()).isEqualTo("id-old");
        assertThat(fresh).isNotNull();
    }

    // ---- Sender.retryFailedEntries: the failed entries of one response retry at one time ------------

    /**
     * README: "Records that failed together (the failed entries of one response, or the records of a
     * request that failed as a whole) are retried together, at one retry time". The failed entries
     * of a response are split into a new group each time the error code differs from the previous
     * failed entry's, and each group gets its own retry time: a response that mixes "Slow down."
     * and InternalFailure entries is retried in as many requests as there are runs of one code.
     */
    @Test
    void theFailedEntriesOfOneResponseAreRetriedAtOneTimeWhateverTheirErrorCodes() {
        AtomicInteger draws = new AtomicInteger();
        // A different wait for every record asking, as a jittered backoff gives.
        Sender sender = sender(config().retryInterval(attempt -> 100L + 37L * draws.incrementAndGet()).build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                entries.add(i % 6 == 0 ? FakeFirehoseClient.error("ServiceUnavailableException", "Slow down.")
                        : i % 6 == 3 ? FakeFirehoseClient.error("InternalFailure", "internal")
                        : FakeFirehoseClient.ok(request.records().get(i)));
            }
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(producer.put("r" + i));
        }
        ticker.advance(LINGER);
        settle(sender);
        for (int i = 0; i < 40; i++) {
            ticker.advance(Duration.ofMillis(100));
            settle(sender);
        }

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(client.requests).extracting(r -> r.records().size())
                .as("records per request: the 10 failed entries of the first response should go in one retry")
                .containsExactly(30, 10);
    }

    // ---- RecordAccumulator: memory bound ----------------------------------------------------------

    /**
     * README: "Memory is bounded by maxBufferedBytes and maxBufferedRecords, whatever the endpoint
     * does". The retry-deadline heap keeps records that were retried, sent again and acknowledged
     * until their delivery deadline passes or the heap holds more than 64 + twice the records
     * waiting: with records of the largest size, a stream whose records each fail once keeps 64 MB
     * of settled records alive under a 4 MiB bound (and each stream may do so).
     */
    @Test
    void settledRecordsAreNotKeptAliveBeyondTheBufferBound() {
        long maxBufferedBytes = ProducerConfig.MAX_BATCH_BYTES;
        Sender sender = sender(config().maxBufferedBytes(maxBufferedBytes).maxStreamBufferShare(1.0).build());
        AtomicInteger calls = new AtomicInteger();
        // Every record fails once with InternalFailure, then is stored.
        client.behaviour = request -> calls.getAndIncrement() % 2 == 0
                ? CompletableFuture.completedFuture(FakeFirehoseClient.response(request.records().stream()
                        .map(r -> FakeFirehoseClient.error("InternalFailure", "internal")).toList()))
                : FakeFirehoseClient.acceptAll(request);
        byte[] data = new byte[ProducerConfig.MAX_RECORD_BYTES];
        for (int round = 0; round < 16; round++) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(producer.put(data));
            }
            ticker.advance(LINGER);
            settle(sender);
            ticker.advance(BACKOFF);
            settle(sender);
            assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        }
        assertThat(producer.stats().total().bufferedBytes()).isZero();

        long heldBytes = (long) producer.accumulator().queues().get("s").retryDeadlineCount()
                * ProducerConfig.MAX_RECORD_BYTES;
        assertThat(heldBytes).as("bytes of settled records the retry heaps still hold, against maxBufferedBytes %d",
                maxBufferedBytes).isLessThanOrEqualTo(maxBufferedBytes);
    }

    // ---- RetryPolicy: the Retry counts every record that fails for good after retries -------------

    // ---- DefaultFirehoseProducer.close(Duration) ---------------------------------------------------

    /**
     * FirehoseProducer.close(Duration): "waits up to timeout for every record to settle". An unbounded
     * wait, spelled as the JDK spells it, makes close throw ArithmeticException (Duration.toNanos
     * overflows) after it has marked the producer closed, without waiting for anything.
     */
    @Test
    void closeWithAnUnboundedDurationWaitsInsteadOfThrowing() throws Exception {
        CompletableFuture<PutRecordBatchResponse> answer = new CompletableFuture<>();
        client.behaviour = request -> answer;
        started = FirehoseProducer.builder().deliveryStreamName("s").client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(1)).build()).build();
        CompletableFuture<PutResult> f = started.put("x");
        while (client.requests.isEmpty()) {
            Thread.onSpinWait();
        }
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                .execute(() -> answer.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join()));

        Throwable thrown = null;
        try {
            started.close(ChronoUnit.FOREVER.getDuration());
        } catch (Throwable t) {
            thrown = t;
        }

        assertThat(thrown).as("close(ChronoUnit.FOREVER.getDuration()) threw").isNull();
        assertThat(f).as("close returned before the record in flight settled").isCompleted();
    }

    /**
     * FirehoseProducer.close(Duration): "It returns within timeout plus CLOSE_MARGIN, with every future
     * completed." Called from a future's callback on the sender thread (a record that failed), it
     * returns at once with the records still pending left incomplete, although on the sender thread
     * it could fail them itself before returning.
     */
    @Test
    void closeFromACallbackOnTheSenderThreadReturnsWithEveryFutureCompleted() throws Exception {
        CompletableFuture<PutRecordBatchResponse> badAnswer = new CompletableFuture<>();
        client.behaviour = request -> request.deliveryStreamName().equals("bad") ? badAnswer
                : new CompletableFuture<>();   // "hung": never answered
        started = FirehoseProducer.builder().client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(1)).build()).build();
        CompletableFuture<PutResult> pending = started.put("hung", "x");
        CompletableFuture<PutResult> bad = started.put("bad", "y");
        CompletableFuture<String> observed = new CompletableFuture<>();
        bad.whenComplete((r, t) -> {
            started.close(Duration.ofSeconds(5));
            observed.complete(Thread.currentThread().getName() + " pendingDone=" + pending.isDone());
        });
        while (client.requests.size() < 2) {
            Thread.onSpinWait();
        }
        badAnswer.completeExceptionally(software.amazon.awssdk.services.firehose.model.ResourceNotFoundException
                .builder().message("no such stream").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build());

        String seen = observed.get(30, TimeUnit.SECONDS);
        assertThat(seen).contains("-sender");
        assertThat(seen).as("when close returned in the callback").endsWith("pendingDone=true");
    }

    // ---- SenderLog ------------------------------------------------------------------------------------

    /**
     * README: "WARN (or ERROR for a request refused as a whole) only when records fail for good, at
     * most one line per stream per 30 s with the counts". A request refused as a whole logs an ERROR
     * line and, for the same records at the same instant, a WARN line: two lines for one event.
     */
    @Test
    void aRequestRefusedAsAWholeIsOneLineNotAnErrorAndAWarning() {
        ch.qos.logback.classic.Logger senderLogger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Sender.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        senderLogger.addAppender(appender);
        try {
            Sender sender = sender(config().build());
            client.behaviour = request -> failed("ResourceNotFoundException", 400);
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(producer.put("r" + i));
            }
            ticker.advance(LINGER);
            settle(sender);
            assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);

            assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                    .extracting(e -> e.getLevel() + " " + e.getMessage())
                    .as("WARN/ERROR lines for one request refused as a whole").hasSize(1);
        } finally {
            senderLogger.detachAppender(appender);
        }
    }
}
