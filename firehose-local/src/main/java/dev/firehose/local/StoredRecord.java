package dev.firehose.local;

import java.time.Instant;

/**
 * One record the endpoint stored.
 *
 * @param stream   the delivery stream
 * @param recordId the RecordId the endpoint answered with
 * @param sequence the record's position in the stream's arrival order, starting at 0
 * @param arrival  when the request that carried it arrived (the endpoint's clock)
 * @param data     the decoded record bytes (not copied: do not modify)
 */
public record StoredRecord(String stream, String recordId, long sequence, Instant arrival, byte[] data) {
}
