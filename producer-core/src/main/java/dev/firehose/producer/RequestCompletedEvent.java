package dev.firehose.producer;

import java.time.Duration;
import java.util.Map;

/**
 * One PutRecordBatch request and its outcome (see {@link ProducerListener#onRequestCompleted}).
 *
 * @param stream the delivery stream
 * @param operation the Firehose operation, always {@code "PutRecordBatch"}
 * @param records how many records the request carried
 * @param bytes the raw data bytes the request carried (before base64)
 * @param latency the time from sending the request to its completion
 * @param acceptedRecords how many records Firehose stored (entries with a RecordId)
 * @param acceptedBytes the raw data bytes of those records
 * @param failedRecordsByCode records that did not get a RecordId, by error code: the per-entry
 *     codes of a partial failure, or the request's error code for all records of a failed request
 * @param throttledRecords records refused with "Slow down." ({@code ServiceUnavailableException}),
 *     per entry or because the whole request was refused
 * @param requestErrorCode the error code of a request that failed as a whole, or null if Firehose
 *     answered with per-record results
 */
public record RequestCompletedEvent(String stream, String operation, int records, long bytes, Duration latency,
        int acceptedRecords, long acceptedBytes, Map<String, Integer> failedRecordsByCode, int throttledRecords,
        String requestErrorCode) {


    /** @return true if the request failed as a whole (no per-record results) */
    public boolean requestFailed() {
        return requestErrorCode != null;
    }

    /** @return how many records did not get a RecordId */
    public int failedRecords() {
        return records - acceptedRecords;
    }
}
