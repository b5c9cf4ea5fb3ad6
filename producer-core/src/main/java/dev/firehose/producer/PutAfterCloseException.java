package dev.firehose.producer;

/**
 * Thrown by {@code put} once {@link FirehoseProducer#close(java.time.Duration)} has begun: the put
 * came after it, or it was waiting for buffer space when close began. The record was not accepted
 * and has no future.
 *
 * <p>Not to be confused with {@link ProducerClosedException}, which fails the future of a record
 * that was accepted and still pending when close ran out of time.
 */
public class PutAfterCloseException extends FirehoseProducerException {

    /**
     * Creates the exception.
     *
     * @param message which producer refused the put, and what the put was doing when close began
     */
    public PutAfterCloseException(String message) {
        super(message);
    }
}
