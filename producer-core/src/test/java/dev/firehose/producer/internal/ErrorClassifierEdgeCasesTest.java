package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import io.netty.channel.ChannelException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.IllegalChannelGroupException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.firehose.model.FirehoseException;

/**
 * The corners of {@link ErrorClassifier}: exceptions without error details, the SDK's own service
 * exception, cancellation, wrapped and chained causes, the exact wording of the message a record
 * fails with.
 */
class ErrorClassifierEdgeCasesTest {

    @Test
    void anAwsExceptionWithoutErrorDetailsIsNamedByItsClassAndKeepsItsMessage() {
        AwsServiceException noDetails = AwsServiceException.builder().message("gateway broke").statusCode(502).build();
        Classification c = ErrorClassifier.classifyRequest(noDetails);
        assertThat(c.code()).isEqualTo("AwsServiceException");
        assertThat(c.message()).startsWith("gateway broke");
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).isTrue();
        assertThat(c.throttled()).isFalse();

        AwsServiceException emptyDetails = FirehoseException.builder().message("teapot").statusCode(418)
                .awsErrorDetails(AwsErrorDetails.builder().build()).build();
        Classification e = ErrorClassifier.classifyRequest(emptyDetails);
        assertThat(e.code()).isEqualTo("FirehoseException");
        assertThat(e.message()).startsWith("teapot");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void theSdksOwnServiceExceptionIsClassifiedByStatus() {
        Classification server = ErrorClassifier.classifyRequest(
                SdkServiceException.builder().message("oops").statusCode(500).build());
        assertThat(server).isEqualTo(new Classification("SdkServiceException", "oops", true, false, true));

        Classification throttled = ErrorClassifier.classifyRequest(
                SdkServiceException.builder().message("slow").statusCode(429).build());
        assertThat(throttled).isEqualTo(new Classification("SdkServiceException", "slow", true, true, false));

        Classification refused = ErrorClassifier.classifyRequest(
                SdkServiceException.builder().message("bad").statusCode(400).build());
        assertThat(refused).isEqualTo(new Classification("SdkServiceException", "bad", false, false, false));
    }

    @Test
    void aServiceErrorWithoutAnHttpStatusMayHaveBeenStoredAndIsRetried() {
        AwsServiceException noStatus = FirehoseException.builder().statusCode(0)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Unexpected").errorMessage("?").build()).build();
        assertThat(ErrorClassifier.classifyRequest(noStatus))
                .isEqualTo(new Classification("Unexpected", "?", true, false, true));

        AwsServiceException lastClientError = FirehoseException.builder().statusCode(499)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Closed").errorMessage("!").build()).build();
        assertThat(ErrorClassifier.classifyRequest(lastClientError))
                .isEqualTo(new Classification("Closed", "!", false, false, false));
    }

    @Test
    void anAttemptTimeoutIsRetryableAndAmbiguous() {
        Classification c = ErrorClassifier.classifyRequest(new CompletionException(
                ApiCallAttemptTimeoutException.builder().message("attempt timed out").build()));
        assertThat(c).isEqualTo(new Classification(RecordFailedException.API_CALL_TIMEOUT, "attempt timed out", true,
                false, true));
    }

    @Test
    void aCancelledCallIsRetryableAndAmbiguous() {
        Classification c = ErrorClassifier.classifyRequest(new CompletionException(new CancellationException()));
        assertThat(c).isEqualTo(new Classification(RecordFailedException.CLIENT_ERROR, "request cancelled", true,
                false, true));
    }

    @Test
    void executionAndCompletionWrappersAreLookedThroughButAnEmptyWrapperIsTheError() {
        Classification wrapped = ErrorClassifier.classifyRequest(
                new ExecutionException(new CompletionException(new CancellationException())));
        assertThat(wrapped.message()).isEqualTo("request cancelled");

        Classification empty = ErrorClassifier.classifyRequest(new CompletionException("nothing inside", null));
        assertThat(empty).isEqualTo(new Classification(RecordFailedException.CLIENT_ERROR,
                "CompletionException: nothing inside", false, false, false));
    }

    @Test
    void anIoErrorWithoutAMessageMayHaveBeenStored() {
        Classification c = ErrorClassifier.classifyRequest(new IOException());
        assertThat(c.code()).isEqualTo(RecordFailedException.IO_ERROR);
        assertThat(c.ambiguous()).isTrue();
        assertThat(c.message()).isEqualTo("null");
    }

    @Test
    void theMessageOfAChainedErrorNamesItsRootCause() {
        Classification c = ErrorClassifier.classifyRequest(
                new IOException("read failed", new SocketTimeoutException("Read timed out")));
        assertThat(c.message()).isEqualTo("read failed (SocketTimeoutException: Read timed out)");
        assertThat(c.ambiguous()).isTrue();

        Classification alone = ErrorClassifier.classifyRequest(new IOException("reset"));
        assertThat(alone.message()).isEqualTo("reset");
    }

    @Test
    void aNettyChannelErrorAnywhereInTheChainMayHaveBeenStored() {
        Classification direct = ErrorClassifier.classifyRequest(new ChannelException("channel gone"));
        assertThat(direct.code()).isEqualTo(RecordFailedException.IO_ERROR);
        assertThat(direct.retryable()).isTrue();
        assertThat(direct.ambiguous()).isTrue();

        Classification nested = ErrorClassifier.classifyRequest(
                new IllegalStateException("wrapper", new ChannelException("channel gone")));
        assertThat(nested.code()).isEqualTo(RecordFailedException.IO_ERROR);
        assertThat(nested.ambiguous()).isTrue();
    }

    @Test
    void otherNettyErrorsAndNonNettyChannelErrorsAreFatal() {
        Classification decoder = ErrorClassifier.classifyRequest(new DecoderException("bad frame"));
        assertThat(decoder.code()).isEqualTo(RecordFailedException.CLIENT_ERROR);
        assertThat(decoder.retryable()).isFalse();

        Classification jdk = ErrorClassifier.classifyRequest(new IllegalChannelGroupException());
        assertThat(jdk.code()).isEqualTo(RecordFailedException.CLIENT_ERROR);
        assertThat(jdk.retryable()).isFalse();
    }

    @Test
    void onlyAnSdkClientErrorThatSaysTheHttpRequestFailedWithoutACauseIsAnIoError() {
        Classification bare = ErrorClassifier.classifyRequest(
                SdkClientException.create("Unable to execute HTTP request: connection reset"));
        assertThat(bare).isEqualTo(new Classification(RecordFailedException.IO_ERROR,
                "Unable to execute HTTP request: connection reset", true, false, true));

        Classification withCause = ErrorClassifier.classifyRequest(SdkClientException.create(
                "Unable to execute HTTP request: bug", new IllegalStateException("bug")));
        assertThat(withCause.code()).isEqualTo(RecordFailedException.CLIENT_ERROR);
        assertThat(withCause.retryable()).isFalse();

        Classification other = ErrorClassifier.classifyRequest(SdkClientException.create("Unable to load region"));
        assertThat(other.code()).isEqualTo(RecordFailedException.CLIENT_ERROR);
        assertThat(other.retryable()).isFalse();
    }
}
