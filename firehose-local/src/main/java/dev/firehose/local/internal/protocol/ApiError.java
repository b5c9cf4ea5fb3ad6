package dev.firehose.local.internal.protocol;

import java.util.List;

/**
 * An error answer of the Firehose API: HTTP status, the {@code __type} code and a message.
 * Thrown inside request handling and turned into a response by the API that received the request ({@link Reply#error(ApiError)}); no stack trace.
 */
public final class ApiError extends RuntimeException {

    public static final String VALIDATION = "ValidationException";
    public static final String SERIALIZATION = "SerializationException";
    public static final String INVALID_ARGUMENT = "InvalidArgumentException";
    public static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";
    public static final String RESOURCE_IN_USE = "ResourceInUseException";
    public static final String LIMIT_EXCEEDED = "LimitExceededException";
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailableException";
    public static final String INTERNAL_FAILURE = "InternalFailure";
    public static final String UNKNOWN_OPERATION = "UnknownOperationException";
    public static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationTokenException";

    /** The message the service gives throttled requests and entries. */
    public static final String SLOW_DOWN = "Slow down.";

    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiError validation(List<String> problems) {
        int n = problems.size();
        String message = n + (n == 1 ? " validation error detected: " : " validation errors detected: ")
                + String.join("; ", problems);
        return new ApiError(400, VALIDATION, message);
    }

    public static ApiError serialization(String message) {
        return new ApiError(400, SERIALIZATION, message);
    }

    public static ApiError invalidArgument(String message) {
        return new ApiError(400, INVALID_ARGUMENT, message);
    }

    public static ApiError slowDown() {
        return new ApiError(503, SERVICE_UNAVAILABLE, SLOW_DOWN);
    }
}
