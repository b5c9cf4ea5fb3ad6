package dev.firehose.benchmarks;

/** The PutRecordBatch limits every contender packs under, so that all of them send the same requests. */
final class Limits {

    /** Records per PutRecordBatch request. */
    static final int MAX_RECORDS_PER_REQUEST = 500;

    /** Bytes of record data per PutRecordBatch request, counted raw (before base64). */
    static final int MAX_BYTES_PER_REQUEST = 4 * 1024 * 1024;

    private Limits() {
    }

    /** How many records of {@code recordSize} bytes make a full request. */
    static int recordsPerFullRequest(int recordSize) {
        if (recordSize <= 0) {
            return MAX_RECORDS_PER_REQUEST;
        }
        return Math.max(1, Math.min(MAX_RECORDS_PER_REQUEST, MAX_BYTES_PER_REQUEST / recordSize));
    }

    /**
     * Whether a request of {@code records} records and {@code bytes} raw data bytes is full: 500
     * records, or no room left for one more record of the same average size.
     */
    static boolean isFull(int records, long bytes) {
        if (records >= MAX_RECORDS_PER_REQUEST) {
            return true;
        }
        if (records == 0) {
            return false;
        }
        return bytes + bytes / records > MAX_BYTES_PER_REQUEST;
    }
}
