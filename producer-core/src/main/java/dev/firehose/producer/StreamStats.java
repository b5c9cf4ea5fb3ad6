package dev.firehose.producer;

import java.time.Duration;
import java.util.Map;

/**
 * Counters and levels of one delivery stream, or of all streams together ({@link ProducerStats#total()}).
 * Counters are cumulative since the producer was built; levels are the values at the time of the snapshot.
 *
 * <p>The CloudWatch {@code AWS/Firehose} counts as the producer sees them: {@code IncomingRecords} =
 * {@code recordsAcknowledged}, {@code IncomingBytes} = {@code bytesAcknowledged},
 * {@code IncomingPutRequests} = {@code requests - requestsFailed}, {@code PutRecordBatch.Requests} =
 * {@code requests}, {@code PutRecordBatch.Records} = {@code requestRecords}, {@code PutRecordBatch.Bytes} =
 * {@code requestBytes}, {@code ThrottledRecords} = {@code throttledRecords}. With
 * {@link RecordPacking packing}, the service counts Firehose records, not user records:
 * {@code IncomingRecords} = {@code firehoseRecordsAcknowledged}, and {@code IncomingBytes} counts
 * the packed records' bytes (see {@link RequestCompletedEvent}). Latencies are in the
 * listener events only ({@link RequestCompletedEvent#latency()}, {@link RecordSettledEvent#latency()}).
 *
 * @param stream the delivery stream, or {@code "*"} for the total
 * @param recordsPut records accepted by {@code put}
 * @param bytesPut data bytes accepted by {@code put}
 * @param recordsAcknowledged records whose future completed with a {@link PutResult}
 * @param bytesAcknowledged data bytes of those records
 * @param recordsFailed records whose future completed exceptionally
 * @param recordsFailedByCode {@code recordsFailed} by {@link RecordFailedException#errorCode()}
 * @param recordsRetried times a record was put back to be sent again (a record retried twice counts twice)
 * @param recordsMayBeDuplicated settled records flagged as possibly stored more than once
 * @param requests PutRecordBatch requests completed (successful or not)
 * @param requestsFailed requests that failed as a whole
 * @param requestRecords Firehose records carried by those requests, counting every attempt (a packed record
 *     counts once)
 * @param requestBytes data bytes of the Firehose records carried by those requests, counting every attempt
 * @param throttledRecords records refused with "Slow down.", per entry or by whole request
 * @param bufferedRecords level: records accepted and not yet settled (waiting, in flight or awaiting a retry);
 *     these count against {@link ProducerConfig#maxBufferedRecords()}
 * @param bufferedBytes level: data bytes of those records; they count against {@link ProducerConfig#maxBufferedBytes()}
 * @param requestsInFlight level: requests sent and not yet completed
 * @param oldestBufferedRecordAge level: age of the oldest record waiting for its first send (zero if none)
 * @param firehoseRecordsAcknowledged Firehose records the service stored: without packing the same as
 *     {@code recordsAcknowledged}; with packing, a packed record counts once however many user records it carries
 * @param billedBytes what Firehose bills for those records: each one's size rounded up to the next 5 KB (5,120
 *     bytes), the unit of Firehose's ingestion pricing
 */
public record StreamStats(String stream, long recordsPut, long bytesPut, long recordsAcknowledged,
        long bytesAcknowledged, long recordsFailed, Map<String, Long> recordsFailedByCode, long recordsRetried,
        long recordsMayBeDuplicated, long requests, long requestsFailed, long requestRecords, long requestBytes,
        long throttledRecords, long bufferedRecords, long bufferedBytes, int requestsInFlight,
        Duration oldestBufferedRecordAge, long firehoseRecordsAcknowledged, long billedBytes) {
}
