package dev.firehose.producer;

import java.time.Duration;

/**
 * The final outcome of one record (see {@link ProducerListener#onRecordSettled}).
 *
 * @param stream the delivery stream
 * @param bytes the record's size in bytes
 * @param success true if Firehose acknowledged the record
 * @param errorCode null on success, else the {@link RecordFailedException#errorCode()}
 * @param attempts how many requests carried the record
 * @param latency the time from {@code put} to the outcome
 * @param mayBeDuplicated whether Firehose may hold more than one copy (or, on failure, one copy)
 */
public record RecordSettledEvent(String stream, int bytes, boolean success, String errorCode, int attempts,
        Duration latency, boolean mayBeDuplicated) {
}
