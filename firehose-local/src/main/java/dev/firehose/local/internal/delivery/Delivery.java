package dev.firehose.local.internal.delivery;

import dev.firehose.local.internal.metrics.FirehoseMetrics;
import dev.firehose.local.internal.stream.StreamRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Moves the buffered records of a stream to its {@link ObjectSink} when its BufferingHints say so
 * (size reached, or interval passed since the buffer's first record), or when asked to. Callers
 * hold the stream's monitor; the file is written on the calling thread. Thread-safe.
 */
public final class Delivery {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final ObjectSink sink;
    private final FirehoseMetrics metrics;
    private final Clock clock;

    public Delivery(ObjectSink sink, FirehoseMetrics metrics, Clock clock) {
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Appends one stored record, delivering before (to stay under the size hint) and after as due. Holds the stream. */
    public void append(StreamRuntime s, byte[] record, Instant arrival) {
        if (s.intervalDue(arrival)
                || (!s.bufferEmpty() && s.bufferBytes() + record.length > s.config().sizeBytes())) {
            deliver(s);
        }
        s.append(record, arrival);
        if (s.sizeDue() || s.config().intervalSeconds() == 0) {
            deliver(s);
        }
    }

    /** Delivers the buffer if its interval has passed at {@code now}. Holds the stream. */
    public void deliverIfDue(StreamRuntime s, Instant now) {
        if (s.intervalDue(now)) {
            deliver(s);
        }
    }

    /** Delivers whatever is buffered. Holds the stream. */
    public void deliver(StreamRuntime s) {
        if (s.bufferEmpty()) {
            return;
        }
        Instant first = s.bufferFirstArrival();
        List<byte[]> records = s.drain();
        long bytes = 0;
        for (byte[] r : records) {
            bytes += r.length;
        }
        String key = S3Writer.key(s.config(), first, s.keyRandom());
        try {
            String where = sink.put(s.config(), key, records);
            metrics.delivered(s.config().name(), clock.instant(), records.size(), bytes, first);
            log.debug("Stream {}: {} records, {} bytes -> {}", s.config().name(), records.size(), bytes, where);
        } catch (RuntimeException e) {
            // The records stay in the ledger; the object is lost, as a failed S3 delivery would be.
            metrics.deliveryFailed(s.config().name(), clock.instant());
            log.error("Stream {}: delivery of {} records failed", s.config().name(), records.size(), e);
        }
    }
}
