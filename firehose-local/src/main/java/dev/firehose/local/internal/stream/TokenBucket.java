package dev.firehose.local.internal.stream;

/**
 * A token bucket holding at most one second's allowance, refilled continuously from the
 * endpoint's clock. Not thread-safe: the owning stream's lock guards it.
 */
final class TokenBucket {

    private final long ratePerSecond;
    private double tokens;
    private long lastNanos;

    TokenBucket(long ratePerSecond, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.tokens = ratePerSecond;
        this.lastNanos = nowNanos;
    }

    long ratePerSecond() {
        return ratePerSecond;
    }

    void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(ratePerSecond, tokens + elapsed * (ratePerSecond / 1e9));
            lastNanos = nowNanos;
        }
    }

    /** Whether {@code amount} tokens are available right now (after {@link #refill}). */
    boolean has(long amount) {
        return tokens >= amount;
    }

    void take(long amount) {
        tokens -= amount;
    }
}
