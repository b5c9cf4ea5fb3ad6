package dev.firehose.producer;

/**
 * The root of every exception the producer throws or puts into a record's future.
 *
 * <p>Subtypes carry the context of the failure:
 * <ul>
 *   <li>in a record's future: {@link RecordFailedException} (a record that was not delivered), with
 *       its subtypes {@link DeliveryTimeoutException} (the record's delivery timeout expired) and
 *       {@link ProducerClosedException} (the record was still pending when
 *       {@link FirehoseProducer#close(java.time.Duration)} ran out of time);</li>
 *   <li>thrown by {@code put}, for caller mistakes: {@link RecordTooLargeException},
 *       {@link InvalidStreamNameException}, {@link NoDefaultStreamException} ({@code put(data)} on a
 *       producer without a default stream) and {@link PutAfterCloseException} (a put once close has
 *       begun);</li>
 *   <li>thrown by {@code put}, for backpressure: {@link BufferFullException} and
 *       {@link PutInterruptedException}.</li>
 * </ul>
 * {@link FirehoseProducer.Builder#build()} throws this class itself when the producer cannot build
 * its own client (the cause says why).
 *
 * <p>Two kinds of exception are deliberately outside this hierarchy, as in the JDK's own APIs:
 * {@link NullPointerException} for a null argument to any method of the producer, its builder or
 * {@link ProducerConfig.Builder}, and {@link IllegalArgumentException} for a configuration the
 * builders refuse: a {@link ProducerConfig} setting out of its range (from its setter) or settings
 * that conflict (from {@code build()}, including a client customizer given together with a client).
 * Both are programming errors, thrown at once by the call given the bad argument, with a message
 * that names it.
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
