package dev.firehose.local;

import dev.firehose.local.internal.LedgerBook;

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

    /** The stored records of {@code stream} in arrival order (a snapshot). */
    public List<StoredRecord> records(String stream) {
        return book.records(stream);
    }

    /** How many records of {@code stream} were stored. */
    public long count(String stream) {
        return book.count(stream);
    }

    /** Data (base64 of the bytes) to the number of times it was stored, for data stored more than once. */
    public Map<String, Long> duplicates(String stream) {
        return book.duplicates(stream);
    }

    /** Every entry of every Put request to {@code stream} that reached validation, stored or not. */
    public long entriesReceived(String stream) {
        return book.entriesReceived(stream);
    }

    /** Entries answered with a per-entry ErrorCode, and entries of requests the quota refused whole. */
    public long entriesFailed(String stream) {
        return book.entriesFailed(stream);
    }

    /** Entries refused because of the stream's quota ("Slow down."), per entry or with their whole request. */
    public long entriesThrottled(String stream) {
        return book.entriesThrottled(stream);
    }

    /** PutRecord and PutRecordBatch requests to {@code stream} that were parsed. */
    public long requestsReceived(String stream) {
        return book.requestsReceived(stream);
    }

    /** Whether {@link #records} holds every stored record: false in sink mode or past the record limit. */
    public boolean recordsComplete() {
        return book.recordsComplete();
    }

    /** Forgets everything recorded so far (and lifts the record limit's count). */
    public void clear() {
        book.clear();
    }
}
