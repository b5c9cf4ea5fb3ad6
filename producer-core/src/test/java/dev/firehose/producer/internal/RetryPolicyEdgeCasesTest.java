package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

/** The edges of {@link RetryPolicy}: causes, a zero wait, a retry due exactly at the deadline, in-flight timeouts. */
class RetryPolicyEdgeCasesTest {

    private static final long T0 = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Classification THROTTLED =
            new Classification("ServiceUnavailableException", "Slow down.", true, true, false);
    private static final Classification NOT_FOUND =
            new Classification("ResourceNotFoundException", "no stream", false, false, false);

    private static ProducerEntry entry() {
        ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1, T0,
                T0 + TIMEOUT.toNanos(), new FlushTracker().enter());
        e.attempts = 1;
        return e;
    }

    @Test
    void aRequestFailureThatCannotBeRetriedCarriesTheClientsExceptionAsItsCause() {
        RetryPolicy policy = new RetryPolicy(5, IntervalFunction.of(Duration.ofMillis(100)), TIMEOUT);
        IOException cause = new IOException("refused");
        ProducerEntry e = entry();
        RetryPolicy.Decision d = policy.onFailure(e, NOT_FOUND, cause, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure().getCause()).isSameAs(cause);
        assertThat(e.lastErrorCode).isEqualTo("ResourceNotFoundException");
        assertThat(e.lastErrorMessage).isEqualTo("no stream");

        RetryPolicy.Decision entryFailure = policy.onFailure(entry(), NOT_FOUND, T0);
        assertThat(entryFailure.failure().getCause()).isNull();
    }

    @Test
    void anIntervalOfZeroRetriesAtOnce() {
        RetryPolicy policy = new RetryPolicy(Retry.of("zero", RetryConfig.custom().maxAttempts(3)
                .intervalFunction(attempt -> 0L).build()), TIMEOUT);
        RetryPolicy.Decision d = policy.onFailure(entry(), THROTTLED, T0);
        assertThat(d.retry()).isTrue();
        assertThat(d.retryAtNanos()).isEqualTo(T0);
    }

    @Test
    void aRetryDueExactlyAtTheDeadlineIsADeliveryTimeoutAndOneJustBeforeItIsNot() {
        RetryPolicy policy = new RetryPolicy(5, IntervalFunction.of(Duration.ofMillis(100)), TIMEOUT);
        long hundredMs = TimeUnit.MILLISECONDS.toNanos(100);

        RetryPolicy.Decision atDeadline = policy.onFailure(entry(), THROTTLED, T0 + TIMEOUT.toNanos() - hundredMs);
        assertThat(atDeadline.failure()).isInstanceOf(DeliveryTimeoutException.class);

        RetryPolicy.Decision justBefore = policy.onFailure(entry(), THROTTLED,
                T0 + TIMEOUT.toNanos() - hundredMs - 1);
        assertThat(justBefore.retry()).isTrue();
        assertThat(justBefore.retryAtNanos()).isEqualTo(T0 + TIMEOUT.toNanos() - 1);
    }

    @Test
    void aRecordTimedOutInFlightNamesItsLastErrorOrNoResponseAndIsFlaggedIfItMayHaveBeenStored() {
        RetryPolicy policy = new RetryPolicy(5, IntervalFunction.of(Duration.ofMillis(100)), TIMEOUT);
        ProducerEntry neverAnswered = entry();

        DeliveryTimeoutException unsent = policy.deliveryTimeoutInFlight(neverAnswered, false);
        assertThat(unsent.lastErrorCode()).isEqualTo("NoResponse");
        assertThat(unsent.errorCode()).isEqualTo(RecordFailedException.DELIVERY_TIMEOUT);
        assertThat(unsent.mayBeDuplicated()).isFalse();
        assertThat(unsent.attempts()).isEqualTo(1);
        assertThat(policy.deliveryTimeoutInFlight(neverAnswered, true).mayBeDuplicated()).isTrue();

        ProducerEntry failedBefore = entry();
        policy.onFailure(failedBefore, new Classification("InternalFailure", "boom", true, false, true), T0);
        DeliveryTimeoutException afterFailure = policy.deliveryTimeoutInFlight(failedBefore, false);
        assertThat(afterFailure.lastErrorCode()).isEqualTo("InternalFailure");
        assertThat(afterFailure.mayBeDuplicated()).as("an earlier ambiguous failure").isTrue();
    }

    @Test
    void theRetryItWasGivenIsTheOneItUses() {
        Retry retry = Retry.ofDefaults("mine");
        assertThat(new RetryPolicy(retry, TIMEOUT).retry()).isSameAs(retry);
    }

    @Test
    void anEventConsumerThatThrowsOnSuccessDoesNotStopTheRecordFromBeingDelivered() {
        Retry retry = Retry.of("throwing", RetryConfig.custom().maxAttempts(3).build());
        retry.getEventPublisher().onSuccess(event -> {
            throw new IllegalStateException("consumer bug");
        });
        RetryPolicy policy = new RetryPolicy(retry, TIMEOUT);
        ProducerEntry e = entry();
        assertThat(policy.onFailure(e, THROTTLED, T0).retry()).isTrue();
        e.attempts++;
        RetryPolicy.onSuccess(e);
        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    }
}
