package dev.firehose.local.internal.delivery;

import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.cloudwatch.MetricStore;
import dev.firehose.local.internal.metrics.FirehoseMetrics;
import dev.firehose.local.internal.partition.RecordProcessing;
import dev.firehose.local.internal.stream.StreamConfig;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Delivery}'s zero-buffering window and the timer it sets, with the timer and the clock in
 * the test's hands: which timers are set, for how long, and what firing them delivers.
 */
class DeliveryWindowTest {

    private static final Duration WINDOW = Delivery.ZERO_BUFFERING_WINDOW;
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    private final SteppedClock clock = new SteppedClock();
    private final List<Duration> delays = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private final List<String> objects = new ArrayList<>();
    private final ObjectSink sink = (config, key, records) -> {
        StringBuilder sb = new StringBuilder();
        records.forEach(r -> sb.append(new String(r, StandardCharsets.UTF_8)));
        objects.add(sb.toString());
        return key;
    };
    private final Delivery delivery = new Delivery(sink, new FirehoseMetrics(new MetricStore(clock)), clock,
            (delay, task) -> {
                delays.add(delay);
                tasks.add(task);
            });

    private StreamRuntime stream(int intervalSeconds) {
        Streams streams = new Streams(0, Faults.none(), Quota.unlimited());
        streams.create(new StreamConfig("s", Streams.arn("s"), "1", T0, T0, "ExtendedS3", StreamConfig.DEFAULT_ROLE_ARN,
                "arn:aws:s3:::b", "b", "", "", 5, intervalSeconds, "UNCOMPRESSED", RecordProcessing.none()));
        return streams.get("s");
    }

    /** A request of {@code data} arriving now, as the data plane makes it: appends, then requestDone. */
    private void request(StreamRuntime s, String... data) {
        Instant now = clock.instant();
        synchronized (s) {
            for (String d : data) {
                delivery.append(s, d.getBytes(StandardCharsets.UTF_8), now);
            }
            delivery.requestDone(s, now);
        }
    }

    /** Runs the task of the {@code index}-th timer set, as the timer's thread would. */
    private void fire(int index) {
        tasks.get(index).run();
    }

    @Test
    void aZeroBufferedStreamSetsOneTimerForTheEndOfItsOldestRecordsWindow() {
        StreamRuntime s = stream(0);

        request(s, "a", "b");
        clock.advance(Duration.ofMillis(5));
        request(s, "c");

        assertThat(delays).containsExactly(WINDOW);
        assertThat(objects).isEmpty();
    }

    @Test
    void theTimerDeliversTheWindowsRecordsAsOneObjectOnceTheWindowHasEnded() {
        StreamRuntime s = stream(0);
        request(s, "a", "b");
        clock.advance(Duration.ofMillis(5));
        request(s, "c");

        clock.advance(WINDOW.minusMillis(5));
        fire(0);

        assertThat(objects).containsExactly("abc");
        assertThat(delays).hasSize(1);
        synchronized (s) {
            assertThat(s.bufferEmpty()).isTrue();
        }
    }

    @Test
    void aTimerThatFiresBeforeTheClockReachesTheWindowsEndIsSetAgainForWhatIsLeft() {
        StreamRuntime s = stream(0);
        request(s, "a");

        clock.advance(WINDOW.minusMillis(3));
        fire(0);
        assertThat(objects).isEmpty();
        assertThat(delays).containsExactly(WINDOW, Duration.ofMillis(3));

        clock.advance(Duration.ofMillis(3));
        fire(1);
        assertThat(objects).containsExactly("a");
        assertThat(delays).hasSize(2);
    }

    @Test
    void aTimerThatFiresWhileTheClockStandsStillIsNotSetAgainUntilTheNextRequest() {
        StreamRuntime s = stream(0);
        request(s, "a");

        fire(0);
        assertThat(objects).isEmpty();
        assertThat(delays).containsExactly(WINDOW);

        clock.advance(Duration.ofMillis(4));
        request(s, "b");
        assertThat(delays).containsExactly(WINDOW, WINDOW.minusMillis(4));

        clock.advance(WINDOW.minusMillis(4));
        fire(1);
        assertThat(objects).containsExactly("ab");
    }

    @Test
    void aRequestAfterTheWindowDeliversTheOldBufferAndOpensANewWindow() {
        StreamRuntime s = stream(0);
        request(s, "a");
        clock.advance(WINDOW);

        request(s, "b", "c");

        assertThat(objects).containsExactly("a");
        clock.advance(WINDOW);
        fire(0);
        assertThat(objects).containsExactly("a", "bc");
    }

    @Test
    void theTimerOfADeliveredBufferDoesNothing() {
        StreamRuntime s = stream(0);
        request(s, "a");
        synchronized (s) {
            delivery.deliver(s);
        }

        clock.advance(WINDOW);
        fire(0);

        assertThat(objects).containsExactly("a");
        assertThat(delays).hasSize(1);
    }

    @Test
    void aStreamWithAnIntervalSetsNoTimerAndKeepsItsRecordsPastTheWindow() {
        StreamRuntime s = stream(60);

        request(s, "a");
        clock.advance(WINDOW);
        request(s, "b");

        assertThat(delays).isEmpty();
        assertThat(objects).isEmpty();
        clock.advance(Duration.ofSeconds(60));
        synchronized (s) {
            delivery.deliverIfDue(s, clock.instant());
        }
        assertThat(objects).containsExactly("ab");
    }

    @Test
    void aTimerTaskThatFailsThrowsNothingAndTheNextRequestSetsANewTimer() {
        StreamRuntime s = stream(0);
        request(s, "a");

        clock.failing = true;
        fire(0);
        clock.failing = false;

        assertThat(objects).isEmpty();
        clock.advance(Duration.ofMillis(1));
        request(s, "b");
        assertThat(delays).containsExactly(WINDOW, WINDOW.minusMillis(1));
        clock.advance(WINDOW.minusMillis(1));
        fire(1);
        assertThat(objects).containsExactly("ab");
    }

    /** A clock that stands still until the test moves it, and fails when told to. */
    private static final class SteppedClock extends Clock {
        private volatile Instant now = T0;
        volatile boolean failing;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            if (failing) {
                throw new IllegalStateException("clock failure");
            }
            return now;
        }
    }
}
