package dev.firehose.benchmarks;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.StreamStats;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes the producer's live heap at saturation, apart from the measured runs so that their figures
 * are not disturbed. A full collection with no producer gives the idle live heap. Then a fresh
 * producer is fed flat out until its buffer is full; once it has been full for a moment, a full
 * collection runs while the application threads keep putting (so the buffer is full and requests
 * are in flight when it runs), and the heap it leaves is read. That is done {@link #SAMPLES}
 * times, {@link #SAMPLE_SPACING} apart, and the largest is kept, with the producer's own account
 * of what it held just before that collection.
 *
 * <p>Not thread-safe: one probe at a time (it shares the suite's {@link ResourceMeter}).
 */
final class HeapProbe {

    static final int SAMPLES = 3;
    static final Duration SAMPLE_SPACING = Duration.ofMillis(300);
    /** How long the buffer must have been full before the first sample. */
    static final Duration FULL_FOR = Duration.ofMillis(300);
    /** The longest wait for the buffer to fill; after it the samples are taken anyway, and show the level found. */
    static final Duration FILL_TIMEOUT = Duration.ofSeconds(5);
    /** The buffer counts as full from this share of either of its bounds (bytes or records). */
    static final double FULL_SHARE = 0.9;

    private final ResourceMeter meter;
    private final ProducerConfig config;

    HeapProbe(ResourceMeter meter, ProducerConfig config) {
        this.meter = meter;
        this.config = config;
    }

    /**
     * Probes one scenario.
     *
     * @param endpoint the endpoint's name, for the result
     * @param recordSize bytes per record, for the result
     * @param factory builds the producer to probe, fed without a rate; it is closed afterwards
     */
    Result probe(String endpoint, int recordSize, Supplier<ProducerContender> factory) throws Exception {
        long idle = meter.liveHeapAfterFullGc();
        try (ProducerContender producer = factory.get()) {
            AtomicBoolean feeding = new AtomicBoolean(true);
            FutureTask<Contender.Outcome> run =
                    new FutureTask<>(() -> producer.driveWhile(feeding::get, new LatencyRecorder()));
            Thread driver = new Thread(run, "heap-probe");
            driver.start();
            Sample largest = null;
            try {
                if (waitUntilFull(producer, run)) {
                    sleep(FULL_FOR);
                }
                for (int i = 0; i < SAMPLES && !run.isDone(); i++) {
                    if (i > 0) {
                        sleep(SAMPLE_SPACING);
                    }
                    StreamStats held = producer.stats().total();
                    long heap = meter.liveHeapAfterFullGc();
                    if (largest == null || heap > largest.heapBytes()) {
                        largest = new Sample(heap, held.bufferedBytes(), held.bufferedRecords(), held.requestsInFlight());
                    }
                }
            } finally {
                feeding.set(false);
            }
            Contender.Outcome outcome;
            try {
                outcome = run.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            if (largest == null) {
                throw new IllegalStateException("the producer stopped before the first sample");
            }
            return new Result(endpoint, recordSize, producer.key(), idle, largest.heapBytes(), largest.bufferedBytes(),
                    largest.bufferedRecords(), largest.requestsInFlight(), outcome.acknowledged(), null);
        }
    }

    /** Waits until the buffer is full or {@link #FILL_TIMEOUT} has passed; true if it filled. */
    private boolean waitUntilFull(ProducerContender producer, FutureTask<?> run) throws InterruptedException {
        long until = System.nanoTime() + FILL_TIMEOUT.toNanos();
        while (System.nanoTime() - until < 0 && !run.isDone()) {
            StreamStats held = producer.stats().total();
            if (streamFillShare(config, held.bufferedBytes(), held.bufferedRecords()) >= FULL_SHARE) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** How full the buffer is: the larger of its byte and record levels over their bounds. */
    static double fillShare(ProducerConfig config, long bufferedBytes, long bufferedRecords) {
        return Math.max(bufferedBytes / (double) config.maxBufferedBytes(),
                bufferedRecords / (double) config.maxBufferedRecords());
    }

    /**
     * How full the buffer is for the probe's one stream: the larger of its byte and record levels
     * over the bounds one stream may hold ({@link ProducerConfig#maxStreamBufferShare()} of each,
     * at least one full batch), which is as full as one stream can make it.
     */
    static double streamFillShare(ProducerConfig config, long bufferedBytes, long bufferedRecords) {
        return Math.max(bufferedBytes / (double) streamBound(config.maxBufferedBytes(), config.maxBatchBytes(),
                        config.maxStreamBufferShare()),
                bufferedRecords / (double) streamBound(config.maxBufferedRecords(), config.maxBatchRecords(),
                        config.maxStreamBufferShare()));
    }

    private static long streamBound(long bound, long batch, double share) {
        return Math.min(bound, Math.max(batch, (long) Math.floor(bound * share)));
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private record Sample(long heapBytes, long bufferedBytes, long bufferedRecords, int requestsInFlight) {
    }

    /**
     * The live heap of one producer at saturation.
     *
     * @param endpoint where it sent
     * @param recordSize bytes per record
     * @param key the contender probed ({@code producer-4})
     * @param idleHeapBytes the heap a full collection left before the probe, with no producer
     * @param liveHeapBytes the largest heap a full collection left while the producer was saturated
     * @param bufferedBytes the producer's buffered data bytes just before that collection
     * @param bufferedRecords the producer's buffered records just before that collection
     * @param requestsInFlight the producer's requests in flight just before that collection
     * @param acknowledged records acknowledged over the probe (it proves the producer was sending)
     * @param note why it could not be probed, or null
     */
    record Result(String endpoint, int recordSize, String key, long idleHeapBytes, long liveHeapBytes,
                  long bufferedBytes, long bufferedRecords, int requestsInFlight, long acknowledged, String note) {

        static Result unavailable(String endpoint, int recordSize, String key, String why) {
            return new Result(endpoint, recordSize, key, 0, 0, 0, 0, 0, 0, why);
        }

        boolean measured() {
            return note == null;
        }

        /** The producer's live set: the live heap at saturation less the idle live heap. */
        long liveAboveIdleBytes() {
            return liveHeapBytes - idleHeapBytes;
        }
    }
}
