package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ConnectExceptionSupport;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

class ErrorClassifierTest {

    private static AwsServiceException service(String code, int status) {
        return service(code, "msg " + code, status);
    }

    private static AwsServiceException service(String code, String message, int status) {
        return FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /** How the SDK reports an exception of its HTTP client (RetryableStageHelper.setLastException). */
    private static CompletionException sdkIo(Throwable cause) {
        return new CompletionException(
                SdkClientException.create("Unable to execute HTTP request: " + cause.getMessage(), cause));
    }

    private static void assertNotSent(Classification c) {
        assertThat(c.code()).isEqualTo(RecordFailedException.IO_ERROR);
        assertThat(c.retryable()).isTrue();
        assertThat(c.throttled()).isFalse();
        assertThat(c.ambiguous()).as("nothing was sent, so nothing can have been stored").isFalse();
    }

    @Test
    void aThrottledEntryIsRetryableThrottlingAndWasNotStored() {
        Classification c = ErrorClassifier.classifyEntry("ServiceUnavailableException", "Slow down.");
        assertThat(c).isEqualTo(new Classification("ServiceUnavailableException", "Slow down.", true, true, false));
    }

    @Test
    void anEntryInternalFailureIsRetryableAndWasNotStored() {
        Classification c = ErrorClassifier.classifyEntry("InternalFailure", "oops");
        assertThat(c.retryable()).isTrue();
        assertThat(c.throttled()).isFalse();
        assertThat(c.ambiguous()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResourceNotFoundException", "InvalidArgumentException", "InvalidKMSResourceException",
        "InvalidSourceException", "AccessDeniedException", "NotAuthorized", "UnrecognizedClientException",
        "ValidationException"})
    void requestErrorsThatRetryingCannotFixAreFatal(String code) {
        Classification c = ErrorClassifier.classifyRequest(new CompletionException(service(code, 400)));
        assertThat(c.code()).isEqualTo(code);
        assertThat(c.retryable()).isFalse();
        assertThat(c.message()).isEqualTo("msg " + code);
    }

    @Test
    void theSdksModelledExceptionsAreClassifiedByTheirCode() {
        ResourceNotFoundException notFound = ResourceNotFoundException.builder()
                .statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ResourceNotFoundException").errorMessage("no such stream").build()).build();
        assertThat(ErrorClassifier.classifyRequest(notFound).retryable()).isFalse();

        ServiceUnavailableException slowDown = ServiceUnavailableException.builder()
                .statusCode(503).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ServiceUnavailableException").errorMessage("Slow down.").build()).build();
        Classification c = ErrorClassifier.classifyRequest(slowDown);
        assertThat(c.retryable()).isTrue();
        assertThat(c.throttled()).isTrue();
        assertThat(c.ambiguous()).isFalse();
    }

    @Test
    void aServerErrorOtherThanServiceUnavailableIsRetryableButAmbiguous() {
        Classification c = ErrorClassifier.classifyRequest(service("InternalFailure", 500));
        assertThat(c.retryable()).isTrue();
        assertThat(c.throttled()).isFalse();
        assertThat(c.ambiguous()).isTrue();
    }

    @Test
    void otherClientErrorsAreFatalButThrottlingCodesAreNot() {
        assertThat(ErrorClassifier.classifyRequest(service("SomethingNew", 400)).retryable()).isFalse();
        Classification throttled = ErrorClassifier.classifyRequest(service("ThrottlingException", 400));
        assertThat(throttled.retryable()).isTrue();
        assertThat(throttled.throttled()).isTrue();
        assertThat(ErrorClassifier.classifyRequest(service("TooManyRequests", 429)).throttled()).isTrue();
    }

    @Test
    void aTimeoutIsRetryableAndAmbiguous() {
        Classification c = ErrorClassifier.classifyRequest(
                new CompletionException(ApiCallTimeoutException.create(1000)));
        assertThat(c.code()).isEqualTo(RecordFailedException.API_CALL_TIMEOUT);
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).isTrue();
    }

