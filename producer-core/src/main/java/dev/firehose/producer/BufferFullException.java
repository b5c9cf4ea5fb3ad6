package dev.firehose.producer;

/**
 * Thrown by {@code put} when the buffer stayed full: either at once ({@link BufferFullPolicy#FAIL})
 * or after waiting {@link ProducerConfig#maxBlockTime()} ({@link BufferFullPolicy#BLOCK}).
 */
public class BufferFullException extends FirehoseProducerException {

    /**
     * Creates the exception.
     *
     * @param message the bounds that were reached and how long put waited
     */
    public BufferFullException(String message) {
        super(message);
    }
}
