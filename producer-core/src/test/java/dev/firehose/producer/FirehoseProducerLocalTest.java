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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The producer against firehose-local, a Firehose endpoint on loopback that injects faults and
 * keeps a ledger of what it received and stored. Each test ends by balancing its ledger: what was
 * put, what each future says, and what the endpoint stored.
 */
@Timeout(120)
class FirehoseProducerLocalTest {

    private static FirehoseLocal local;
    private static FirehoseAsyncClient client;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final List<FirehoseProducer> producers = new ArrayList<>();

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(42).build().start();
        // SDK retries off: the producer makes and counts every attempt, so a lost response is never
        // retried behind its back and "may be duplicated" stays exact.
        client = local.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stopEndpoint() {
        client.close();
        local.close();
    }

    @AfterEach
    void closeProducers() {
        producers.forEach(p -> p.close(Duration.ofSeconds(5)));
    }

    private static String newStream() {
        String name = "stream-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private FirehoseProducer producer(String stream, ProducerConfig config) {
        FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName(stream).client(client).config(config).build();
        producers.add(p);
        return p;
    }

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(Duration.ofMillis(10)).deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(5));
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, List<StoredRecord>> storedByData(String stream) {
        Map<String, List<StoredRecord>> byData = new HashMap<>();
        for (StoredRecord r : local.ledger().records(stream)) {
            byData.computeIfAbsent(new String(r.data(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r);
        }
        return byData;
    }

    @Test
    void aSingleRecordIsStoredAndAcknowledgedWithItsRecordId() {
        String stream = newStream();
        PutResult result = producer(stream, config().build()).put("hello").join();

        assertThat(result.stream()).isEqualTo(stream);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.mayBeDuplicated()).isFalse();
        List<StoredRecord> stored = local.ledger().records(stream);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).recordId()).isEqualTo(result.recordId());
        assertThat(new String(stored.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void afterPartialFailuresOnlyTheFailedEntriesAreSentAgain() {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryInternalFailureRate(0.08).entryServiceUnavailableRate(0.04)
                .build());
        FirehoseProducer p = producer(stream, config().retryInterval(
                io.github.resilience4j.core.IntervalFunction.of(Duration.ofMillis(10))).build());
        int n = 3000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(p.put("partial-" + i));
        }
        p.flush().join();

        Map<String, List<StoredRecord>> stored = storedByData(stream);
        long retriedAttempts = 0;
        for (int i = 0; i < n; i++) {
            PutResult r = futures.get(i).join();
            assertThat(stored.get("partial-" + i)).singleElement()
                    .satisfies(s -> assertThat(s.recordId()).isEqualTo(r.recordId()));
            assertThat(r.mayBeDuplicated()).isFalse();
            retriedAttempts += r.attempts() - 1;
        }
        long failedEntries = local.ledger().entriesFailed(stream);
        assertThat(failedEntries).isPositive();
        assertThat(local.ledger().count(stream)).isEqualTo(n);
        assertThat(local.ledger().duplicates(stream)).isEmpty();
        assertThat(local.ledger().entriesReceived(stream)).isEqualTo(n + failedEntries);
        assertThat(retriedAttempts).isEqualTo(failedEntries);
        StreamStats stats = p.stats().stream(stream);
        assertThat(stats.recordsRetried()).isEqualTo(failedEntries);
        assertThat(stats.requestRecords()).isEqualTo(n + failedEntries);
        assertThat(stats.requests()).isEqualTo(local.ledger().requestsReceived(stream));
    }

    @Test
    void underAMixOfFaultsWithSixteenThreadsTheLedgerBalances() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryInternalFailureRate(0.05).entryServiceUnavailableRate(0.02)
                .requestInternalErrorRate(0.02).requestServiceUnavailableRate(0.02).latency(Duration.ofMillis(5))
                .dropBeforeStoreRate(0.02).dropAfterStoreRate(0.03).build());
        local.setQuota(stream, Quota.builder().requestsPerSecond(60).recordsPerSecond(6000).build());
        FirehoseProducer p = producer(stream, config().maxBatchRecords(50).maxAttempts(30)
                .requestTimeout(Duration.ofSeconds(2)).build());
        ConcurrentHashMap<String, AtomicInteger> settledEvents = new ConcurrentHashMap<>();
        AtomicLong incomingRecords = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        p.addListener(new ProducerListener() {
            @Override
            public void onRecordSettled(RecordSettledEvent event) {
                settledEvents.computeIfAbsent(event.stream(), k -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void onRequestCompleted(RequestCompletedEvent event) {
                incomingRecords.addAndGet(event.acceptedRecords());
                throttled.addAndGet(event.throttledRecords());
            }
        });

        int threads = 16;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, CompletableFuture<PutResult>>>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                start.await();
                Map<String, CompletableFuture<PutResult>> mine = new HashMap<>();
                for (int i = 0; i < perThread; i++) {
                    String data = "mixed-" + thread + "-" + i;
                    mine.put(data, p.put(data));
                }
                return mine;
            }));
        }
        start.countDown();
        Map<String, CompletableFuture<PutResult>> futures = new HashMap<>();
        for (Future<Map<String, CompletableFuture<PutResult>>> w : work) {
            futures.putAll(w.get());
        }
        pool.shutdown();
        p.flush().join();

        int put = threads * perThread;
        assertThat(futures).hasSize(put);
        assertThat(futures.values()).allMatch(CompletableFuture::isDone);
        assertThat(settledEvents.get(stream)).hasValue(put);

        Map<String, List<StoredRecord>> stored = storedByData(stream);
        Map<String, Long> duplicates = local.ledger().duplicates(stream);
        int acknowledged = 0;
        int failed = 0;
        int flagged = 0;
        for (Map.Entry<String, CompletableFuture<PutResult>> e : futures.entrySet()) {
            String data = e.getKey();
            List<StoredRecord> copies = stored.getOrDefault(data, List.of());
            boolean mayBeDuplicated;
            if (e.getValue().isCompletedExceptionally()) {
                failed++;
                RecordFailedException error = (RecordFailedException) e.getValue().handle((v, t) -> t).join();
                mayBeDuplicated = error.mayBeDuplicated();
                // A failed record is stored only if an attempt's outcome was lost.
                if (!copies.isEmpty()) {
                    assertThat(mayBeDuplicated).as("failed but stored: %s", data).isTrue();
                }
            } else {
                acknowledged++;
                PutResult r = e.getValue().join();
                mayBeDuplicated = r.mayBeDuplicated();
                assertThat(copies).extracting(StoredRecord::recordId).as("acknowledged: %s", data)
                        .contains(r.recordId());
            }
            if (duplicates.containsKey(base64(data))) {
                assertThat(mayBeDuplicated).as("stored %d times: %s", duplicates.get(base64(data)), data).isTrue();
            }
            if (mayBeDuplicated) {
                flagged++;
            }
        }
        assertThat(acknowledged + failed).isEqualTo(put);
        StreamStats stats = p.stats().stream(stream);
        assertThat(stats.recordsPut()).isEqualTo(put);
        assertThat(stats.recordsAcknowledged()).isEqualTo(acknowledged);
        assertThat(stats.recordsFailed()).isEqualTo(failed);
        assertThat(stats.recordsMayBeDuplicated()).isEqualTo(flagged);
        assertThat(stats.bufferedRecords()).isZero();
        assertThat(stats.requests()).isPositive();
        // IncomingRecords as derived from the events: every acknowledged record counted once.
        assertThat(incomingRecords.get()).isEqualTo(acknowledged);
        assertThat(throttled.get()).isEqualTo(stats.throttledRecords());
        assertThat(stats.recordsRetried()).isPositive();
        // The faults did happen: some outcomes were lost, and the endpoint throttled some records.
        assertThat(flagged).isPositive();
        assertThat(stats.throttledRecords()).isPositive();
    }

    @Test
    void anUnknownStreamFailsAtOnceWithoutRetryAndLeavesOtherStreamsAlone() {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config().build());
        CompletableFuture<PutResult> lost = p.put("no-such-stream", "x");
        CompletableFuture<PutResult> fine = p.put("y");

        Throwable error = lost.handle((v, t) -> t).join();
        assertThat(error).isInstanceOfSatisfying(RecordFailedException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.stream()).isEqualTo("no-such-stream");
        });
        assertThat(fine.join().attempts()).isEqualTo(1);
        assertThat(p.stats().stream("no-such-stream").requests()).isEqualTo(1);
    }

    @Test
    void whenTheEndpointIsDownEveryPendingRecordFailsByItsDeadlineAndCloseReturns() {
        FirehoseLocal down = FirehoseLocal.builder().port(0).seed(1).build().start();
        down.createDeliveryStream("gone");
        FirehoseAsyncClient downClient = down.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        try {
            FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName("gone").client(downClient)
                    .config(config().deliveryTimeout(Duration.ofSeconds(2)).build()).build();
            down.close();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(p.put("r" + i));
            }
            p.close(Duration.ofSeconds(30));

            assertThat(futures).allSatisfy(f -> assertThat(f.handle((v, t) -> t).join())
                    .isInstanceOfSatisfying(RecordFailedException.class, e -> {
                        assertThat(e.errorCode()).isIn(RecordFailedException.DELIVERY_TIMEOUT,
                                RecordFailedException.IO_ERROR);
                        assertThat(e.attempts()).isPositive();
                    }));
            assertThat(p.stats().total().recordsFailed()).isEqualTo(50);
        } finally {
            downClient.close();
        }
    }

    @Test
    void closeSettlesEverythingAndTheLedgerHasEveryAcknowledgedRecord() {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config().lingerTime(Duration.ofSeconds(30)).build());
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            futures.add(p.put("close-" + i));
        }
        p.close(Duration.ofSeconds(30));

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(local.ledger().count(stream)).isEqualTo(700);
        assertThat(p.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void aProducerThatBuildsItsOwnClientMakesEveryAttemptItself() {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().requestInternalErrorRate(0.3).build());
        Map<String, String> properties = Map.of("aws.region", "us-east-1", "aws.accessKeyId", "test",
                "aws.secretAccessKey", "test", "aws.endpointUrlFirehose", local.endpoint().toString());
        Map<String, String> saved = new HashMap<>();
        properties.forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
        try {
            FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName(stream)
                    .config(config().maxBatchRecords(10).build()).build();
            producers.add(p);
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(p.put("own-" + i));
            }
            p.flush().join();

            assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            StreamStats stats = p.stats().stream(stream);
            assertThat(stats.requestsFailed()).isPositive();
            // The SDK did not retry behind the producer: the endpoint saw exactly the producer's attempts.
            assertThat(local.ledger().requestsReceived(stream)).isEqualTo(stats.requests());
            long attempts = futures.stream().mapToLong(f -> f.join().attempts()).sum();
            assertThat(local.ledger().entriesReceived(stream)).isEqualTo(attempts);
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    @Test
    void aStreamWithAQuotaIsServedWithoutFailuresAsTheProducerSlowsDown() {
        String stream = newStream();
        local.setQuota(stream, Quota.builder().requestsPerSecond(20).build());
        FirehoseProducer p = producer(stream, config().maxBatchRecords(20).lingerTime(Duration.ofMillis(1)).build());
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            futures.add(p.put("quota-" + i));
        }
        p.flush().join();

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(local.ledger().count(stream)).isEqualTo(1000);
        assertThat(local.ledger().duplicates(stream)).isEmpty();
        StreamStats stats = p.stats().stream(stream);
        assertThat(stats.throttledRecords()).isPositive();
        // The producer slowed down instead of spinning: fewer rejected requests than accepted ones.
        assertThat(stats.throttledRecords()).isLessThan(1000);
        assertThat(stats.requests()).isLessThan(2 * 1000 / 20);
    }
}
