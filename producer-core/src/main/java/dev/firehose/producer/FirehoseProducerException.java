package dev.firehose.producer;

/**
 * The root of every exception the producer throws or puts into a record's future.
 *
 * <p>Subtypes carry the context of the failure: {@link RecordFailedException} (a record the
 * service did not accept), {@link RecordTooLargeException}, {@link InvalidStreamNameException},
 * {@link BufferFullException} and {@link PutInterruptedException} (caller mistakes and
 * backpressure, thrown by {@code put}), and {@link ProducerClosedException} (a record still
 * pending when {@link FirehoseProducer#close(java.time.Duration)} ran out of time).
 */
public class FirehoseProducerException extends RuntimeException {

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, with the numbers that matter
     */
    public FirehoseProducerException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, with the numbers that matter
     * @param cause the underlying failure
     */
    public FirehoseProducerException(String message, Throwable cause) {
        super(message, cause);
    }
}
