package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
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
        return FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg " + code).build()).build();
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
}
