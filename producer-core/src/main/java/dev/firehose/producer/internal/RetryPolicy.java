package dev.firehose.producer.internal;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.RecordFailedException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides what happens to a record after a failed attempt: retry it after a backoff (a
 * Resilience4j {@link IntervalFunction}), or fail it because the error is not retryable, the
 * attempts are used up, or the next attempt could not start before the record's deadline.
 * Stateless and thread-safe; the entry it is given belongs to the sender thread.
 */
final class RetryPolicy {

    /** What to do with a record: retry it at {@code retryAtNanos}, or fail it with {@code failure}. */
    record Decision(long retryAtNanos, RecordFailedException failure) {
        boolean retry() {
            return failure == null;
        }
    }

    private final int maxAttempts;
    private final IntervalFunction interval;
    private final Duration deliveryTimeout;

    RetryPolicy(int maxAttempts, IntervalFunction interval, Duration deliveryTimeout) {
        this.maxAttempts = maxAttempts;
        this.interval = interval;
        this.deliveryTimeout = deliveryTimeout;
    }

    /**
     * Records the failure on the entry (error, ambiguity) and decides its fate.
     *
     * @param entry the record whose attempt failed; {@code entry.attempts} counts that attempt
     * @param failure what the failure means
     * @param now the current time in nanoseconds
     */
    Decision onFailure(ProducerEntry entry, ErrorClassifier.Classification failure, long now) {
        entry.lastErrorCode = failure.code();
        entry.lastErrorMessage = failure.message();
        if (failure.ambiguous()) {
            entry.mayBeDuplicated = true;
        }
        if (!failure.retryable() || entry.attempts >= maxAttempts) {
            return new Decision(0, new RecordFailedException(entry.stream, failure.code(), failure.message(),
                    entry.attempts, entry.mayBeDuplicated));
        }
        long retryAt = now + backoffNanos(entry.attempts);
        if (retryAt - entry.deadlineNanos >= 0) {
            return new Decision(0, deliveryTimeout(entry));
        }
        return new Decision(retryAt, null);
    }

    /** The failure of a record whose deadline has passed. */
    DeliveryTimeoutException deliveryTimeout(ProducerEntry entry) {
        return new DeliveryTimeoutException(entry.stream, deliveryTimeout, entry.lastErrorCode, entry.lastErrorMessage,
                entry.attempts, entry.mayBeDuplicated);
    }

    /** The wait before the attempt after attempt number {@code attempt} (1-based). */
    long backoffNanos(int attempt) {
        Long millis = interval.apply(attempt);
        return TimeUnit.MILLISECONDS.toNanos(millis == null ? 0 : Math.max(0, millis));
    }

    int maxAttempts() {
        return maxAttempts;
    }
}
