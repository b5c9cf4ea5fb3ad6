package dev.firehose.producer;

import java.time.Duration;

/**
 * A record that was not acknowledged within {@link ProducerConfig#deliveryTimeout()}; its
 * {@link #errorCode()} is {@value RecordFailedException#DELIVERY_TIMEOUT} and
 * {@link #lastErrorCode()} says what the last attempt ended with, if there was one.
 */
public class DeliveryTimeoutException extends RecordFailedException {

    /** The error code of the last attempt, or null if the record was never sent. */
    private final String lastErrorCode;

    /**
     * Creates the exception.
     *
     * @param stream the delivery stream the record was sent to
     * @param deliveryTimeout the configured delivery timeout
     * @param lastErrorCode the error code of the last attempt, or null if the record was never sent
     * @param lastErrorMessage the error message of the last attempt, or null
     * @param attempts how many times the record was sent
     * @param mayBeDuplicated whether an earlier attempt may have stored the record anyway
     */
    public DeliveryTimeoutException(String stream, Duration deliveryTimeout, String lastErrorCode,
            String lastErrorMessage, int attempts, boolean mayBeDuplicated) {
        super("record for stream '" + stream + "' was not delivered within the delivery timeout of "
                        + deliveryTimeout.toMillis() + " ms after " + attempts
                        + (attempts == 1 ? " attempt" : " attempts")
                        + (lastErrorCode == null ? "" : "; last error: " + lastErrorCode
                                + (lastErrorMessage == null || lastErrorMessage.isEmpty() ? ""
                                        : " (" + lastErrorMessage + ")")),
                stream, DELIVERY_TIMEOUT, lastErrorMessage == null ? "" : lastErrorMessage, attempts, mayBeDuplicated);
        this.lastErrorCode = lastErrorCode;
    }

    /** @return the error code of the last attempt, or null if the record was never sent */
    public String lastErrorCode() {
        return lastErrorCode;
    }
}
