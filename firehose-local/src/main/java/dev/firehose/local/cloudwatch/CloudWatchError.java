package dev.firehose.local.cloudwatch;

/**
 * A CloudWatch error answer, thrown by the operation handlers and turned into an RPC v2 CBOR error
 * response by {@link CloudWatchService}.
 *
 * <p>CloudWatch's model carries the {@code awsQueryCompatible} trait, so each error has two names:
 * the Smithy shape (sent as {@code __type}, e.g. {@code com.amazonaws.cloudwatch#InvalidParameterValueException},
 * which picks the SDK's exception class) and the older query-protocol code (sent in the
 * {@code x-amzn-query-error} header as {@code InvalidParameterValue;Sender}, which becomes the
 * exception's {@code awsErrorDetails().errorCode()}).
 */
final class CloudWatchError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final String SHAPE_NAMESPACE = "com.amazonaws.cloudwatch#";

    private final String shapeName;
    private final String queryCode;
    private final int status;

    private CloudWatchError(String shapeName, String queryCode, int status, String message) {
        super(message, null, false, false);
        this.shapeName = shapeName;
        this.queryCode = queryCode;
        this.status = status;
    }

    /** A required parameter is absent. */
    static CloudWatchError missingParameter(String parameter) {
        return new CloudWatchError("MissingRequiredParameterException", "MissingParameter", 400,
                "The parameter " + parameter + " is required.");
    }

    /** A parameter has a value the service does not accept. */
    static CloudWatchError invalidValue(String message) {
        return new CloudWatchError("InvalidParameterValueException", "InvalidParameterValue", 400, message);
    }

    /** Parameters that must not be used together, or one of which is needed. */
    static CloudWatchError invalidCombination(String message) {
        return new CloudWatchError("InvalidParameterCombinationException", "InvalidParameterCombination", 400, message);
    }

    /** A NextToken this endpoint did not hand out. */
    static CloudWatchError invalidNextToken(String token) {
        return new CloudWatchError("InvalidNextToken", "InvalidNextToken", 400,
                "The NextToken '" + token + "' is not valid.");
    }

    /** An operation this endpoint does not serve. */
    static CloudWatchError invalidAction(String operation) {
        return new CloudWatchError("InvalidAction", "InvalidAction", 400,
                "firehose-local does not serve the CloudWatch operation '" + operation
                        + "'; it serves " + String.join(", ", CloudWatchService.OPERATIONS) + ".");
    }

    /** A failure of this endpoint itself. */
    static CloudWatchError internal(String message) {
        return new CloudWatchError("InternalServiceFault", "InternalServiceError", 500, message);
    }

    /** The absolute shape id sent as {@code __type}. */
    String shapeId() {
        return SHAPE_NAMESPACE + shapeName;
    }

    /** The value of the {@code x-amzn-query-error} header: {@code <code>;Sender} or {@code <code>;Receiver}. */
    String queryErrorHeader() {
        return queryCode + (status >= 500 ? ";Receiver" : ";Sender");
    }

    int status() {
        return status;
    }

    /** The query-protocol error code, e.g. {@code InvalidParameterValue}. */
    String queryCode() {
        return queryCode;
    }
}
