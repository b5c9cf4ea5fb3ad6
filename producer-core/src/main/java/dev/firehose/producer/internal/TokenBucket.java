package dev.firehose.producer.internal;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket that may go into debt: a batch larger than the tokens on hand is allowed, and the
 * next one waits until the debt is paid. This keeps batches full under a rate limit. Holds at most
 * one second of tokens. Not thread-safe; owned by the sender thread.
 */
final class TokenBucket {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private double ratePerSecond;
    private double tokens;
    private long lastRefill;

    TokenBucket(double ratePerSecond, long now) {
        this.ratePerSecond = ratePerSecond;
        this.tokens = ratePerSecond;
        this.lastRefill = now;
    }

    /** @return the earliest time at which the bucket is out of debt (now, if it is) */
    long availableAt(long now) {
        refill(now);
        if (tokens >= 0) {
            return now;
        }
        return now + (long) Math.ceil(-tokens / ratePerSecond * SECOND);
    }

    void consume(double amount, long now) {
        refill(now);
        tokens -= amount;
    }

    void setRate(double ratePerSecond, long now) {
        refill(now);
        this.ratePerSecond = ratePerSecond;
        tokens = Math.min(tokens, ratePerSecond);
    }

    double rate() {
        return ratePerSecond;
    }

    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(ratePerSecond, tokens + ratePerSecond * elapsed / SECOND);
            lastRefill = now;
        }
    }
}
