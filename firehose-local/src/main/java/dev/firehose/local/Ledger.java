package dev.firehose.local;

import dev.firehose.local.internal.ledger.LedgerBook;

import java.util.List;
import java.util.Map;

/**
 * What the endpoint received and stored, per delivery stream, so a test can prove that nothing was
 * lost (and see what was stored twice). Thread-safe.
 *
 * <p>An entry is <em>received</em> when its PutRecord or PutRecordBatch request was parsed and
 * reached validation, whether it was then stored or not. It is <em>failed</em> when it was answered
 * with a per-entry ErrorCode (a fault or the quota), or when the request carrying it was
 * refused whole by the quota ("Slow down."). It is <em>stored</em> when the endpoint accepted it
 * and answered with a RecordId, or would have, for a request whose connection was dropped after
 * storing.
 *
 * <p>In sink mode only the counters are kept: {@link #records} is empty and {@link #duplicates}
 * finds nothing. The records kept are bounded by {@link FirehoseLocal.Builder#ledgerRecordLimit};
 * past it the counters go on and {@link #recordsComplete()} turns false.
 */
public final class Ledger {

    private final LedgerBook book;

    Ledger(LedgerBook book) {
        this.book = book;
    }

    /**
     * The stored records of a stream, in the order they were stored.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return an unmodifiable snapshot; empty in sink mode, and missing the records stored past the
     *         record limit (see {@link #recordsComplete()})
     */
    public List<StoredRecord> records(String stream) {
        return book.records(stream);
    }

    /**
     * How many records of a stream were stored, counting each copy of a record stored twice.
     * Counted in sink mode and past the record limit too.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the number of records stored, 0 or more
     */
    public long count(String stream) {
        return book.count(stream);
    }

    /**
     * The data a stream stored more than once, found among the records kept (see
     * {@link #records}).
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the base64 of each record's bytes stored twice or more, to the number of times it was
     *         stored, in the order first stored; a new, modifiable map; empty in sink mode
     */
    public Map<String, Long> duplicates(String stream) {
        return book.duplicates(stream);
    }

    /**
     * Every entry of every Put request to a stream that reached validation, stored or not.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the number of entries received, 0 or more
     */
    public long entriesReceived(String stream) {
        return book.entriesReceived(stream);
    }

    /**
     * Entries of a stream answered with a per-entry ErrorCode, and entries of requests the quota
     * refused whole; includes {@link #entriesThrottled}.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the number of entries failed, 0 or more
     */
    public long entriesFailed(String stream) {
        return book.entriesFailed(stream);
    }

    /**
     * Entries of a stream refused because of its quota ("Slow down."), per entry or with their
     * whole request. Entries failed by the {@link Faults#entryServiceUnavailableRate()} fault are
     * not counted here.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the number of entries throttled, 0 or more
     */
    public long entriesThrottled(String stream) {
        return book.entriesThrottled(stream);
    }

    /**
     * PutRecord and PutRecordBatch requests to a stream that were parsed, whatever their answer.
     *
     * @param stream the delivery stream name; a stream never put to reads as empty
     * @return the number of requests received, 0 or more
     */
    public long requestsReceived(String stream) {
        return book.requestsReceived(stream);
    }

    /**
     * Whether {@link #records} holds every stored record.
     *
     * @return {@code false} in sink mode, or once the stored records passed
     *         {@link FirehoseLocal.Builder#ledgerRecordLimit} (until {@link #clear()})
     */
    public boolean recordsComplete() {
        return book.recordsComplete();
    }

    /** Forgets everything recorded so far (and lifts the record limit's count). */
    public void clear() {
        book.clear();
    }
}
