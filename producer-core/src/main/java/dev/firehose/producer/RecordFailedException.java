package dev.firehose.producer;

/**
 * A record that was not delivered: the exceptional completion of the record's future.
 *
 * <p>{@link #errorCode()} is the Firehose error code of the last attempt (for example
 * {@code ServiceUnavailableException}, {@code InternalFailure}, {@code ResourceNotFoundException})
 * or one of the producer's own codes: {@value #DELIVERY_TIMEOUT}, {@value #PRODUCER_CLOSED},
 * {@value #IO_ERROR}, {@value #API_CALL_TIMEOUT}, {@value #CLIENT_ERROR}.
 */
public class RecordFailedException extends FirehoseProducerException {

    /** Error code of a record whose delivery timeout expired before it was acknowledged. */
    public static final String DELIVERY_TIMEOUT = "DeliveryTimeout";
    /** Error code of a record still pending when the producer was closed. */
    public static final String PRODUCER_CLOSED = "ProducerClosed";
    /** Error code of an attempt that failed with an I/O error (connection refused, reset, closed). */
    public static final String IO_ERROR = "IOError";
    /** Error code of an attempt that did not complete within its API call timeout. */
    public static final String API_CALL_TIMEOUT = "ApiCallTimeout";
    /** Error code of an attempt that failed inside the client before reaching the service. */
    public static final String CLIENT_ERROR = "ClientError";

    /** The delivery stream the record was sent to. */
    private final String stream;
    /** The error code of the last attempt, or one of the producer's own codes. */
    private final String errorCode;
    /** The error message of the last attempt; may be empty. */
    private final String errorMessage;
    /** How many requests carried the record. */
    private final int attempts;
    /** Whether the record may have been stored despite the failure. */
    private final boolean mayBeDuplicated;

    /**
     * Creates the exception.
     *
     * @param stream the delivery stream the record was sent to
     * @param errorCode the error code of the last attempt, or one of the producer's own codes
     * @param errorMessage the error message of the last attempt
     * @param attempts how many times the record was sent (0 if it never left the buffer)
     * @param mayBeDuplicated whether an earlier attempt may have stored the record anyway
     */
    public RecordFailedException(String stream, String errorCode, String errorMessage, int attempts,
            boolean mayBeDuplicated) {
        this(describe(stream, errorCode, errorMessage, attempts), stream, errorCode, errorMessage, attempts,
                mayBeDuplicated);
    }

    /**
     * Creates the exception with a message of the caller's choice (for subtypes).
     *
     * @param message the exception message
     * @param stream the delivery stream the record was sent to
     * @param errorCode the error code
     * @param errorMessage the error message of the last attempt
     * @param attempts how many times the record was sent
     * @param mayBeDuplicated whether an earlier attempt may have stored the record anyway
     */
    protected RecordFailedException(String message, String stream, String errorCode, String errorMessage,
            int attempts, boolean mayBeDuplicated) {
        super(message);
        this.stream = stream;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.attempts = attempts;
        this.mayBeDuplicated = mayBeDuplicated;
    }

    private static String describe(String stream, String errorCode, String errorMessage, int attempts) {
        return "record for stream '" + stream + "' failed after " + attempts
                + (attempts == 1 ? " attempt: " : " attempts: ") + errorCode
                + (errorMessage == null || errorMessage.isEmpty() ? "" : " (" + errorMessage + ")");
    }

    /** @return the delivery stream the record was sent to */
    public String stream() {
        return stream;
    }

    /** @return the error code of the last attempt, or one of the producer's own codes */
    public String errorCode() {
        return errorCode;
    }

    /** @return the error message of the last attempt; may be empty */
    public String errorMessage() {
        return errorMessage;
    }

    /** @return how many requests carried this record (0 if it never left the buffer) */
    public int attempts() {
        return attempts;
    }

    /**
     * Whether the record may be stored by Firehose despite this failure: an earlier attempt ended
     * with an ambiguous outcome (the response was lost, or a server error other than
     * {@code ServiceUnavailableException}), so the endpoint may have kept it.
     *
     * @return true if the record may have been stored
     */
    public boolean mayBeDuplicated() {
        return mayBeDuplicated;
    }
}
