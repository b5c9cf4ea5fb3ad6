package dev.firehose.producer.internal;

import dev.firehose.producer.RecordFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place that decides what a failure means: whether retrying can help, whether it is
 * throttling, and whether the outcome is ambiguous (the service may have stored the records).
 */
final class ErrorClassifier {

    /** The per-entry and whole-request code of Firehose throttling ("Slow down.") and of 503s. */
    static final String SERVICE_UNAVAILABLE = "ServiceUnavailableException";
    /** The per-entry code of an internal failure; the entry was not stored. */
    static final String INTERNAL_FAILURE = "InternalFailure";

    /** Request errors that retrying cannot fix. */
    private static final Set<String> FATAL_CODES = Set.of(
            "ResourceNotFoundException", "InvalidArgumentException", "InvalidKMSResourceException",
            "InvalidSourceException", "AccessDeniedException", "AccessDenied", "NotAuthorized",
            "UnrecognizedClientException", "InvalidClientTokenId", "IncompleteSignature",
            "InvalidSignatureException", "MissingAuthenticationToken", "ExpiredTokenException",
            "ValidationException", "SerializationException", "UnknownOperationException");

    /** Throttling codes besides ServiceUnavailableException. */
    private static final Set<String> THROTTLING_CODES = Set.of(
            "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
            "LimitExceededException", "ProvisionedThroughputExceededException", "SlowDown");

    /** Codes of a request whose clock was off; the SDK corrects its offset, so a retry can succeed. */
    private static final Set<String> CLOCK_SKEW_CODES = Set.of(
            "RequestTimeTooSkewed", "RequestExpired", "SignatureDoesNotMatch");

    /**
     * What a failure means.
     *
     * @param code the error code reported to the user and in metrics
     * @param message the error message
     * @param retryable whether another attempt can succeed
     * @param throttled whether the service asked to slow down
     * @param ambiguous whether the service may have stored the records despite the failure
     */
    record Classification(String code, String message, boolean retryable, boolean throttled, boolean ambiguous) {
    }

    private ErrorClassifier() {
    }

    /** Classifies the ErrorCode of one entry of a PutRecordBatch response. Failed entries were not stored. */
    static Classification classifyEntry(String code, String message) {
        boolean throttled = SERVICE_UNAVAILABLE.equals(code) || THROTTLING_CODES.contains(code);
        // The service only reports ServiceUnavailableException and InternalFailure per entry; both are
        // transient. An unknown code is treated as transient too: the deadline still bounds the retries.
        return new Classification(code, message == null ? "" : message, true, throttled, false);
    }

    /** Classifies the failure of a whole request. */
    static Classification classifyRequest(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null
                    ? aws.awsErrorDetails().errorCode() : aws.getClass().getSimpleName();
            String message = aws.awsErrorDetails() != null && aws.awsErrorDetails().errorMessage() != null
                    ? aws.awsErrorDetails().errorMessage() : String.valueOf(aws.getMessage());
            return classifyService(code, message, aws.statusCode(), aws.isThrottlingException());
        }
        if (t instanceof SdkServiceException service) {
            return classifyService(service.getClass().getSimpleName(), String.valueOf(service.getMessage()),
                    service.statusCode(), service.isThrottlingException());
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return new Classification(RecordFailedException.API_CALL_TIMEOUT, t.getMessage(), true, false, true);
        }
        if (t instanceof CancellationException) {
            return new Classification(RecordFailedException.CLIENT_ERROR, "request cancelled", true, false, true);
        }
        if (has(t, ConnectException.class)) {
            // The connection was never made, so nothing can have been stored.
            return new Classification(RecordFailedException.IO_ERROR, rootMessage(t), true, false, false);
        }
        if (has(t, IOException.class) || has(t, TimeoutException.class) || isNettyChannelError(t)) {
            return new Classification(RecordFailedException.IO_ERROR, rootMessage(t), true, false, true);
        }
        if (t instanceof SdkClientException && t.getCause() == null && String.valueOf(t.getMessage())
                .contains("Unable to execute HTTP request")) {
            return new Classification(RecordFailedException.IO_ERROR, t.getMessage(), true, false, true);
        }
        // Anything else (no credentials, no region, a bug in a custom client) will not heal by retrying.
        return new Classification(RecordFailedException.CLIENT_ERROR,
                t.getClass().getSimpleName() + ": " + rootMessage(t), false, false, false);
    }

    private static Classification classifyService(String code, String message, int status, boolean sdkThrottling) {
        if (SERVICE_UNAVAILABLE.equals(code) || THROTTLING_CODES.contains(code) || sdkThrottling || status == 429) {
            // Refused before storing anything: the service's way of saying "Slow down."
            return new Classification(code, message, true, true, false);
        }
        if (FATAL_CODES.contains(code)) {
            return new Classification(code, message, false, false, false);
        }
        if (CLOCK_SKEW_CODES.contains(code)) {
            return new Classification(code, message, true, false, false);
        }
        if (status >= 500) {
            // A server error other than ServiceUnavailable: the request may have been processed.
            return new Classification(code, message, true, false, true);
        }
        // Any other 4xx is a request the service will refuse again.
        return new Classification(code, message, status <= 0, false, status <= 0);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNettyChannelError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String name = c.getClass().getName();
            if (name.startsWith("io.netty.") && (name.contains("Channel") || name.contains("Closed"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage())
                : t.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
