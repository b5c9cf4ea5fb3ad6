package dev.firehose.producer.internal;

import dev.firehose.producer.RecordFailedException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
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
            "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationToken",
            "ExpiredTokenException", "ValidationException", "SerializationException", "UnknownOperationException");

    /** Throttling codes besides ServiceUnavailableException. */
    private static final Set<String> THROTTLING_CODES = Set.of(
            "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
            "LimitExceededException", "ProvisionedThroughputExceededException", "SlowDown");

    /**
     * Codes of a request whose clock was off: the SDK corrects its clock offset from the answer's
     * {@code Date} header even with its retries off, so the next attempt can succeed. (Not
     * {@code SignatureDoesNotMatch}: that is a wrong secret key, and retrying it cannot help.)
     */
    private static final Set<String> CLOCK_SKEW_CODES = Set.of(
            "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture");

    /** The code Firehose uses both for a bad signature (fatal) and for a skewed clock (see {@link #SKEW_MESSAGES}). */
    private static final String INVALID_SIGNATURE = "InvalidSignatureException";

    /**
     * How the service words an {@code InvalidSignatureException} caused by the clock: "Signature
     * expired: 20261129T100000Z is now earlier than ..." and "Signature not yet current: ... is still
     * later than ...".
     */
    private static final List<String> SKEW_MESSAGES = List.of("signature expired", "signature not yet current");

    /**
     * Exceptions, by class name and including subclasses, that mean the request never left the
     * client: the connection was not made, or no pooled connection was free in time. Names rather
     * than classes, so that the classifier links whichever HTTP client is on the classpath.
     */
    private static final Set<String> NOT_SENT_TYPES = Set.of(
            // Refused; also Apache's HttpHostConnectException and Netty's ConnectTimeoutException.
            "java.net.ConnectException",
            "java.net.UnknownHostException",
            "java.net.NoRouteToHostException",
            "java.net.http.HttpConnectTimeoutException",
            "org.apache.hc.client5.http.ConnectTimeoutException",
            "org.apache.hc.core5.http.ConnectionRequestTimeoutException",
            "org.apache.http.conn.ConnectTimeoutException", // Apache 4, also its ConnectionPoolTimeoutException
            "io.netty.channel.ConnectTimeoutException");

    /**
     * Messages of exceptions that mean the request never left the client: a connect timeout of the
     * JDK socket, a wait for a pooled connection that timed out (Apache 4 and 5, the SDK's Netty
     * client, whose pool spells it "took longer than" and Netty's "took longer then"), and the
     * Netty client's limit of waiting acquisitions.
     */
    private static final List<String> NOT_SENT_MESSAGES = List.of(
            "connect timed out", "timeout waiting for connection from pool", "connection request timeout",
            "acquire operation took longer", "too many outstanding acquire operations",
            "maximum pending connection acquisitions exceeded");

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
        if (notSent(t)) {
            // The connection was never made or never obtained, so nothing can have been stored.
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
        if (isClockSkew(code, message)) {
            // Refused before storing anything; the SDK has corrected its clock for the next attempt.
            return new Classification(code, message, true, false, false);
        }
        if (FATAL_CODES.contains(code)) {
            return new Classification(code, message, false, false, false);
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

    private static boolean isClockSkew(String code, String message) {
        if (CLOCK_SKEW_CODES.contains(code)) {
            return true;
        }
        return INVALID_SIGNATURE.equals(code) && containsAny(message, SKEW_MESSAGES);
    }

    /** Whether the failure, anywhere in its cause chain, says the request never left the client. */
    private static boolean notSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<?> type = c.getClass(); type != null && type != Throwable.class; type = type.getSuperclass()) {
                if (NOT_SENT_TYPES.contains(type.getName())) {
                    return true;
                }
            }
            if (containsAny(c.getMessage(), NOT_SENT_MESSAGES)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(String message, List<String> lowerCaseParts) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (String part : lowerCaseParts) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
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
