package dev.firehose.producer.internal;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.RecordFailedException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides what happens to a record after a failed attempt, through a Resilience4j {@link Retry}:
 * each record that fails gets its own {@link Retry#asyncContext()} on its first failure, which
 * counts its attempts, applies the configured predicate and interval function and publishes the
 * {@code Retry}'s events and metrics; {@link #onSuccess} completes it when the record is
 * acknowledged. The policy adds what the {@code Retry} cannot know: errors that retrying cannot fix
 * are never retried, and no retry starts after the record's delivery deadline.
 *
 * <p>The {@code Retry} and everything it calls (predicates, interval functions, event consumers)
 * belong to the application and may throw: such a record fails with that exception as the cause
 * of its {@link RecordFailedException}, and nothing else is affected.
 *
 * <p>Thread-safe; the entry it is given belongs to the calling thread (the sender's, for failures).
 */
final class RetryPolicy {

    /** What to do with a record: retry it at {@code retryAtNanos}, or fail it with {@code failure}. */
    record Decision(long retryAtNanos, RecordFailedException failure) {
        boolean retry() {
            return failure == null;
        }
    }

    private final Retry retry;
    private final Duration deliveryTimeout;

    RetryPolicy(Retry retry, Duration deliveryTimeout) {
        this.retry = retry;
        this.deliveryTimeout = deliveryTimeout;
    }

    /** A policy of {@code maxAttempts} attempts spaced by {@code interval} (tests). */
    RetryPolicy(int maxAttempts, IntervalFunction interval, Duration deliveryTimeout) {
        this(Retry.of("firehose-producer", RetryConfig.custom().maxAttempts(maxAttempts).intervalFunction(interval)
                .build()), deliveryTimeout);
    }

    /**
     * Records the failure on the entry (error, ambiguity) and decides its fate.
     *
     * @param entry the record whose attempt failed; {@code entry.attempts} counts that attempt
     * @param failure what the failure means
     * @param cause the exception of a request that failed as a whole, or null for a failed entry
     * @param now the current time in nanoseconds
     */
    Decision onFailure(ProducerEntry entry, ErrorClassifier.Classification failure, Throwable cause, long now) {
        entry.lastErrorCode = failure.code();
        entry.lastErrorMessage = failure.message();
        if (failure.ambiguous()) {
            entry.mayBeDuplicated = true;
        }
        RecordFailedException error = new RecordFailedException(entry.stream, failure.code(), failure.message(),
                entry.attempts, entry.mayBeDuplicated);
        if (cause != null) {
            error.initCause(cause);
        }
        if (!failure.retryable()) {
            return new Decision(0, error);
        }
        long delayMillis;
        try {
            if (entry.retryContext == null) {
                entry.retryContext = retry.asyncContext();
            }
            delayMillis = entry.retryContext.onError(error);
        } catch (Throwable t) {
            RecordFailedException broken = new RecordFailedException(entry.stream, failure.code(),
                    "the retry policy threw " + t + " deciding on: " + failure.message(), entry.attempts,
                    entry.mayBeDuplicated);
            broken.initCause(t);
            return new Decision(0, broken);
        }
        if (delayMillis < 0) {
            return new Decision(0, error);
        }
        long retryAt = now + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        if (retryAt - entry.deadlineNanos >= 0) {
            return new Decision(0, deliveryTimeout(entry));
        }
        return new Decision(retryAt, null);
    }

    /** As {@link #onFailure(ProducerEntry, ErrorClassifier.Classification, Throwable, long)} for a failed entry. */
    Decision onFailure(ProducerEntry entry, ErrorClassifier.Classification failure, long now) {
        return onFailure(entry, failure, null, now);
    }

    /**
     * A record that had failed before was acknowledged: completes its retry context, so the
     * {@code Retry} counts a success after retries (any thread). A throwing event consumer is ignored.
     */
    static void onSuccess(ProducerEntry entry) {
        Retry.AsyncContext<Object> context = entry.retryContext;
        if (context != null) {
            try {
                context.onComplete();
            } catch (Throwable t) {
                // An application's event consumer: the record is delivered all the same.
            }
        }
    }

    /** The failure of a record whose deadline has passed. */
    DeliveryTimeoutException deliveryTimeout(ProducerEntry entry) {
        return new DeliveryTimeoutException(entry.stream, deliveryTimeout, entry.lastErrorCode, entry.lastErrorMessage,
                entry.attempts, entry.mayBeDuplicated);
    }

    /** The failure of a record whose deadline passed while a request carrying it was unanswered. */
    DeliveryTimeoutException deliveryTimeoutInFlight(ProducerEntry entry, boolean mayHaveReachedService) {
        return new DeliveryTimeoutException(entry.stream, deliveryTimeout,
                entry.lastErrorCode != null ? entry.lastErrorCode : "NoResponse",
                "the request carrying the record was not answered by its deadline", entry.attempts,
                entry.mayBeDuplicated || mayHaveReachedService);
    }

    /** @return the Retry the decisions go through */
    Retry retry() {
        return retry;
    }
}
