package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
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

    private static ProducerEntry entry(int attempts) {
        ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1, T0,
                T0 + TIMEOUT.toNanos(), new FlushTracker().enter());
        e.attempts = attempts;
        return e;
    }

    private final RetryPolicy exponential = new RetryPolicy(5,
            IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2.0), TIMEOUT);

    @Test
    void aRetryableFailureIsRetriedAfterTheIntervalFunctionsBackoff() {
        RetryPolicy.Decision first = exponential.onFailure(entry(1), THROTTLED, T0);
        RetryPolicy.Decision third = exponential.onFailure(entry(3), THROTTLED, T0);
        assertThat(first.retry()).isTrue();
        assertThat(first.retryAtNanos()).isEqualTo(T0 + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(third.retryAtNanos()).isEqualTo(T0 + TimeUnit.MILLISECONDS.toNanos(400));
    }

    @Test
    void theLastAllowedAttemptFailsWithTheLastErrorCode() {
        RetryPolicy.Decision d = exponential.onFailure(entry(5), THROTTLED, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure()).isExactlyInstanceOf(RecordFailedException.class);
        assertThat(d.failure().errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(d.failure().errorMessage()).isEqualTo("Slow down.");
        assertThat(d.failure().attempts()).isEqualTo(5);
        assertThat(d.failure()).hasMessage(
                "record for stream 's' failed after 5 attempts: ServiceUnavailableException (Slow down.)");
    }

    @Test
    void aFatalErrorFailsAtOnce() {
        RetryPolicy.Decision d = exponential.onFailure(entry(1), NOT_FOUND, T0);
        assertThat(d.retry()).isFalse();
        assertThat(d.failure().errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(d.failure().attempts()).isEqualTo(1);
    }

    @Test
    void aRetryThatWouldStartAfterTheDeadlineFailsWithADeliveryTimeout() {
        ProducerEntry e = entry(2);
        RetryPolicy.Decision d = exponential.onFailure(e, THROTTLED, T0 + TIMEOUT.toNanos() - 1);
        assertThat(d.failure()).isInstanceOf(DeliveryTimeoutException.class);
        assertThat(d.failure().errorCode()).isEqualTo(RecordFailedException.DELIVERY_TIMEOUT);
        assertThat(((DeliveryTimeoutException) d.failure()).lastErrorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(d.failure().getMessage()).contains("60000 ms").contains("after 2 attempts");
    }

    @Test
    void anAmbiguousFailureMarksTheRecordAsPossiblyDuplicatedForGood() {
        ProducerEntry e = entry(1);
        exponential.onFailure(e, SERVER_ERROR, T0);
        assertThat(e.mayBeDuplicated).isTrue();
        e.attempts++;
        RetryPolicy.Decision d = exponential.onFailure(e, THROTTLED, T0);
        assertThat(e.mayBeDuplicated).isTrue();
        assertThat(d.retry()).isTrue();
        e.attempts = 5;
        assertThat(exponential.onFailure(e, THROTTLED, T0).failure().mayBeDuplicated()).isTrue();
    }

    @Test
    void theDefaultBackoffIsExponentialWithJitterWithinItsBounds() {
        RetryPolicy policy = new RetryPolicy(10, ProducerConfig.DEFAULT_RETRY_INTERVAL, TIMEOUT);
        for (int i = 0; i < 200; i++) {
            long first = TimeUnit.NANOSECONDS.toMillis(policy.backoffNanos(1));
            long fourth = TimeUnit.NANOSECONDS.toMillis(policy.backoffNanos(4));
            long tenth = TimeUnit.NANOSECONDS.toMillis(policy.backoffNanos(10));
            assertThat(first).isBetween(50L, 150L);
            assertThat(fourth).isBetween(400L, 1200L);
            assertThat(tenth).isLessThanOrEqualTo(5000L);
        }
    }
}
