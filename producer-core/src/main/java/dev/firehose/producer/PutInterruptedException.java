package dev.firehose.producer;

/**
 * Thrown by {@code put} when the calling thread was interrupted while waiting for buffer space.
 * The thread's interrupt flag is set again before this is thrown; the record was not accepted.
 */
public class PutInterruptedException extends FirehoseProducerException {

    /**
     * Creates the exception.
     *
     * @param message what the thread was waiting for
     * @param cause the interruption
     */
    public PutInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