    @Test
    void anIoErrorAfterConnectingIsAmbiguousButARefusedConnectionIsNot() {
        Classification reset = ErrorClassifier.classifyRequest(new CompletionException(
                SdkClientException.create("Unable to execute HTTP request", new IOException("Connection reset"))));
        assertThat(reset.code()).isEqualTo(RecordFailedException.IO_ERROR);
        assertThat(reset.retryable()).isTrue();
        assertThat(reset.ambiguous()).isTrue();

        Classification refused = ErrorClassifier.classifyRequest(new CompletionException(
                SdkClientException.create("Unable to execute HTTP request", new ConnectException("refused"))));
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.ambiguous()).isFalse();
    }

    @Test
    void aClientErrorWithoutIoIsFatal() {
        Classification c = ErrorClassifier.classifyRequest(SdkClientException.create("Unable to load credentials"));
        assertThat(c.code()).isEqualTo(RecordFailedException.CLIENT_ERROR);
        assertThat(c.retryable()).isFalse();
        assertThat(ErrorClassifier.classifyRequest(new IllegalStateException("bug")).retryable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Signature expired: 20261129T100000Z is now earlier than 20261129T105500Z (20261129T110000Z - 5 min.)",
        "Signature not yet current: 20261129T120000Z is still later than 20261129T110500Z (20261129T110000Z + 5 min.)"})
    void anInvalidSignatureFromASkewedClockIsRetryableAndWasNotStored(String message) {
        Classification c = ErrorClassifier.classifyRequest(service("InvalidSignatureException", message, 400));
        assertThat(c).isEqualTo(new Classification("InvalidSignatureException", message, true, false, false));
    }

    @Test
    void anyOtherInvalidSignatureIsFatal() {
        Classification c = ErrorClassifier.classifyRequest(service("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.", 400));
        assertThat(c.retryable()).isFalse();
        assertThat(c.ambiguous()).isFalse();
    }

    @Test
    void aSignatureThatDoesNotMatchIsAWrongKeyAndFatal() {
        Classification c = ErrorClassifier.classifyRequest(service("SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.", 403));
        assertThat(c.retryable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"})
    void clockSkewCodesAreRetryableAndWereNotStored(String code) {
        Classification c = ErrorClassifier.classifyRequest(service(code, 400));
        assertThat(c.retryable()).isTrue();
        assertThat(c.throttled()).isFalse();
        assertThat(c.ambiguous()).isFalse();
    }

    @Test
    void anUnknownHostWasNotSent() {
        assertNotSent(ErrorClassifier.classifyRequest(
                sdkIo(new UnknownHostException("firehose.us-east-1.amazonaws.com"))));
        // Wrapped deeper, as an HTTP client may.
        assertNotSent(ErrorClassifier.classifyRequest(
                sdkIo(new IOException("lookup failed", new UnknownHostException("no-such-host")))));
    }

    @Test
    void anApache5ConnectTimeoutWasNotSent() {
        // What Apache 5's DefaultHttpClientConnectionOperator throws: ConnectExceptionSupport.enhance.
        IOException timeout = ConnectExceptionSupport.enhance(
                new SocketTimeoutException("Connect timed out"), null);
        assertThat(timeout).isInstanceOf(ConnectTimeoutException.class);
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(timeout)));
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(new ConnectTimeoutException("Connect to host timed out"))));
    }

    @Test
    void anApache5RefusedConnectionWasNotSent() {
        IOException refused = ConnectExceptionSupport.enhance(new ConnectException("Connection refused"), null);
        assertThat(refused).isInstanceOf(HttpHostConnectException.class);
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(refused)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect timed out", "Connect timed out"})
    void aJdkSocketConnectTimeoutWasNotSentButAReadTimeoutMayHaveBeen(String message) {
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(new SocketTimeoutException(message))));

        Classification read = ErrorClassifier.classifyRequest(sdkIo(new SocketTimeoutException("Read timed out")));
        assertThat(read.retryable()).isTrue();
        assertThat(read.ambiguous()).isTrue();
    }

    @Test
    void aNettyConnectTimeoutWasNotSent() {
        assertNotSent(ErrorClassifier.classifyRequest(
                sdkIo(new io.netty.channel.ConnectTimeoutException("connection timed out: /10.0.0.1:443"))));
    }

    @Test
    void anApache5PoolTimeoutWasNotSent() {
        // InternalExecRuntime turns the pool's timeout into this; the message is the pool's, as seen from the SDK.
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(new ConnectionRequestTimeoutException(
                "Timeout deadline: 200 MILLISECONDS, actual: 200 MILLISECONDS"))));
        // HttpRequester's wording, and Apache 4's.
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(new IOException("Connection request timeout"))));
        assertNotSent(ErrorClassifier.classifyRequest(
                sdkIo(new IOException("Timeout waiting for connection from pool"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acquire operation took longer than configured maximum time",
        "Acquire operation took longer then configured maximum time",
        "Acquire operation took longer than 10000 milliseconds."})
    void aNettyPoolTimeoutWasNotSent(String poolMessage) {
        // NettyUtils.decorateException wraps the pool's TimeoutException in a Throwable with a long explanation.
        Throwable decorated = new Throwable("Acquire operation took longer than the configured maximum time. This "
                + "indicates that a request cannot get a connection from the pool within the specified maximum time.",
                new TimeoutException(poolMessage));
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(decorated)));
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(new TimeoutException(poolMessage))));
    }

    @Test
    void tooManyWaitingNettyAcquisitionsWereNotSent() {
        Throwable decorated = new Throwable("Maximum pending connection acquisitions exceeded. The request rate is "
                + "too high for the client to keep up.",
                new IllegalStateException("Too many outstanding acquire operations"));
        assertNotSent(ErrorClassifier.classifyRequest(sdkIo(decorated)));
    }

    @Test
    void otherTimeoutsMayHaveBeenStored() {
        Classification c = ErrorClassifier.classifyRequest(sdkIo(new TimeoutException("response timed out")));
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).isTrue();
    }
}
