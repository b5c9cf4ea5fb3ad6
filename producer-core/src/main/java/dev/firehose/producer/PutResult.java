package dev.firehose.producer;

import java.time.Duration;

/**
 * The outcome of a record Firehose acknowledged.
 *
 * @param recordId the RecordId Firehose returned for the record
 * @param stream the delivery stream that stored it
 * @param attempts how many requests carried the record (1 if the first attempt succeeded)
 * @param latency the time from {@code put} to the acknowledgement
 * @param mayBeDuplicated true if an earlier attempt of this record ended with an ambiguous outcome
 *     (I/O error or timeout after the request was sent, or a server error other than
 *     {@code ServiceUnavailableException}), so Firehose may hold a second copy of it
 */
public record PutResult(String recordId, String stream, int attempts, Duration latency, boolean mayBeDuplicated) {
}
