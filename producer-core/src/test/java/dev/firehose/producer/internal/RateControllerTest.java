package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateControllerTest {

    private static final long T0 = 1_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void throttlingHalvesTheRequestsInFlightDownToOne() {
        RateController rate = new RateController(10, true, 0, 0, 0, T0);
        assertThat(rate.inFlightLimit()).isEqualTo(10);
        rate.onThrottled(T0, T0 + MS, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(5);
        rate.onThrottled(T0 + 2 * MS, T0 + 3 * MS, 1.0);
        rate.onThrottled(T0 + 4 * MS, T0 + 5 * MS, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(1);
        assertThat(rate.canSend(0, T0)).isTrue();
        assertThat(rate.canSend(1, T0)).isFalse();
    }

    @Test
    void throttlingOfRequestsSentBeforeTheLastDecreaseIsIgnored() {
        RateController rate = new RateController(16, true, 0, 0, 0, T0);
        // Ten requests in flight, all sent at T0, all throttled: one decrease, not ten.
        for (int i = 0; i < 10; i++) {
            rate.onThrottled(T0, T0 + (i + 1) * MS, 1.0);
        }
        assertThat(rate.inFlightLimit()).isEqualTo(8);
        assertThat(rate.adaptiveRate()).isInfinite();
    }

    @Test
    void successRaisesTheInFlightLimitOneStepAtATimeUpToTheMaximum() {
        RateController rate = new RateController(4, true, 0, 0, 0, T0);
        rate.onThrottled(T0, T0 + 1, 1.0);
        rate.onThrottled(T0, T0 + 2, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(2);
        rate.onThrottled(T0 + 2, T0 + 3, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(1);
        rate.onSuccess();
        assertThat(rate.inFlightLimit()).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            rate.onSuccess();
        }
        assertThat(rate.inFlightLimit()).isEqualTo(4);
    }

    @Test
    void throttlingAtOneRequestInFlightHalvesTheMeasuredRequestRate() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        long now = T0;
        // 100 requests/s for a second.
        for (int i = 0; i < 100; i++) {
            rate.onSend(500, 500, now);
            now += 10 * MS;
        }
        rate.onThrottled(now - 10 * MS, now, 1.0);
        assertThat(rate.adaptiveRate()).isBetween(45.0, 55.0);
        long next = rate.nextSendTime(now);
        assertThat(next - now).isBetween(18 * MS, 22 * MS);
        assertThat(rate.canSend(0, now)).isFalse();
        assertThat(rate.canSend(0, next)).isTrue();

        // A request sent before the decrease says nothing about the new rate.
        rate.onThrottled(now - 5 * MS, now + MS, 1.0);
        assertThat(rate.adaptiveRate()).isBetween(45.0, 55.0);
        rate.onThrottled(now + MS, now + 30 * MS, 1.0);
        assertThat(rate.adaptiveRate()).isBetween(22.5, 27.5);
    }

    @Test
    void successClimbsTheRateBackByAboutOneRequestPerSecondEverySecondUntilItIsLifted() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        for (int i = 0; i < 20; i++) {
            rate.onSend(1, 1, T0 + i * 50 * MS);
        }
        rate.onThrottled(T0 + 950 * MS, T0 + SECOND, 1.0);
        double reduced = rate.adaptiveRate();
        assertThat(reduced).isBetween(9.0, 11.0);
        // One second of successes at the reduced rate raises it by about one request/s.
        for (int i = 0; i < (int) reduced; i++) {
            rate.onSuccess();
        }
        assertThat(rate.adaptiveRate()).isBetween(reduced + 0.9, reduced + 1.1);
        for (int i = 0; i < 10_000 && rate.adaptiveRate() != Double.POSITIVE_INFINITY; i++) {
            rate.onSuccess();
        }
        assertThat(rate.adaptiveRate()).isInfinite();
        assertThat(rate.nextSendTime(T0 + 2 * SECOND)).isEqualTo(T0 + 2 * SECOND);
    }

    @Test
    void aHighRateClimbsByFivePercentPerSecond() {
        RateController rate = new RateController(1, true, 0, 0, 0, T0);
        for (int i = 0; i < 2000; i++) {
            rate.onSend(1, 1, T0 + i * SECOND / 2000);
        }
        rate.onThrottled(T0, T0 + SECOND, 1.0);
        double reduced = rate.adaptiveRate();
        assertThat(reduced).isBetween(900.0, 1100.0);
        for (int i = 0; i < (int) reduced; i++) {
            rate.onSuccess();
        }
        assertThat(rate.adaptiveRate() / reduced).isBetween(1.04, 1.06);
    }

    @Test
    void aFewThrottledEntriesTrimTheRateInProportion() {
        RateController rate = new RateController(10, true, 0, 0, 0, T0);
        rate.onThrottled(T0, T0 + MS, 0.02);
        // 10 x (1 - 0.01) = 9.9: nine requests in flight.
        assertThat(rate.inFlightLimit()).isEqualTo(9);
        rate.onSuccess();
        assertThat(rate.inFlightLimit()).isEqualTo(10);
    }

    @Test
    void withoutAdaptiveThrottlingNothingChanges() {
        RateController rate = new RateController(8, false, 0, 0, 0, T0);
        rate.onThrottled(T0, T0, 1.0);
        assertThat(rate.inFlightLimit()).isEqualTo(8);
        assertThat(rate.adaptiveRate()).isInfinite();
    }

    @Test
    void aStaticRecordsLimitPacesFullBatches() {
        RateController rate = new RateController(10, false, 1000, 0, 0, T0);
        assertThat(rate.canSend(0, T0)).isTrue();
        rate.onSend(500, 0, T0);
        rate.onSend(500, 0, T0);
        assertThat(rate.canSend(0, T0)).isTrue();
        rate.onSend(500, 0, T0);
        // 1,500 records sent against 1,000 tokens: half a second of debt.
        assertThat(rate.nextSendTime(T0)).isEqualTo(T0 + SECOND / 2);
        assertThat(rate.canSend(0, T0 + SECOND / 2)).isTrue();
    }

    @Test
    void staticBytesAndRequestsLimitsPaceRequests() {
        RateController bytes = new RateController(10, false, 0, 1000, 0, T0);
        bytes.onSend(1, 3000, T0);
        assertThat(bytes.nextSendTime(T0)).isEqualTo(T0 + 2 * SECOND);

        RateController requests = new RateController(10, false, 0, 0, 2, T0);
        requests.onSend(1, 1, T0);
        requests.onSend(1, 1, T0);
        requests.onSend(1, 1, T0);
        assertThat(requests.nextSendTime(T0)).isEqualTo(T0 + SECOND / 2);
    }
}
