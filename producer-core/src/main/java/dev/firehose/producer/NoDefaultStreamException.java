package dev.firehose.producer;

/**
 * Thrown by {@code put(data)} (the forms without a stream name) on a producer built without
 * {@link FirehoseProducer.Builder#deliveryStreamName(String)}: name the stream with
 * {@code put(stream, data)}, or set a default stream on the builder.
 */
public class NoDefaultStreamException extends FirehoseProducerException {

    /**
     * Creates the exception.
     *
     * @param message what was missing and how to provide it
     */
    public NoDefaultStreamException(String message) {
        super(message);
    }
}
