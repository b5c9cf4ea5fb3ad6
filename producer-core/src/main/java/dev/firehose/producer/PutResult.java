package dev.firehose.producer;

import java.time.Duration;

/**
 * The outcome of a record Firehose acknowledged.
 *
 * <p>With {@link RecordPacking packing}, several user records travel in one Firehose record: they
 * share its {@code recordId}, {@code attempts} and {@code mayBeDuplicated} (a packed record is sent
 * and retried whole), and {@code position} tells where in it each one is.
 *
 * @param recordId the RecordId Firehose returned for the Firehose record that carried the record
 * @param stream the delivery stream that stored it
 * @param attempts how many requests carried the record (1 if the first attempt succeeded)
 * @param latency the time from {@code put} to the acknowledgement
 * @param mayBeDuplicated true if an earlier attempt of this record ended with an ambiguous outcome
 *     (I/O error or timeout after the request was sent, or a server error other than
 *     {@code ServiceUnavailableException}), so Firehose may hold a second copy of it
 * @param position the record's place in its Firehose record, from 0 (always 0 without packing)
 * @param packedRecords how many user records the Firehose record carried (1 without packing)
 */
public record PutResult(String recordId, String stream, int attempts, Duration latency, boolean mayBeDuplicated,
        int position, int packedRecords) {

    /**
     * The outcome of a record sent as a Firehose record of its own.
     *
     * @param recordId the RecordId Firehose returned
     * @param stream the delivery stream that stored it
     * @param attempts how many requests carried the record
     * @param latency the time from {@code put} to the acknowledgement
     * @param mayBeDuplicated whether Firehose may hold a second copy of it
     */
    public PutResult(String recordId, String stream, int attempts, Duration latency, boolean mayBeDuplicated) {
        this(recordId, stream, attempts, latency, mayBeDuplicated, 0, 1);
    }
}
