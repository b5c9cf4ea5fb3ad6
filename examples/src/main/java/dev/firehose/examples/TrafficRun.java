package dev.firehose.examples;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the mock traffic through one producer the way an application would: the first records one
 * at a time, waiting for each result, then the rest in bulk from several threads. Keeps its own
 * ledger of every future's outcome, which the summary is made from.
 */
final class TrafficRun {

    private static final Logger log = LoggerFactory.getLogger(TrafficRun.class);

    private final FirehoseProducer producer;
    private final MockTraffic traffic;
    private final long records;
    private final int singles;
    private final int threads;

    // Written by the threads that complete futures, read after flush().
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder acknowledgedBytes = new LongAdder();
    private final LongAdder unpackedBilledBytes = new LongAdder();
    private final LongAdder mayBeDuplicated = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final Map<String, LongAdder> failedByCode = new ConcurrentHashMap<>();
    private final AtomicLongArray latencyMicros;
    // Counts down once each record's ledger entry is written, which can be a moment after flush().
    private final CountDownLatch settled;

    TrafficRun(FirehoseProducer producer, MockTraffic traffic, long records, int singles, int threads) {
        if (records > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("records must be at most " + Integer.MAX_VALUE + ": " + records);
        }
        this.producer = producer;
        this.traffic = traffic;
        this.records = records;
        this.singles = (int) Math.min(singles, records);
        this.threads = threads;
        this.latencyMicros = new AtomicLongArray((int) records);
        this.settled = new CountDownLatch((int) records);
    }

    /** Puts every record, waits until each has settled, and returns what happened. */
    Outcome run(PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < singles; i++) {
            putOne(i, out);
        }
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = singles + t;
            Thread worker = new Thread(() -> putRange(first), "traffic-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        producer.flush().join();
        settled.await();
        return outcome(Duration.ofNanos(System.nanoTime() - start));
    }

    /** The "single record" path: put one record and wait for its result before the next. */
    private void putOne(int index, PrintStream out) throws InterruptedException {
        byte[] data = traffic.bytes(index);
        CompletableFuture<PutResult> future = track(index, data.length, producer.put(data));
        try {
            PutResult result = future.get();
            out.printf("  record %d: RecordId %s… after %d attempt(s) in %d ms%n", index,
                    result.recordId().substring(0, Math.min(16, result.recordId().length())),
                    result.attempts(), result.latency().toMillis());
        } catch (ExecutionException e) {
            out.printf("  record %d failed: %s%n", index, e.getCause().getMessage());
        }
    }

    /** The bulk path: this thread puts every {@code threads}-th record from {@code first} on. */
    private void putRange(int first) {
        for (long i = first; i < records; i += threads) {
            int index = (int) i;
            byte[] data = traffic.bytes(index);
            track(index, data.length, producer.put(data));
        }
    }

    private CompletableFuture<PutResult> track(int index, int bytes, CompletableFuture<PutResult> future) {
        return future.whenComplete((result, error) -> {
            if (result != null) {
                acknowledged.increment();
                acknowledgedBytes.add(bytes);
                unpackedBilledBytes.add(((long) Math.max(bytes, 1) + 5_119) / 5_120 * 5_120);
                attempts.add(result.attempts());
                latencyMicros.set(index, Math.max(1, result.latency().toNanos() / 1_000));
                if (result.mayBeDuplicated()) {
                    mayBeDuplicated.increment();
                }
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String code = cause instanceof RecordFailedException failed
                        ? failed.errorCode() : cause.getClass().getSimpleName();
                failedByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
                log.atDebug().addKeyValue("record", index).addKeyValue("code", code).log("record failed");
            }
            settled.countDown();
        });
    }

    private Outcome outcome(Duration elapsed) {
        long[] latencies = new long[latencyMicros.length()];
        int n = 0;
        for (int i = 0; i < latencies.length; i++) {
            long value = latencyMicros.get(i);
            if (value > 0) {
                latencies[n++] = value;
            }
        }
        Arrays.sort(latencies, 0, n);
        Map<String, Long> failed = new TreeMap<>();
        failedByCode.forEach((code, count) -> failed.put(code, count.sum()));
        return new Outcome(records, acknowledged.sum(), acknowledgedBytes.sum(), failed, attempts.sum(),
                mayBeDuplicated.sum(), elapsed, percentile(latencies, n, 0.50), percentile(latencies, n, 0.99),
                unpackedBilledBytes.sum());
    }

    private static Duration percentile(long[] sortedMicros, int n, double p) {
        if (n == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p * n) - 1;
        return Duration.ofNanos(sortedMicros[Math.max(0, Math.min(n - 1, rank))] * 1_000);
    }

    /**
     * What the run's futures said.
     *
     * @param put records put
     * @param acknowledged records whose future completed with a result
     * @param acknowledgedBytes data bytes of those records
     * @param failedByCode records whose future failed, by error code
     * @param attempts requests that carried the acknowledged records, summed over them
     * @param mayBeDuplicated acknowledged records flagged as possibly stored twice
     * @param elapsed from the first put to the last settled record
     * @param latencyP50 median put-to-acknowledgement time
     * @param latencyP99 99th percentile put-to-acknowledgement time
     * @param unpackedBilledBytes what Firehose would bill for the acknowledged records sent one per
     *     Firehose record: each rounded up to 5 KB
     */
    record Outcome(long put, long acknowledged, long acknowledgedBytes, Map<String, Long> failedByCode,
                   long attempts, long mayBeDuplicated, Duration elapsed, Duration latencyP50,
                   Duration latencyP99, long unpackedBilledBytes) {

        long failed() {
            return failedByCode.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
