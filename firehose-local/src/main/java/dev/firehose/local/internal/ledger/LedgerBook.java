package dev.firehose.local.internal.ledger;

import dev.firehose.local.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the endpoint received and stored, per stream. Thread-safe: counters are adders, the record
 * list of a stream (and its stored count while records are kept) is guarded by that stream's
 * entry. In sink mode, and past the record limit, only the counters are kept.
 */
public final class LedgerBook {

    private static final Logger log = LoggerFactory.getLogger(LedgerBook.class);

    private final boolean keepRecords;
    private final long recordLimit;
    private final AtomicLong kept = new AtomicLong();
    private final AtomicBoolean limitReached = new AtomicBoolean();
    private final ConcurrentHashMap<String, StreamEntry> streams = new ConcurrentHashMap<>();

    /**
     * @param keepRecords whether to keep the stored records (false in sink mode: counters only)
     * @param recordLimit how many records to keep at most, over all streams; beyond it only the
     *                    counters go on (so memory stays bounded when the endpoint runs for long)
     */
    public LedgerBook(boolean keepRecords, long recordLimit) {
        this.keepRecords = keepRecords;
        this.recordLimit = recordLimit;
    }

    private StreamEntry entry(String stream) {
        return streams.computeIfAbsent(stream, s -> new StreamEntry());
    }

    public void requestReceived(String stream, int entries) {
        StreamEntry e = entry(stream);
        e.requests.increment();
        e.entriesReceived.add(entries);
    }

    public void entriesFailed(String stream, int failed, int throttled) {
        if (failed == 0 && throttled == 0) {
            return;
        }
        StreamEntry e = entry(stream);
        e.entriesFailed.add(failed);
        e.entriesThrottled.add(throttled);
    }

    /**
     * Stores the given records in order. {@code recordIds} and {@code data} are parallel; entries
     * whose record id is {@code null} are skipped (they failed).
     */
    public void store(String stream, Instant arrival, String[] recordIds, List<byte[]> data) {
        StreamEntry e = entry(stream);
        int stored = 0;
        if (keepRecords && !limitReached.get()) {
            synchronized (e) {
                long sequence = e.stored.sum();
                for (int i = 0; i < recordIds.length; i++) {
                    if (recordIds[i] != null) {
                        if (kept.incrementAndGet() > recordLimit) {
                            if (limitReached.compareAndSet(false, true)) {
                                log.warn("The ledger holds {} records, its limit: from now on it counts records "
                                        + "without keeping them", recordLimit);
                            }
                        } else {
                            e.records.add(new StoredRecord(stream, recordIds[i], sequence + stored, arrival, data.get(i)));
                        }
                        stored++;
                    }
                }
                e.stored.add(stored);
            }
            return;
        }
        for (String id : recordIds) {
            if (id != null) {
                stored++;
            }
        }
        e.stored.add(stored);
    }

    public List<StoredRecord> records(String stream) {
        StreamEntry e = streams.get(stream);
        if (e == null) {
            return List.of();
        }
        synchronized (e) {
            return List.copyOf(e.records);
        }
    }

    public long count(String stream) {
        StreamEntry e = streams.get(stream);
        return e == null ? 0 : e.stored.sum();
    }

    public Map<String, Long> duplicates(String stream) {
        Map<String, Long> times = new LinkedHashMap<>();
        Base64.Encoder b64 = Base64.getEncoder();
        for (StoredRecord r : records(stream)) {
            times.merge(b64.encodeToString(r.data()), 1L, Long::sum);
        }
        times.values().removeIf(n -> n < 2);
        return times;
    }

    public long entriesReceived(String stream) {
        StreamEntry e = streams.get(stream);
        return e == null ? 0 : e.entriesReceived.sum();
    }

    public long entriesFailed(String stream) {
        StreamEntry e = streams.get(stream);
        return e == null ? 0 : e.entriesFailed.sum() + e.entriesThrottled.sum();
    }

    public long entriesThrottled(String stream) {
        StreamEntry e = streams.get(stream);
        return e == null ? 0 : e.entriesThrottled.sum();
    }

    public long requestsReceived(String stream) {
        StreamEntry e = streams.get(stream);
        return e == null ? 0 : e.requests.sum();
    }

    public List<String> streams() {
        return new ArrayList<>(streams.keySet());
    }

    /** Whether {@link #records} holds every stored record (false in sink mode or past the limit). */
    public boolean recordsComplete() {
        return keepRecords && !limitReached.get();
    }

    public void clear() {
        streams.clear();
        kept.set(0);
        limitReached.set(false);
    }

    private static final class StreamEntry {
        final LongAdder requests = new LongAdder();
        final LongAdder entriesReceived = new LongAdder();
        final LongAdder entriesFailed = new LongAdder();
        final LongAdder entriesThrottled = new LongAdder();
        final LongAdder stored = new LongAdder();
        /** Guarded by this entry. */
        final List<StoredRecord> records = new ArrayList<>();
    }
}
