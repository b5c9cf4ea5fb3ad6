package dev.firehose.local.internal.delivery;

import dev.firehose.local.internal.metrics.FirehoseMetrics;
import dev.firehose.local.internal.partition.PartitionId;
import dev.firehose.local.internal.partition.RecordProcessing;
import dev.firehose.local.internal.partition.RecordRouter;
import dev.firehose.local.internal.partition.ErrorRecord;
import dev.firehose.local.internal.stream.PartitionBuffer;
import dev.firehose.local.internal.stream.StreamConfig;
import dev.firehose.local.internal.stream.StreamRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Moves the stored records of a stream into per-partition buffers (through its processors, see
 * {@link RecordRouter}) and each buffer to an object in its {@link ObjectSink} when its
 * BufferingHints say so (size reached, or interval passed since the buffer's oldest record), or
 * when asked to. With {@code IntervalInSeconds} 0 (zero buffering) the interval is
 * {@link #ZERO_BUFFERING_WINDOW}: the records of one request, and of every request in the window
 * that its oldest record opened, go out together; a {@link DeliveryTimer} wakes this class at the
 * window's end, so a zero-buffered stream does not wait for the periodic delivery check.
 *
 * <p>Callers hold the stream's monitor, except for the timer's task, which takes it; objects are
 * written on the calling thread. Thread-safe.
 */
public final class Delivery {

    /** Active partitions per stream, the service's default quota; records past it go to the error output. */
    public static final int MAX_ACTIVE_PARTITIONS = 500;

    /**
     * How long a zero-buffered stream ({@code IntervalInSeconds} 0) holds its buffer after the
     * oldest record arrived, by the endpoint's clock: 20 milliseconds, long enough that records put
     * together (one request, or a burst of PutRecord calls) share an object, short enough to read
     * as no buffering at all.
     */
    public static final Duration ZERO_BUFFERING_WINDOW = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final ObjectSink sink;
    private final FirehoseMetrics metrics;
    private final Clock clock;
    private final DeliveryTimer timer;

    public Delivery(ObjectSink sink, FirehoseMetrics metrics, Clock clock, DeliveryTimer timer) {
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
        this.timer = timer;
    }

    /** How long a buffer of a stream configured as {@code c} waits after its oldest record. */
    static Duration bufferTime(StreamConfig c) {
        return c.intervalSeconds() == 0 ? ZERO_BUFFERING_WINDOW : Duration.ofSeconds(c.intervalSeconds());
    }

    /** Buffers one stored record, delivering before (to stay under the size hint) and after as due. Holds the stream. */
    public void append(StreamRuntime s, byte[] record, Instant arrival) {
        RecordProcessing processing = s.config().processing();
        List<RecordRouter.Routed> routed;
        try {
            routed = RecordRouter.route(processing, record, arrival);
        } catch (RuntimeException e) {
            // A record must never break the request that stored it: it goes to the error output.
            log.warn("Stream {}: processing a record failed", s.config().name(), e);
            routed = List.of(RecordRouter.failed(record, arrival, ErrorRecord.METADATA_EXTRACTION_FAILED,
                    "Processing failed: " + e));
        }
        for (RecordRouter.Routed r : routed) {
            if (!r.partition().isError() && !s.hasBuffer(r.partition())
                    && s.activeDataPartitions() >= MAX_ACTIVE_PARTITIONS) {
                r = RecordRouter.failed(r.raw(), arrival, ErrorRecord.ACTIVE_PARTITIONS_LIMIT_EXCEEDED,
                        "The stream has " + MAX_ACTIVE_PARTITIONS + " active partitions, the limit; partition keys "
                                + r.partition().keyValues() + " would start another.");
            }
            appendTo(s, r.partition(), r.bytes(), arrival);
        }
    }

    private void appendTo(StreamRuntime s, PartitionId partition, byte[] record, Instant arrival) {
        StreamConfig c = s.config();
        PartitionBuffer b = s.buffer(partition);
        // A request's records share one arrival: the first one closes a buffer that is due, the rest join the new one.
        if (b != null && (b.due(arrival, bufferTime(c)) || b.bytes() + record.length > c.sizeBytes())) {
            deliver(s, partition);
        }
        s.append(partition, record, arrival);
        if (s.buffer(partition).bytes() >= c.sizeBytes()) {
            deliver(s, partition);
        }
    }

    /**
     * Ends a request's appends at {@code now}, its arrival time. On a zero-buffered stream, sets a
     * timer for the end of the window that the oldest buffered record opened, unless one is
     * pending, so that what the window gathers goes out then. Holds the stream.
     */
    public void requestDone(StreamRuntime s, Instant now) {
        if (s.config().intervalSeconds() == 0) {
            deliverIfDue(s, now);
            if (!s.bufferEmpty() && s.windowTimerSetAt() == null) {
                setWindowTimer(s, now);
            }
        }
    }

    private void setWindowTimer(StreamRuntime s, Instant now) {
        s.windowTimerSetAt(now);
        timer.schedule(Duration.between(now, s.oldestArrival().plus(ZERO_BUFFERING_WINDOW)), () -> windowEnded(s));
    }

    /**
     * The timer's task: takes the stream, delivers what is due and, if the buffer still waits on a
     * zero-buffered stream, sets the timer again for what is left of the window. A timer that fired
     * while the endpoint's clock stood still (an injected clock a test steps) is not set again: the
     * test delivers with {@code deliverDue()}, and the periodic check still runs.
     */
    private void windowEnded(StreamRuntime s) {
        try {
            synchronized (s) {
                Instant setAt = s.windowTimerSetAt();
                s.windowTimerSetAt(null);
                Instant now = clock.instant();
                deliverIfDue(s, now);
                boolean clockMoved = setAt == null || now.isAfter(setAt);
                if (s.config().intervalSeconds() == 0 && !s.bufferEmpty() && clockMoved) {
                    setWindowTimer(s, now);
                }
            }
        } catch (RuntimeException e) {
            // The timer's thread must go on; the buffer waits for the periodic check or close().
            log.error("Stream {}: delivery at the end of the zero-buffering window failed", s.config().name(), e);
        }
    }

    /** Delivers the buffers whose interval (or zero-buffering window) has passed at {@code now}. Holds the stream. */
    public void deliverIfDue(StreamRuntime s, Instant now) {
        Duration bufferTime = bufferTime(s.config());
        for (PartitionId p : s.partitions()) {
            if (s.buffer(p).due(now, bufferTime)) {
                deliver(s, p);
            }
        }
    }

    /** Delivers whatever is buffered. Holds the stream. */
    public void deliver(StreamRuntime s) {
        for (PartitionId p : s.partitions()) {
            deliver(s, p);
        }
    }

    private void deliver(StreamRuntime s, PartitionId partition) {
        PartitionBuffer b = s.drain(partition);
        if (b == null || b.isEmpty()) {
            return;
        }
        StreamConfig c = s.config();
        Instant first = b.firstArrival();
        List<byte[]> records = b.records();
        String prefix = partition.isError()
                ? c.processing().prefixes().error(first, partition.errorType(), s.keyRandom())
                : c.processing().prefixes().data(first, keys(c, partition), s.keyRandom());
        String key = S3Writer.key(c, prefix, first, s.keyRandom());
        try {
            String where = sink.put(c, key, records);
            metrics.delivered(c.name(), clock.instant(), records.size(), b.bytes(), first);
            log.debug("Stream {}: {} records, {} bytes -> {}", c.name(), records.size(), b.bytes(), where);
        } catch (RuntimeException e) {
            // The records stay in the ledger; the object is lost, as a failed S3 delivery would be.
            metrics.deliveryFailed(c.name(), clock.instant());
            log.error("Stream {}: delivery of {} records failed", c.name(), records.size(), e);
        }
    }

    private static Map<String, String> keys(StreamConfig c, PartitionId partition) {
        Map<String, String> keys = new HashMap<>();
        Iterator<String> values = partition.keyValues().iterator();
        for (String name : c.processing().prefixes().partitionKeys()) {
            keys.put(name, values.next());
        }
        return keys;
    }
}
