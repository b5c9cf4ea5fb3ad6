package dev.firehose.producer;

import java.util.Map;

/**
 * A snapshot of the producer's counters and levels (see {@link FirehoseProducer#stats()}).
 * Values are read one by one without a global lock, so counters taken while records flow may be
 * a few records apart; once the producer is idle they balance:
 * {@code recordsPut == recordsAcknowledged + recordsFailed + bufferedRecords}.
 *
 * @param total all streams together (stream {@code "*"})
 * @param streams per delivery stream, in name order
 * @param putsBlocked how many {@code put} calls had to wait for buffer space
 * @param listenerErrors how many listener callbacks threw an exception
 * @param recordsAcknowledgedLate records the service acknowledged after the producer had already
 *     failed them at their delivery deadline (or at close): their futures said
 *     {@link RecordFailedException#mayBeDuplicated()}, and they were stored after all
 */
public record ProducerStats(StreamStats total, Map<String, StreamStats> streams, long putsBlocked,
        long listenerErrors, long recordsAcknowledgedLate) {

    /**
     * The stats of one stream.
     *
     * @param stream the delivery stream name
     * @return its stats, or null if no record was put to it (or its state was dropped after
     *     {@link ProducerConfig#streamIdleTimeout()} without records; its counts stay in the total)
     */
    public StreamStats stream(String stream) {
        return streams.get(stream);
    }
}
