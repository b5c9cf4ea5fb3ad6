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
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Moves the stored records of a stream into per-partition buffers (through its processors, see
 * {@link RecordRouter}) and each buffer to an object in its {@link ObjectSink} when its
 * BufferingHints say so (size reached, or interval passed since the buffer's oldest record), when a
 * request ends on a stream with {@code IntervalInSeconds} 0, or when asked to. Callers hold the stream's monitor; objects are
 * written on the calling thread. Thread-safe.
 */
public final class Delivery {

    /** Active partitions per stream, the service's default quota; records past it go to the error output. */
    public static final int MAX_ACTIVE_PARTITIONS = 500;

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final ObjectSink sink;
    private final FirehoseMetrics metrics;
    private final Clock clock;

    public Delivery(ObjectSink sink, FirehoseMetrics metrics, Clock clock) {
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
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
        // With IntervalInSeconds 0 the buffer goes out when the request ends (requestDone), not record by record.
        boolean intervalDue = c.intervalSeconds() > 0 && b != null && b.intervalDue(arrival, c.intervalSeconds());
        if (b != null && (intervalDue || b.bytes() + record.length > c.sizeBytes())) {
            deliver(s, partition);
        }
        s.append(partition, record, arrival);
        if (s.buffer(partition).bytes() >= c.sizeBytes()) {
            deliver(s, partition);
        }
    }

    /**
     * Ends a request's appends: with {@code IntervalInSeconds} 0, delivers what the request buffered,
     * so the records of one request go out together (one object per partition). Holds the stream.
     */
    public void requestDone(StreamRuntime s) {
        if (s.config().intervalSeconds() == 0) {
            deliver(s);
        }
    }

    /** Delivers the buffers whose interval has passed at {@code now}. Holds the stream. */
    public void deliverIfDue(StreamRuntime s, Instant now) {
        for (PartitionId p : s.partitions()) {
            if (s.buffer(p).intervalDue(now, s.config().intervalSeconds())) {
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
