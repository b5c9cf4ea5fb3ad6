package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RateController}'s measured request rate (the one-second windows the adaptive rate starts
 * from), the pacing of sends once a rate is set, and the exact points where it reacts or lifts.
 * Throttling with one request in flight sets the rate to half the measured one.
 */
class RateControllerWindowTest {

    private static final long T0 = 1_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A controller of one request in flight that sent {@code n} requests evenly over its first 900 ms. */
    private static RateController sentInFirstSecond(int n) {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        for (int i = 0; i < n; i++) {
            rate.onSend(1, 1, T0 + i * 900 * MS / n);
        }
        return rate;
    }

    @Test
    void theRateOfTheCurrentWindowIsRequestsOverItsElapsedTime() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        for (int i = 0; i < 10; i++) {
            rate.onSend(1, 1, T0 + i * 40 * MS);
        }
        rate.onThrottled(T0, T0 + 500 * MS, 1.0);
        // 10 requests in 0.5 s: 20 requests/s, halved.
        assertThat(rate.adaptiveRate()).isEqualTo(10.0);
    }

    @Test
    void aWindowOfExactlyOneHundredMillisecondsIsMeasuredAsARate() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        rate.onSend(1, 1, T0);
        rate.onSend(1, 1, T0);
        rate.onThrottled(T0, T0 + 100 * MS, 1.0);
        // 2 requests in 0.1 s: 20 requests/s (a shorter window would count them as 2/s).
        assertThat(rate.adaptiveRate()).isEqualTo(10.0);
    }

    @Test
    void aSendExactlyOneSecondAfterTheWindowStartedOpensTheNextWindow() {
        RateController rate = sentInFirstSecond(10);
        rate.onSend(1, 1, T0 + SECOND);
        rate.onThrottled(T0, T0 + SECOND, 1.0);
        // The previous window's 10 requests, not 11 in one window.
        assertThat(rate.adaptiveRate()).isEqualTo(5.0);
    }

    @Test
    void aSendInALaterWindowDoesNotCountInTheWindowBefore() {
        RateController rate = sentInFirstSecond(10);
        rate.onSend(1, 1, T0 + 1500 * MS);
        rate.onThrottled(T0, T0 + 1500 * MS, 1.0);
        // Previous window 10 requests; the current one, 1 in 0.5 s, is less.
        assertThat(rate.adaptiveRate()).isEqualTo(5.0);
    }

    @Test
    void theCurrentWindowStartsOneSecondAfterThePrevious() {
        RateController rate = sentInFirstSecond(10);
        rate.onSend(1, 1, T0 + 1000 * MS);
        for (int i = 0; i < 9; i++) {
            rate.onSend(1, 1, T0 + 1400 * MS);
        }
        rate.onThrottled(T0, T0 + 1500 * MS, 1.0);
        // The window that began at T0 + 1 s holds 10 requests in 0.5 s: 20 requests/s.
        assertThat(rate.adaptiveRate()).isEqualTo(10.0);
    }

    @Test
    void aThrottleTwoSecondsAfterTheLastWindowFindsNoRecentRequests() {
        RateController rate = sentInFirstSecond(10);
        rate.onThrottled(T0, T0 + 2 * SECOND, 1.0);
        // Nothing sent in the last two windows: the floor of 1 request/s, halved.
        assertThat(rate.adaptiveRate()).isEqualTo(0.5);

        RateController later = sentInFirstSecond(10);
        later.onThrottled(T0, T0 + 2500 * MS, 1.0);
        assertThat(later.adaptiveRate()).isEqualTo(0.5);
    }

    @Test
    void onceARateIsSetEachSendPushesTheNextOneBackByOneInterval() {
        RateController rate = sentInFirstSecond(10);
        long t1 = T0 + SECOND;
        rate.onThrottled(T0, t1, 1.0);
        assertThat(rate.adaptiveRate()).isEqualTo(5.0);
        assertThat(rate.nextSendTime(t1)).isEqualTo(t1 + 200 * MS);

        rate.onSend(1, 1, t1);
        assertThat(rate.nextSendTime(t1)).isEqualTo(t1 + 400 * MS);
        assertThat(rate.canSend(0, t1 + 399 * MS)).isFalse();
        assertThat(rate.canSend(0, t1 + 400 * MS)).isTrue();

        // A send long after the last one is spaced from itself, not from the past.
        long t2 = t1 + 10 * SECOND;
        assertThat(rate.nextSendTime(t2)).isEqualTo(t2);
        rate.onSend(1, 1, t2);
        assertThat(rate.nextSendTime(t2)).isEqualTo(t2 + 200 * MS);
    }

    @Test
    void throttlingOfARequestSentAtTheMomentOfTheLastDecreaseCounts() {
        RateController rate = new RateController(16, true, 0, 0, 0, T0);
        rate.onThrottled(T0, T0 + MS, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(8);
        rate.onThrottled(T0 + MS, T0 + 2 * MS, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(4);
    }

    @Test
    void theRateIsLiftedOnlyOnceItExceedsTwiceTheMeasuredRate() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        // Nothing measured: the floor of 1 request/s; no throttled entries, so no cut: 1 request/s.
        rate.onThrottled(T0, T0, 0.0);
        assertThat(rate.adaptiveRate()).isEqualTo(1.0);
        rate.onSuccess();
        assertThat(rate.adaptiveRate()).as("exactly twice the measured rate").isEqualTo(2.0);
        rate.onSuccess();
        assertThat(rate.adaptiveRate()).isInfinite();
        rate.onSuccess();
        assertThat(rate.inFlightLimit()).isEqualTo(1);
    }

    @Test
    void afterAQuietGapTheNewWindowStartsAtTheFirstSend() {
        RateController rate = sentInFirstSecond(10);
        long restart = T0 + 5 * SECOND;
        for (int i = 0; i < 10; i++) {
            rate.onSend(1, 1, restart + i * 40 * MS);
        }
        rate.onThrottled(restart, restart + 500 * MS, 1.0);
        // 10 requests in the 0.5 s since the window began at the first send after the gap: 20/s.
        assertThat(rate.adaptiveRate()).isEqualTo(10.0);
    }
}
