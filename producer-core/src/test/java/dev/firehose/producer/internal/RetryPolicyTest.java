package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

class RetryPolicyTest {

    private static final long T0 = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Classification THROTTLED =
            new Classification("ServiceUnavailableException", "Slow down.", true, true, false);
    private static final Classification SERVER_ERROR = new Classification("InternalFailure", "boom", true, false, true);
    private static final Classification NOT_FOUND =
            new Classification("ResourceNotFoundException", "no stream", false, false, false);

    private static ProducerEntry entry() {
        return new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1, T0,
                T0 + TIMEOUT.toNanos(), new FlushTracker().enter());
    }

    /** One more attempt of the entry failed with {@code failure}: what the sender does. */
    private static RetryPolicy.Decision attemptFails(RetryPolicy policy, ProducerEntry e, Classification failure,
            long now) {
        e.attempts++;
        return policy.onFailure(e, failure, now);
    }

    private final RetryPolicy exponential = new RetryPolicy(5,
            IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2.0), TIMEOUT);

    @Test
    void aRetryableFailureIsRetriedAfterTheIntervalFunctionsBackoffForThatAttempt() {
        ProducerEntry e = entry();
        RetryPolicy.Decision first = attemptFails(exponential, e, THROTTLED, T0);
        attemptFails(exponential, e, THROTTLED, T0);
        RetryPolicy.Decision third = attemptFails(exponential, e, THROTTLED, T0);
        assertThat(first.retry()).isTrue();
        assertThat(first.retryAtNanos()).isEqualTo(T0 + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(third.retryAtNanos()).isEqualTo(T0 + TimeUnit.MILLISECONDS.toNanos(400));
    }

    @Test
    void theLastAllowedAttemptFailsWithTheLastErrorCode() {
        ProducerEntry e = entry();
        for (int i = 1; i < 5; i++) {
            assertThat(attemptFails(exponential, e, THROTTLED, T0).retry()).isTrue();
        }
        RetryPolicy.Decision d = attemptFails(exponential, e, THROTTLED, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure()).isExactlyInstanceOf(RecordFailedException.class);
        assertThat(d.failure().errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(d.failure().errorMessage()).isEqualTo("Slow down.");
        assertThat(d.failure().attempts()).isEqualTo(5);
        assertThat(d.failure()).hasMessage(
                "record for stream 's' failed after 5 attempts: ServiceUnavailableException (Slow down.)");
    }

    @Test
    void aFatalErrorFailsAtOnceWhateverTheRetryPredicateSays() {
        RetryPolicy retryEverything = new RetryPolicy(Retry.of("all", RetryConfig.custom().maxAttempts(100)
                .retryOnException(t -> true).build()), TIMEOUT);
        for (RetryPolicy policy : List.of(exponential, retryEverything)) {
            RetryPolicy.Decision d = attemptFails(policy, entry(), NOT_FOUND, T0);
            assertThat(d.retry()).isFalse();
            assertThat(d.failure().errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(d.failure().attempts()).isEqualTo(1);
        }
    }

    @Test
    void aRetryThatWouldStartAfterTheDeadlineFailsWithADeliveryTimeout() {
        ProducerEntry e = entry();
        attemptFails(exponential, e, THROTTLED, T0);
        RetryPolicy.Decision d = attemptFails(exponential, e, THROTTLED, T0 + TIMEOUT.toNanos() - 1);
        assertThat(d.failure()).isInstanceOf(DeliveryTimeoutException.class);
        assertThat(d.failure().errorCode()).isEqualTo(RecordFailedException.DELIVERY_TIMEOUT);
        assertThat(((DeliveryTimeoutException) d.failure()).lastErrorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(d.failure().getMessage()).contains("60000 ms").contains("after 2 attempts");
    }

    @Test
    void anAmbiguousFailureMarksTheRecordAsPossiblyDuplicatedForGood() {
        ProducerEntry e = entry();
        attemptFails(exponential, e, SERVER_ERROR, T0);
        assertThat(e.mayBeDuplicated).isTrue();
        RetryPolicy.Decision d = attemptFails(exponential, e, THROTTLED, T0);
        assertThat(e.mayBeDuplicated).isTrue();
        assertThat(d.retry()).isTrue();
        attemptFails(exponential, e, THROTTLED, T0);
        attemptFails(exponential, e, THROTTLED, T0);
        assertThat(attemptFails(exponential, e, THROTTLED, T0).failure().mayBeDuplicated()).isTrue();
    }

    @Test
    void theDefaultBackoffIsExponentialWithJitterWithinItsBounds() {
        RetryPolicy policy = new RetryPolicy(Retry.of("default", ProducerConfig.defaults().retryConfig()),
                Duration.ofHours(1));
        for (int i = 0; i < 200; i++) {
            ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1,
                    T0, T0 + Duration.ofHours(1).toNanos(), new FlushTracker().enter());
            List<Long> waits = new ArrayList<>();
            for (int attempt = 1; attempt <= 9; attempt++) {
                waits.add(TimeUnit.NANOSECONDS.toMillis(attemptFails(policy, e, THROTTLED, T0).retryAtNanos() - T0));
            }
            assertThat(waits.get(0)).isBetween(50L, 150L);
            assertThat(waits.get(3)).isBetween(400L, 1200L);
            assertThat(waits.get(8)).isLessThanOrEqualTo(5000L);
            // The tenth attempt is the last of the default ten.
            assertThat(attemptFails(policy, e, THROTTLED, T0).retry()).isFalse();
        }
    }

    @Test
    void aRetryWhoseIntervalFunctionThrowsFailsTheRecordWithThatExceptionAsItsCause() {
        IllegalStateException bug = new IllegalStateException("bug in the application's interval function");
        RetryPolicy policy = new RetryPolicy(Retry.of("broken", RetryConfig.custom()
                .intervalBiFunction((attempt, either) -> {
                    throw bug;
                }).build()), TIMEOUT);
        RetryPolicy.Decision d = attemptFails(policy, entry(), THROTTLED, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure().getCause()).isSameAs(bug);
        assertThat(d.failure().errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(d.failure().getMessage()).contains("retry policy threw");
    }

    @Test
    void theRetrysPredicateSeesTheErrorCodeAndCanRefuseARetry() {
        RetryPolicy policy = new RetryPolicy(Retry.of("no-internal", RetryConfig.custom().maxAttempts(5)
                .retryOnException(t -> !"InternalFailure".equals(((RecordFailedException) t).errorCode()))
                .build()), TIMEOUT);
        assertThat(attemptFails(policy, entry(), THROTTLED, T0).retry()).isTrue();
        RetryPolicy.Decision d = attemptFails(policy, entry(), SERVER_ERROR, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure().errorCode()).isEqualTo("InternalFailure");
    }

    @Test
    void theRetrysMetricsCountRecordsThatSucceededAfterRetriesAndRecordsThatFailed() {
        Retry retry = RetryRegistry.of(RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10))
                .build()).retry("firehose");
        RetryPolicy policy = new RetryPolicy(retry, TIMEOUT);
        List<ProducerEntry> recovered = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ProducerEntry e = entry();
            attemptFails(policy, e, THROTTLED, T0);
            e.attempts++;
            RetryPolicy.onSuccess(e);
            recovered.add(e);
        }
        for (int i = 0; i < 2; i++) {
            ProducerEntry e = entry();
            attemptFails(policy, e, THROTTLED, T0);
            attemptFails(policy, e, THROTTLED, T0);
            assertThat(attemptFails(policy, e, THROTTLED, T0).retry()).isFalse();
        }
        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(4);
        assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(2);
    }
}
