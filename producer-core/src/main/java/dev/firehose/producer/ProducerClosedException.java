package dev.firehose.producer;

import java.time.Duration;

/**
 * A record still pending when {@link FirehoseProducer#close(Duration)} ran out of time; its
 * {@link #errorCode()} is {@value RecordFailedException#PRODUCER_CLOSED}.
 */
public class ProducerClosedException extends RecordFailedException {

    /**
     * Creates the exception.
     *
     * @param stream the delivery stream the record was sent to
     * @param attempts how many times the record was sent before the producer closed
     * @param mayBeDuplicated whether an earlier attempt may have stored the record anyway
     * @param closeTimeout the time close waited for pending records
     */
    public ProducerClosedException(String stream, int attempts, boolean mayBeDuplicated, Duration closeTimeout) {
        super("record for stream '" + stream + "' was still pending after " + attempts
                        + (attempts == 1 ? " attempt" : " attempts") + " when the producer closed (close waited "
                        + closeTimeout.toMillis() + " ms)",
                stream, PRODUCER_CLOSED, "producer closed with the record pending", attempts, mayBeDuplicated);
    }
}
