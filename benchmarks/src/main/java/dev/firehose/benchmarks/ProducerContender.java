package dev.firehose.benchmarks;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.internal.DefaultFirehoseProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * {@code FirehoseProducer} fed by application threads that each call {@code put} in a loop and
 * attach one shared callback to every future (as an application that checks its results does).
 * Without a rate the threads put as fast as the producer accepts (saturation; {@code put} blocks
 * when the buffer is full); with a rate they share it, each putting its due records every 200 µs.
 * A run ends with {@code flush()} and waits for every callback, so every record put is counted
 * acknowledged or failed.
 *
 * <p>Latency is the producer's own put-to-acknowledgement time ({@link PutResult#latency()}): it
 * starts once {@code put} has found buffer room, so the time a saturated put spends blocked is not
 * in it.
 */
final class ProducerContender implements Contender {

    private static final long PACING_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);

    private final AutoCloseable client;
    private final RequestCounter counter;
    private final String clientLabel;
    private final FirehoseProducer producer;
    private final Payloads payloads;
    private final int threads;
    private final long recordsPerSecond;
    private final String key;
    private final RecordPacking packing;

    private ProducerContender(String key, AutoCloseable client, FirehoseAsyncClient asyncClient, String clientLabel,
                              String stream, ProducerConfig config, Payloads payloads, int threads,
                              long recordsPerSecond, RequestCounter counter) {
        this(key, client, FirehoseProducer.builder().deliveryStreamName(stream).client(asyncClient).config(config)
                .build(), clientLabel, payloads, threads, recordsPerSecond, counter, config.packing());
    }

    private ProducerContender(String key, AutoCloseable client, FirehoseProducer producer, String clientLabel,
                              Payloads payloads, int threads, long recordsPerSecond, RequestCounter counter,
                              RecordPacking packing) {
        this.key = key;
        this.counter = counter;
        this.client = client;
        this.clientLabel = clientLabel;
        this.payloads = payloads;
        this.threads = threads;
        this.recordsPerSecond = recordsPerSecond;
        this.producer = producer;
        this.packing = packing;
    }

    /** A producer on an asynchronous SDK client over the given HTTP client. */
    static ProducerContender onAsyncClient(Endpoint endpoint, HttpClientKind http, int threads, long recordsPerSecond,
                                           Payloads payloads, RequestCounter counter, ProducerConfig config) {
        ClientHandle<FirehoseAsyncClient> handle =
                endpoint.asyncClient(http, config.maxInFlightRequestsPerStream(), counter);
        return new ProducerContender(key(threads, recordsPerSecond, config.packing()), handle, handle.client(),
                "SDK async (" + handle.httpLabel() + ")", endpoint.streamName(), config, payloads, threads,
                recordsPerSecond, counter);
    }

    /**
     * A producer on a synchronous SDK client over the given HTTP client, which the producer calls
     * from its own request threads, one per request in flight (as it does with the client it builds
     * when given none).
     */
    static ProducerContender onSyncClient(Endpoint endpoint, HttpClientKind http, int threads, long recordsPerSecond,
                                          Payloads payloads, RequestCounter counter, ProducerConfig config) {
        int inFlight = config.maxInFlightRequestsPerStream();
        ClientHandle<FirehoseClient> handle = endpoint.syncClient(http, inFlight, counter);
        FirehoseProducer producer = DefaultFirehoseProducer.createOnSyncClient(endpoint.streamName(), handle.client(),
                false, config);
        return new ProducerContender(key(threads, recordsPerSecond, config.packing()), handle, producer,
                "SDK sync (" + handle.httpLabel() + ") on its request threads", payloads, threads, recordsPerSecond,
                counter, config.packing());
    }

    private static String key(int threads, long recordsPerSecond, RecordPacking packing) {
        String base = !packing.enabled() ? "producer-" : packing.gzipped() ? "packed-gzip-" : "packed-";
        return base + threads + (recordsPerSecond > 0 ? "-paced" : "");
    }

    @Override
    public RequestCounter counter() {
        return counter;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String description() {
        return "FirehoseProducer" + (!packing.enabled() ? "" : String.format(" packed (newline%s, %,d records buffered)",
                packing.gzipped() ? ", GZIP" : "", producer.config().maxBufferedRecords()))
                + ", " + threads + (threads == 1 ? " thread" : " threads") + ", " + clientLabel
                + (recordsPerSecond > 0 ? String.format(", fed %,d records/s", recordsPerSecond) : "");
    }

    /** The producer's counters and levels now: what it holds in its buffer and in flight. */
    ProducerStats stats() {
        return producer.stats();
    }

    @Override
    public Outcome drive(Duration duration, LatencyRecorder latency) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        return driveWhile(() -> System.nanoTime() - deadline < 0, latency);
    }

    /**
     * Like {@link #drive}, but the application threads put for as long as {@code feeding} says so
     * (it is asked every 64 records, or every 200 µs when paced, by every thread), then the run
     * settles everything.
     */
    Outcome driveWhile(BooleanSupplier feeding, LatencyRecorder latency) throws Exception {
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        BiConsumer<PutResult, Throwable> callback = (result, error) -> {
            if (error == null) {
                acknowledged.increment();
                latency.record(result.latency().toNanos(), 1);
            } else {
                failed.increment();
                firstFailure.compareAndSet(null, error);
            }
        };
        long billedBefore = producer.stats().total().billedBytes();
        long start = System.nanoTime();
        LongAdder sent = new LongAdder();
        AtomicReference<Throwable> feederError = new AtomicReference<>();
        List<Thread> feeders = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            long first = (long) t << 40;
            Thread feeder = new Thread(() -> {
                try {
                    sent.add(recordsPerSecond > 0
                            ? feedPaced(first, start, feeding, callback)
                            : feedFlat(first, feeding, callback));
                } catch (RuntimeException e) {
                    feederError.compareAndSet(null, e);
                }
            }, "app-" + t);
            feeders.add(feeder);
            feeder.start();
        }
        for (Thread feeder : feeders) {
            feeder.join();
        }
        if (feederError.get() != null) {
            throw new IllegalStateException("put failed: " + feederError.get(), feederError.get());
        }
        RequestCounter.Snapshot whileFeeding = counter.snapshot();
        producer.flush().get(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long total = sent.sum();
        long until = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (acknowledged.sum() + failed.sum() < total) {
            if (System.nanoTime() - until > 0) {
                throw new TimeoutException("callbacks missing: " + total + " put, " + acknowledged.sum()
                        + " acknowledged, " + failed.sum() + " failed");
            }
            Thread.onSpinWait();
        }
        if (firstFailure.get() != null && failed.sum() > 0) {
            System.err.printf("  %s: %,d records failed, first: %s%n", key, failed.sum(), firstFailure.get());
        }
        long billed = producer.stats().total().billedBytes() - billedBefore;
        return new Outcome(total, acknowledged.sum(), failed.sum(), whileFeeding,
                packing.enabled() ? billed : -1);
    }

    private long feedFlat(long index, BooleanSupplier feeding, BiConsumer<PutResult, Throwable> callback) {
        long count = 0;
        while ((count & 63) != 0 || feeding.getAsBoolean()) {
            producer.put(payloads.get(index + count)).whenComplete(callback);
            count++;
        }
        return count;
    }

    private long feedPaced(long index, long start, BooleanSupplier feeding, BiConsumer<PutResult, Throwable> callback) {
        double perThreadPerNano = recordsPerSecond / (double) threads / 1e9;
        long count = 0;
        while (feeding.getAsBoolean()) {
            long now = System.nanoTime();
            long due = (long) ((now - start) * perThreadPerNano);
            while (count < due) {
                producer.put(payloads.get(index + count)).whenComplete(callback);
                count++;
            }
            LockSupport.parkNanos(PACING_NANOS);
        }
        return count;
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            try {
                client.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the client failed", e);
            }
        }
    }
}
