package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TokenBucket}: a bucket of one second of tokens that may go into debt. */
class TokenBucketTest {

    private static final long T0 = 1_000_000_000L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFullBucketAndAnEmptyOneAllowASendNow() {
        TokenBucket bucket = new TokenBucket(10, T0);
        assertThat(bucket.availableAt(T0)).isEqualTo(T0);
        bucket.consume(10, T0);
        assertThat(bucket.availableAt(T0)).as("exactly out of tokens, not in debt").isEqualTo(T0);
        bucket.consume(1, T0);
        assertThat(bucket.availableAt(T0)).isEqualTo(T0 + SECOND / 10);
    }

    @Test
    void debtIsPaidBackAtTheRateOverTime() {
        TokenBucket bucket = new TokenBucket(10, T0);
        bucket.consume(20, T0);
        assertThat(bucket.availableAt(T0)).isEqualTo(T0 + SECOND);
        // Half a second refills five tokens: five still owed, half a second more.
        assertThat(bucket.availableAt(T0 + SECOND / 2)).isEqualTo(T0 + SECOND);
        assertThat(bucket.availableAt(T0 + SECOND)).isEqualTo(T0 + SECOND);
    }

    @Test
    void theBucketHoldsAtMostOneSecondOfTokensBeforeAConsume() {
        TokenBucket bucket = new TokenBucket(10, T0);
        // Five idle seconds do not store fifty tokens: 15 taken from 10 leaves half a second of debt.
        bucket.consume(15, T0 + 5 * SECOND);
        assertThat(bucket.availableAt(T0 + 5 * SECOND)).isEqualTo(T0 + 5 * SECOND + SECOND / 2);
    }

    @Test
    void aLowerRateKeepsNoMoreThanOneSecondOfTheNewRate() {
        TokenBucket bucket = new TokenBucket(10, T0);
        bucket.consume(10, T0);
        // One second later the bucket is full again at 10 before the rate drops to 4.
        bucket.setRate(4, T0 + SECOND);
        assertThat(bucket.rate()).isEqualTo(4.0);
        bucket.consume(6, T0 + SECOND);
        assertThat(bucket.availableAt(T0 + SECOND)).isEqualTo(T0 + SECOND + SECOND / 2);
    }

    @Test
    void timeBeforeARateChangeRefillsAtTheOldRate() {
        TokenBucket bucket = new TokenBucket(10, T0);
        bucket.consume(10, T0);
        // Half a second at 10/s is 5 tokens, not the 50 that the new rate would have given.
        bucket.setRate(100, T0 + SECOND / 2);
        bucket.consume(30, T0 + SECOND / 2);
        assertThat(bucket.availableAt(T0 + SECOND / 2)).isEqualTo(T0 + SECOND / 2 + SECOND / 4);
    }
}
