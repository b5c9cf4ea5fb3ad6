package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.Quota;
import dev.firehose.local.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Promises the producer keeps under faults, end to end against firehose-local: duplicates are
 * flagged whatever the client, retries do not shrink the requests, one sick stream does not stall
 * another, and {@code close(Duration)} keeps its time even when the client blocks its caller.
 *
 * <p>Each test keeps a ledger (what was put, what each future says, what the endpoint stored) and
 * checks every promise with soft assertions, so that a failure reports all its numbers; each also
 * prints a one-line summary to the test output. The only time bounds asserted are the promises
 * that are about time, with generous margins.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FirehoseProducerFaultsTest {

    /** How a test's producer reaches firehose-local. */
    enum Client {
        /** A {@code FirehoseAsyncClient} passed in, with the SDK's default retry strategy. */
        ASYNC_SDK_DEFAULTS,
        /** A {@code FirehoseAsyncClient} passed in, with {@code AwsRetryStrategy.doNotRetry()}. */
        ASYNC_NO_RETRY,
        /** No client passed in: the producer builds its own (synchronous, SDK retries off). */
        OWN_CLIENT,
        /**
         * No client passed in, and a customizer that points the producer's own client at
         * firehose-local and asks for the SDK's standard retries, which the producer turns off.
         */
        OWN_CLIENT_CUSTOMIZED,
        /**
         * As {@link #OWN_CLIENT_CUSTOMIZED}, and the customizer adds a client-level plugin that
         * turns the SDK's standard retries back on when the client is built.
         */
        OWN_CLIENT_CUSTOMIZED_WITH_PLUGIN,
        /** A {@code FirehoseClient} passed in, with the SDK's default retry strategy. */
        SYNC_SDK_DEFAULTS,
        /** A {@code FirehoseClient} passed in, with {@code AwsRetryStrategy.doNotRetry()}. */
        SYNC_NO_RETRY
    }

    private static final AtomicInteger STREAMS = new AtomicInteger();
    /** The properties that point the SDK's default chains at firehose-local, for {@link Client#OWN_CLIENT}. */
    private static final List<String> CHAIN_PROPERTIES = List.of("aws.region", "aws.accessKeyId",
            "aws.secretAccessKey", "aws.endpointUrlFirehose");

    private static FirehoseLocal local;
    private static FirehoseAsyncClient asyncNoRetry;

    private final List<FirehoseProducer> producers = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final Map<String, String> savedProperties = new HashMap<>();

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(20_240_611L).build().start();
        asyncNoRetry = local.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stopEndpoint() {
        asyncNoRetry.close();
        local.close();
    }

    @AfterEach
    void closeProducersAndClients() throws Exception {
        for (FirehoseProducer p : producers) {
            p.close(Duration.ofSeconds(5));
        }
        for (AutoCloseable c : clients) {
            c.close();
        }
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Duplicates are flagged, on any client
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(Client.class)
    void everyRecordStoredMoreThanOnceSaysItMayBeDuplicated(Client client) throws Exception {
        String stream = newStream("dup");
        local.setFaults(stream, Faults.builder().dropAfterStoreRate(0.05).dropBeforeStoreRate(0.02).build());
        // Small batches, so that the faults, drawn per request, hit a few hundred requests.
        FirehoseProducer p = producer(client, stream, config().maxBatchRecords(50).build());
        int n = 10_000;
        List<String> payloads = new ArrayList<>(n);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String data = "dup-" + client + "-" + i;
            payloads.add(data);
            futures.add(p.put(data));
        }
        p.flush().get(60, TimeUnit.SECONDS);

        Map<String, List<StoredRecord>> stored = storedByData(stream);
        Map<String, Long> duplicatesInLedger = local.ledger().duplicates(stream);
        int acknowledged = 0;
        int failed = 0;
        int flagged = 0;
        int storedMoreThanOnce = 0;
        long copiesOfOurs = 0;
        List<String> unsettled = new ArrayList<>();
        List<String> acknowledgedButNotStored = new ArrayList<>();
        List<String> failedWithoutReason = new ArrayList<>();
        List<String> failedButStoredUnflagged = new ArrayList<>();
        List<String> duplicatedUnflagged = new ArrayList<>();
        List<String> ledgerDisagrees = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String data = payloads.get(i);
            CompletableFuture<PutResult> f = futures.get(i);
            List<StoredRecord> copies = stored.getOrDefault(data, List.of());
            copiesOfOurs += copies.size();
            long ledgerCopies = duplicatesInLedger.getOrDefault(base64(data), copies.isEmpty() ? 0L : 1L);
            if (ledgerCopies != copies.size()) {
                ledgerDisagrees.add(data + ": " + copies.size() + " records, duplicates() says " + ledgerCopies);
            }
            if (!f.isDone()) {
                unsettled.add(data);
                continue;
            }
            Throwable error = failure(f);
            boolean mayBeDuplicated;
            int attempts;
            if (error == null) {
                acknowledged++;
                PutResult r = f.join();
                mayBeDuplicated = r.mayBeDuplicated();
                attempts = r.attempts();
                if (copies.stream().noneMatch(c -> c.recordId().equals(r.recordId()))) {
                    acknowledgedButNotStored.add(data + " (RecordId " + r.recordId() + ", " + copies.size()
                            + " copies)");
                }
            } else {
                failed++;
                if (error instanceof RecordFailedException e && e.errorCode() != null && !e.errorCode().isBlank()) {
                    mayBeDuplicated = e.mayBeDuplicated();
                    attempts = e.attempts();
                    if (!copies.isEmpty() && !mayBeDuplicated) {
                        failedButStoredUnflagged.add(data + " (" + e.errorCode() + ", stored " + copies.size()
                                + " times)");
                    }
                } else {
                    failedWithoutReason.add(data + ": " + error);
                    mayBeDuplicated = false;
                    attempts = -1;
                }
            }
            if (mayBeDuplicated) {
                flagged++;
            }
            if (copies.size() > 1) {
                storedMoreThanOnce++;
                if (!mayBeDuplicated) {
                    duplicatedUnflagged.add(data + " (stored " + copies.size() + " times, " + attempts
                            + " attempt(s), " + (error == null ? "acknowledged" : "failed") + ")");
                }
            }
        }
        Set<String> strangers = new HashSet<>(stored.keySet());
        strangers.removeAll(new HashSet<>(payloads));
        StreamStats stats = p.stats().stream(stream);

        String summary = String.format("[%s] put %d: acknowledged %d, failed %d %s; stored %d copies "
                        + "(ledger count %d), %d records stored more than once, %d of them NOT flagged "
                        + "mayBeDuplicated; %d records flagged in all; requests: producer %d, endpoint %d",
                client, n, acknowledged, failed, stats.recordsFailedByCode(), copiesOfOurs,
                local.ledger().count(stream), storedMoreThanOnce, duplicatedUnflagged.size(), flagged,
                stats.requests(), local.ledger().requestsReceived(stream));
        System.out.println(summary);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(unsettled).as("futures not settled after flush; " + summary).isEmpty();
        softly.assertThat(acknowledgedButNotStored).as("acknowledged but not stored; " + summary).isEmpty();
        softly.assertThat(failedWithoutReason).as("failed without an error code; " + summary).isEmpty();
        softly.assertThat(examples(duplicatedUnflagged)).as("stored more than once without mayBeDuplicated; "
                + summary).isEmpty();
        softly.assertThat(examples(failedButStoredUnflagged)).as("failed, stored anyway, without mayBeDuplicated; "
                + summary).isEmpty();
        softly.assertThat(examples(ledgerDisagrees)).as("Ledger.records vs Ledger.duplicates").isEmpty();
        softly.assertThat(strangers).as("stored but never put").isEmpty();
        softly.assertThat(copiesOfOurs).as("stored copies vs the ledger's count")
                .isEqualTo(local.ledger().count(stream));
        softly.assertThat(acknowledged + failed).as("settled").isEqualTo(n);
        softly.assertThat(storedMoreThanOnce).as("the drop-after-store fault made duplicates; " + summary)
                .isPositive();
        softly.assertAll();
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Retries keep requests full
    // ---------------------------------------------------------------------------------------------

    @Test
    void retriesOfFailedEntriesKeepRequestsAsFullAsARunWithoutFailures() throws Exception {
        SteadyRun clean = steadyRun(Faults.none());
        SteadyRun faulty = steadyRun(Faults.builder().entryInternalFailureRate(0.03).build());
        String summary = "records per PutRecordBatch at " + STEADY_RATE + " records/s for " + STEADY_SECONDS
                + " s: without failures " + clean + "; with 3% InternalFailure entries " + faulty
                + String.format("; ratio %.1f%%", 100.0 * faulty.recordsPerRequest() / clean.recordsPerRequest());
        System.out.println(summary);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(clean.acknowledged()).as("acknowledged without failures").isEqualTo(clean.records());
        softly.assertThat(faulty.acknowledged()).as("acknowledged with failures").isEqualTo(faulty.records());
        softly.assertThat(faulty.failedEntries()).as("the entry fault fired").isPositive();
        softly.assertThat(faulty.recordsPerRequest()).as(summary)
                .isGreaterThanOrEqualTo(0.9 * clean.recordsPerRequest());
        softly.assertAll();
    }

    private static final int STEADY_RATE = 3_000;
    private static final int STEADY_SECONDS = 5;

    /**
     * One steady run, as the endpoint saw it.
     *
     * @param entries PutRecordBatch entries received, every attempt counted
     * @param requests PutRecordBatch requests received
     */
    record SteadyRun(int records, long acknowledged, long requests, long entries, long failedEntries,
            long producerRequests, long producerRequestRecords, double seconds) {

        double recordsPerRequest() {
            return (double) entries / requests;
        }

        @Override
        public String toString() {
            return String.format("%.1f (%d entries in %d requests, %d failed entries; producer: %d records in %d "
                            + "requests; %d records put in %.2f s, %d acknowledged)", recordsPerRequest(), entries,
                    requests, failedEntries, producerRequestRecords, producerRequests, records, seconds, acknowledged);
        }
    }

    /** Puts records at a steady rate, paced one by one (no bursts), with the default configuration. */
    private SteadyRun steadyRun(Faults faults) throws Exception {
        String stream = newStream("steady");
        local.setFaults(stream, faults);
        FirehoseProducer p = producer(Client.ASYNC_NO_RETRY, stream, ProducerConfig.defaults());
        int n = STEADY_RATE * STEADY_SECONDS;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / STEADY_RATE;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            futures.add(p.put("steady-" + i));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        p.flush().get(60, TimeUnit.SECONDS);
        long acknowledged = futures.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        StreamStats stats = p.stats().stream(stream);
        return new SteadyRun(n, acknowledged, local.ledger().requestsReceived(stream),
                local.ledger().entriesReceived(stream), local.ledger().entriesFailed(stream), stats.requests(),
                stats.requestRecords(), seconds);
    }

    // ---------------------------------------------------------------------------------------------
    // 3. One sick stream never stalls another
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Client.class, names = {"ASYNC_NO_RETRY", "OWN_CLIENT"})
    void aHungStreamAndAThrottledStreamNeverStallAHealthyOne(Client client) throws Exception {
        String hung = newStream("hung");
        String throttled = newStream("throttled");
        String healthy = newStream("healthy");
        // firehose-local has no "never answer": a minute of latency is as good within this test.
        local.setFaults(hung, Faults.builder().latency(Duration.ofSeconds(60)).build());
        local.setQuota(throttled, Quota.builder().recordsPerSecond(50).build());
        Duration deliveryTimeout = Duration.ofSeconds(6);
        int maxBufferedRecords = 4_000;
        FirehoseProducer p = producer(client, null, ProducerConfig.builder().deliveryTimeout(deliveryTimeout)
                .maxBufferedRecords(maxBufferedRecords).build());   // BLOCK, default maxBlockTime (60 s)

        // The sick streams take what they can, from their own threads (their puts may block).
        Load hungLoad = new Load(p, hung, maxBufferedRecords * 3 / 2);
        Load throttledLoad = new Load(p, throttled, maxBufferedRecords * 3 / 2);
        hungLoad.start();
        throttledLoad.start();
        long fillDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < fillDeadline
                && p.stats().total().bufferedRecords() < maxBufferedRecords * 9L / 10
                && !(hungLoad.isBlocked() && throttledLoad.isBlocked())) {
            Thread.sleep(10);
        }
        long bufferedBeforeHealthy = p.stats().total().bufferedRecords();

        // Then the healthy stream, 2,000 records/s, paced by this thread. A put is timed from its
        // call to its return; a record's latency from that return to its future's completion.
        int n = 5_000;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / 2_000;
        long[] putStart = new long[n];
        long[] putEnd = new long[n];
        AtomicLongArray done = newDoneArray(n);
        List<CompletableFuture<PutResult>> healthyFutures = new ArrayList<>(n);
        List<String> refused = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            putStart[i] = System.nanoTime();
            try {
                CompletableFuture<PutResult> f = p.put(healthy, "healthy-" + i);
                putEnd[i] = System.nanoTime();
                f.whenComplete((r, t) -> done.set(index, System.nanoTime()));
                healthyFutures.add(f);
            } catch (RuntimeException e) {
                putEnd[i] = System.nanoTime();
                refused.add("healthy-" + i + " after " + millis(putEnd[i] - putStart[i]) + " ms: " + e);
                healthyFutures.add(CompletableFuture.failedFuture(e));
            }
        }
        long healthyPhaseNanos = System.nanoTime() - start;
        try {
            CompletableFuture.allOf(healthyFutures.toArray(CompletableFuture[]::new)).handle((v, t) -> null)
                    .get(deliveryTimeout.toSeconds() + 2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // Reported below, record by record.
        }

        hungLoad.stopPutting();
        throttledLoad.stopPutting();
        long closeStart = System.nanoTime();
        p.close(Duration.ofSeconds(2));
        long closeReturned = System.nanoTime();
        hungLoad.join(5_000);
        throttledLoad.join(5_000);
        sleepUntil(closeReturned + TimeUnit.SECONDS.toNanos(1));
        List<String> threadsLeft = liveThreadsOf(p);

        // The healthy records.
        long healthyMaxPutNanos = 0;
        long healthyPutNanosTotal = 0;
        int healthySlowPuts = 0;
        long healthyMaxLatencyNanos = 0;
        List<String> healthyLate = new ArrayList<>();
        Map<String, Integer> healthyFailed = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long putNanos = putEnd[i] - putStart[i];
            healthyMaxPutNanos = Math.max(healthyMaxPutNanos, putNanos);
            healthyPutNanosTotal += putNanos;
            if (putNanos > TimeUnit.MILLISECONDS.toNanos(500)) {
                healthySlowPuts++;
            }
            CompletableFuture<PutResult> f = healthyFutures.get(i);
            long doneAt = done.get(i);
            if (doneAt == Long.MIN_VALUE) {
                if (!f.isCompletedExceptionally()) {
                    healthyLate.add("healthy-" + i + " not settled");
                }
                continue;
            }
            long latency = doneAt - putEnd[i];
            healthyMaxLatencyNanos = Math.max(healthyMaxLatencyNanos, latency);
            if (latency > TimeUnit.SECONDS.toNanos(2)) {
                healthyLate.add("healthy-" + i + " after " + millis(latency) + " ms");
            }
            Throwable error = failure(f);
            if (error != null) {
                healthyFailed.merge(error instanceof RecordFailedException e ? e.errorCode()
                        : error.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        String summary = String.format("[%s] before the healthy puts the sick streams buffered %d records "
                        + "(hung put %d, throttled put %d); healthy: %d put in %d ms (paced for %d ms), "
                        + "%d refused, %d puts over 500 ms (longest %d ms, %d ms in all puts), "
                        + "%d not acknowledged within 2 s (longest %d ms), failed %s; sick: %s; %s; "
                        + "close(2 s) took %d ms; threads left 1 s later: %s",
                client, bufferedBeforeHealthy, hungLoad.putCount(), throttledLoad.putCount(), n,
                millis(healthyPhaseNanos), millis(n * intervalNanos), refused.size(), healthySlowPuts,
                millis(healthyMaxPutNanos), millis(healthyPutNanosTotal), healthyLate.size(),
                millis(healthyMaxLatencyNanos), healthyFailed, hungLoad.summary(deliveryTimeout),
                throttledLoad.summary(deliveryTimeout), millis(closeReturned - closeStart), threadsLeft);
        System.out.println(summary);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(examples(refused)).as("healthy puts refused; " + summary).isEmpty();
        softly.assertThat(healthySlowPuts).as("healthy puts that took over 500 ms; " + summary).isZero();
        softly.assertThat(examples(healthyLate)).as("healthy records not settled within 2 s; " + summary).isEmpty();
        softly.assertThat(healthyFailed).as("healthy records that failed; " + summary).isEmpty();
        softly.assertThat(examples(hungLoad.lateOrUnsettled(deliveryTimeout)))
                .as("hung-stream records not settled by their deadline + 1 s; " + summary).isEmpty();
        softly.assertThat(examples(throttledLoad.lateOrUnsettled(deliveryTimeout)))
                .as("throttled-stream records not settled by their deadline + 1 s; " + summary).isEmpty();
        softly.assertThat(millis(closeReturned - closeStart)).as("close(2 s) in ms; " + summary)
                .isLessThanOrEqualTo(3_000);
        softly.assertThat(threadsLeft).as("producer threads alive 1 s after close; " + summary).isEmpty();
        softly.assertAll();
    }

    /**
     * A thread that puts records to one stream until stopped, timing each record from the return of
     * its put (a put that waited for room is not charged for the wait) to its outcome.
     */
    private static final class Load extends Thread {
        private final FirehoseProducer producer;
        private final String stream;
        private final int max;
        private final long[] putNanos;
        private final AtomicLongArray doneNanos;
        private final List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        private final List<String> refused = new ArrayList<>();
        private volatile boolean stopped;
        private volatile long inPutSince;
        private volatile int count;

        Load(FirehoseProducer producer, String stream, int max) {
            super("load-" + stream);
            setDaemon(true);
            this.producer = producer;
            this.stream = stream;
            this.max = max;
            this.putNanos = new long[max];
            this.doneNanos = newDoneArray(max);
        }

        @Override
        public void run() {
            int i = 0;
            while (i < max && !stopped) {
                long t0 = System.nanoTime();
                inPutSince = t0;
                CompletableFuture<PutResult> f;
                try {
                    f = producer.put(stream, stream + "-" + i);
                } catch (RuntimeException e) {
                    // BufferFullException after maxBlockTime, or PutAfterCloseException once closed.
                    refused.add(e.getClass().getSimpleName());
                    continue;
                } finally {
                    inPutSince = 0;
                }
                int index = i;
                putNanos[i] = System.nanoTime();
                f.whenComplete((r, t) -> doneNanos.set(index, System.nanoTime()));
                futures.add(f);
                count = ++i;
            }
        }

        void stopPutting() {
            stopped = true;
        }

        /** @return true if a put has been waiting for over 200 ms */
        boolean isBlocked() {
            long since = inPutSince;
            return since != 0 && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(200);
        }

        int putCount() {
            return count;
        }

        /** The records not settled within the delivery timeout + 1 s of their put (after {@link #join}). */
        List<String> lateOrUnsettled(Duration deliveryTimeout) {
            long limit = deliveryTimeout.plusSeconds(1).toNanos();
            List<String> late = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long d = doneNanos.get(i);
                if (d == Long.MIN_VALUE) {
                    late.add(stream + "-" + i + " not settled");
                } else if (d - putNanos[i] > limit) {
                    late.add(stream + "-" + i + " settled " + millis(d - putNanos[i]) + " ms after its put");
                }
            }
            return late;
        }

        String summary(Duration deliveryTimeout) {
            Map<String, Integer> outcomes = new TreeMap<>();
            long longest = 0;
            for (int i = 0; i < count; i++) {
                CompletableFuture<PutResult> f = futures.get(i);
                Throwable error = f.isDone() ? failure(f) : null;
                String outcome = !f.isDone() ? "unsettled" : error == null ? "acknowledged"
                        : error instanceof RecordFailedException e ? e.errorCode() : error.getClass().getSimpleName();
                outcomes.merge(outcome, 1, Integer::sum);
                long d = doneNanos.get(i);
                if (d != Long.MIN_VALUE) {
                    longest = Math.max(longest, d - putNanos[i]);
                }
            }
            return String.format("%s put %d %s, refused %d, longest put-to-outcome %d ms, %d late or unsettled",
                    stream, count, outcomes, refused.size(), millis(longest), lateOrUnsettled(deliveryTimeout).size());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. close(Duration) keeps its time with a client that blocks
    // ---------------------------------------------------------------------------------------------

    @Test
    void closeWithATimeoutReturnsOnTimeWhileTheClientBlocksItsCaller() throws Exception {
        String stream = newStream("blocking");
        BlockingClient blocking = new BlockingClient(asyncNoRetry, Duration.ofSeconds(3));
        FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName(stream).client(blocking)
                .config(config().build()).build();
        producers.add(p);
        int n = 2_000;
        List<String> payloads = new ArrayList<>(n);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String data = "blocking-" + i;
            payloads.add(data);
            futures.add(p.put(data));
        }
        assertThat(blocking.awaitFirstCall(Duration.ofSeconds(5))).as("a request reached the client").isTrue();

        long closeStart = System.nanoTime();
        p.close(Duration.ofMillis(100));
        long closeReturned = System.nanoTime();
        int unsettledAtReturn = (int) futures.stream().filter(f -> !f.isDone()).count();
        sleepUntil(closeReturned + TimeUnit.SECONDS.toNanos(1));
        List<String> threadsLeft = liveThreadsOf(p);

        int closedFailures = 0;
        int handed = 0;
        Map<String, Integer> otherOutcomes = new TreeMap<>();
        List<String> handedUnflagged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<PutResult> f = futures.get(i);
            boolean wasHanded = blocking.handed(payloads.get(i));
            if (wasHanded) {
                handed++;
            }
            if (!f.isDone()) {
                otherOutcomes.merge("unsettled 1 s after close", 1, Integer::sum);
                continue;
            }
            Throwable error = failure(f);
            if (error instanceof ProducerClosedException e) {
                closedFailures++;
                if (wasHanded && !e.mayBeDuplicated()) {
                    handedUnflagged.add(payloads.get(i) + " (" + e.attempts() + " attempt(s))");
                }
            } else {
                otherOutcomes.merge(error == null ? "acknowledged" : error instanceof RecordFailedException e
                        ? e.errorCode() : error.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        String summary = String.format("close(100 ms) took %d ms; %d requests (%d records) were handed to a client "
                        + "that blocks 3 s, %d of them after close was called; at its return %d of %d futures "
                        + "unsettled; ProducerClosedException %d, other outcomes %s; handed to the client but not "
                        + "flagged mayBeDuplicated: %d; threads left 1 s later: %s",
                millis(closeReturned - closeStart), blocking.calls(), handed, blocking.callsSince(closeStart),
                unsettledAtReturn, n, closedFailures, otherOutcomes, handedUnflagged.size(), threadsLeft);
        System.out.println(summary);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(millis(closeReturned - closeStart)).as("close(100 ms) in ms; " + summary)
                .isLessThanOrEqualTo(1_100);
        softly.assertThat(unsettledAtReturn).as("futures unsettled when close returned; " + summary).isZero();
        softly.assertThat(closedFailures).as("failed with ProducerClosedException; " + summary).isEqualTo(n);
        softly.assertThat(examples(handedUnflagged))
                .as("handed to the client, failed without mayBeDuplicated; " + summary).isEmpty();
        softly.assertThat(threadsLeft).as("producer threads alive 1 s after close; " + summary).isEmpty();
        softly.assertAll();
    }

    /**
     * A client whose {@code putRecordBatch} holds the calling thread for a while (as a client that
     * resolves credentials or acquires a connection on the caller's thread may) and then delegates.
     * It notes the records of every request it was handed. Not closed by the producer; closes nothing.
     */
    private static final class BlockingClient implements FirehoseAsyncClient {
        private final FirehoseAsyncClient delegate;
        private final long blockMillis;
        private final Set<String> handed = ConcurrentHashMap.newKeySet();
        private final AtomicInteger calls = new AtomicInteger();
        private final List<Long> callNanos = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch firstCall = new CountDownLatch(1);

        BlockingClient(FirehoseAsyncClient delegate, Duration block) {
            this.delegate = delegate;
            this.blockMillis = block.toMillis();
        }

        @Override
        public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
            for (Record r : request.records()) {
                handed.add(r.data().asUtf8String());
            }
            callNanos.add(System.nanoTime());
            calls.incrementAndGet();
            firstCall.countDown();
            try {
                Thread.sleep(blockMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(SdkClientException.create("interrupted while blocked", e));
            }
            try {
                return delegate.putRecordBatch(request);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        boolean awaitFirstCall(Duration timeout) throws InterruptedException {
            return firstCall.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean handed(String data) {
            return handed.contains(data);
        }

        int calls() {
            return calls.get();
        }

        /** @return how many calls began at or after {@code nanoTime} */
        long callsSince(long nanoTime) {
            synchronized (callNanos) {
                return callNanos.stream().filter(t -> t - nanoTime >= 0).count();
            }
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private static String newStream(String prefix) {
        String name = prefix + "-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(Duration.ofMillis(10)).deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(5));
    }

    /** A producer of the given kind, closed after the test; {@code stream} may be null. */
    private FirehoseProducer producer(Client client, String stream, ProducerConfig config) {
        FirehoseProducer p = switch (client) {
            case ASYNC_SDK_DEFAULTS -> {
                FirehoseAsyncClient c = local.asyncClient();
                clients.add(c);
                yield build(stream, c, config);
            }
            case ASYNC_NO_RETRY -> build(stream, asyncNoRetry, config);
            case OWN_CLIENT -> {
                pointTheDefaultChainsAtLocal();
                yield build(stream, null, config);
            }
            case OWN_CLIENT_CUSTOMIZED -> build(stream, config, b -> b.clientCustomizer(pointAtLocalWithRetries()));
            case OWN_CLIENT_CUSTOMIZED_WITH_PLUGIN -> build(stream, config, b -> b.clientCustomizer(
                    pointAtLocalWithRetries().andThen(c -> c.addPlugin(new SdkPlugin() {
                        @Override
                        public void configureClient(SdkServiceClientConfiguration.Builder clientConfig) {
                            clientConfig.overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
                        }
                    }))));
            case SYNC_SDK_DEFAULTS -> {
                FirehoseClient c = local.syncClient();
                clients.add(c);
                yield build(stream, config, b -> b.client(c));
            }
            case SYNC_NO_RETRY -> {
                FirehoseClient c = local.syncClientBuilder()
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
                clients.add(c);
                yield build(stream, config, b -> b.client(c));
            }
        };
        producers.add(p);
        return p;
    }

    private static FirehoseProducer build(String stream, FirehoseAsyncClient client, ProducerConfig config) {
        return build(stream, config, b -> {
            if (client != null) {
                b.client(client);
            }
        });
    }

    private static FirehoseProducer build(String stream, ProducerConfig config,
            Consumer<FirehoseProducer.Builder> client) {
        FirehoseProducer.Builder b = FirehoseProducer.builder().config(config);
        if (stream != null) {
            b.deliveryStreamName(stream);
        }
        client.accept(b);
        return b.build();
    }

    /**
     * A client customizer that points the producer's own client at firehose-local (no system
     * property needed) and sets the SDK's standard retries, which the producer must turn off.
     */
    private static Consumer<FirehoseClientBuilder> pointAtLocalWithRetries() {
        return b -> b.endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(FirehoseLocal.credentialsProvider())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
    }

    /** Sets the system properties the SDK's default chains read; restored after the test. */
    private void pointTheDefaultChainsAtLocal() {
        Map<String, String> values = Map.of("aws.region", "us-east-1", "aws.accessKeyId", "test",
                "aws.secretAccessKey", "test", "aws.endpointUrlFirehose", local.endpoint().toString());
        for (String k : CHAIN_PROPERTIES) {
            String previous = System.setProperty(k, values.get(k));
            savedProperties.putIfAbsent(k, previous);
        }
    }

    private static Map<String, List<StoredRecord>> storedByData(String stream) {
        Map<String, List<StoredRecord>> byData = new HashMap<>();
        for (StoredRecord r : local.ledger().records(stream)) {
            byData.computeIfAbsent(new String(r.data(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r);
        }
        return byData;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The exception a settled future failed with, or null if it succeeded. */
    private static Throwable failure(CompletableFuture<?> f) {
        Throwable t = f.handle((v, e) -> e).join();
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The names of the live threads of a producer: {@code <name>-sender}, {@code <name>-request-N}. */
    private static List<String> liveThreadsOf(FirehoseProducer p) {
        String prefix = p + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).sorted().toList();
    }

    private static AtomicLongArray newDoneArray(int n) {
        AtomicLongArray a = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, Long.MIN_VALUE);
        }
        return a;
    }

    /** At most five items and the total, so that a failure message stays readable. */
    private static List<String> examples(List<String> items) {
        if (items.size() <= 5) {
            return items;
        }
        List<String> some = new ArrayList<>(items.subList(0, 5));
        some.add("... " + items.size() + " in all");
        return some;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
