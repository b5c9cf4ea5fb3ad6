package dev.firehose.local.cloudwatch;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String NS = "AWS/Firehose";
    private static final Map<String, String> CLICKS = Map.of("DeliveryStreamName", "clicks");
    private static final MetricKey RECORDS = MetricKey.of(NS, "IncomingRecords", CLICKS);

    private final MutableClock clock = new MutableClock(T0);
    private final MetricStore store = new MetricStore(clock);

    @Test
    void samplesOfOneMinuteMergeIntoOneStatisticSet() {
        store.record(NS, "IncomingRecords", CLICKS, T0.plusSeconds(1), 4, "Count");
        store.record(NS, "IncomingRecords", CLICKS, T0.plusSeconds(59), 10, "Count");
        store.record(NS, "IncomingRecords", CLICKS, T0.plusSeconds(60), 1, "Count");

        List<MetricDatapoint> points = store.datapoints(RECORDS, T0, T0.plusSeconds(120), Duration.ofMinutes(1), null);

        assertThat(points).containsExactly(
                new MetricDatapoint(T0, new StatisticSet(2, 14, 4, 10), "Count"),
                new MetricDatapoint(T0.plusSeconds(60), new StatisticSet(1, 1, 1, 1), "Count"));
        assertThat(points.get(0).statistics().average()).isEqualTo(7.0);
    }

    @Test
    void longerPeriodsStartAtTheStartMinuteAndMergeItsBuckets() {
        for (int minute = 0; minute < 12; minute++) {
            store.record(NS, "IncomingRecords", CLICKS, T0.plusSeconds(minute * 60L + 10), minute, "Count");
        }

        List<MetricDatapoint> points = store.datapoints(RECORDS, T0.plusSeconds(150), T0.plus(Duration.ofMinutes(12)),
                Duration.ofMinutes(5), null);

        assertThat(points).extracting(MetricDatapoint::timestamp)
                .containsExactly(T0.plusSeconds(120), T0.plusSeconds(420));
        assertThat(points).extracting(p -> p.statistics().sum())
                .containsExactly(2.0 + 3 + 4 + 5 + 6, 7.0 + 8 + 9 + 10 + 11);
    }

    @Test
    void theWindowEndIsExclusiveAndEmptyPeriodsAreLeftOut() {
        store.record(NS, "IncomingRecords", CLICKS, T0, 1, "Count");
        store.record(NS, "IncomingRecords", CLICKS, T0.plus(Duration.ofMinutes(3)), 2, "Count");

        assertThat(store.datapoints(RECORDS, T0, T0.plus(Duration.ofMinutes(3)), Duration.ofMinutes(1), null))
                .extracting(MetricDatapoint::timestamp).containsExactly(T0);
        assertThat(store.datapoints(RECORDS, T0, T0.plus(Duration.ofMinutes(4)), Duration.ofMinutes(1), null))
                .extracting(MetricDatapoint::timestamp).containsExactly(T0, T0.plus(Duration.ofMinutes(3)));
        assertThat(store.sum(NS, "IncomingRecords", CLICKS, T0, T0.plusSeconds(1))).isEqualTo(1.0);
        assertThat(store.sum(NS, "IncomingRecords", CLICKS, T0.plusSeconds(60), T0.plusSeconds(120))).isZero();
    }

    @Test
    void aUnitSelectsOnlyTheSamplesRecordedWithIt() {
        store.record(NS, "IncomingRecords", CLICKS, T0, 5, "Count");
        store.record(NS, "IncomingRecords", CLICKS, T0, 7, null);

        assertThat(store.statistics(RECORDS, T0, T0.plusSeconds(60), "Count")).contains(StatisticSet.of(5));
        assertThat(store.statistics(RECORDS, T0, T0.plusSeconds(60), MetricStore.NO_UNIT)).contains(StatisticSet.of(7));
        assertThat(store.statistics(RECORDS, T0, T0.plusSeconds(60), null)).contains(new StatisticSet(2, 12, 5, 7));
        assertThat(store.statistics(RECORDS, T0, T0.plusSeconds(60), "Bytes")).isEmpty();
    }

    @Test
    void everyDimensionSetIsAMetricOfItsOwn() {
        store.record(NS, "IncomingRecords", Map.of("DeliveryStreamName", "clicks", "Az", "a"), T0, 1, "Count");
        store.record(NS, "IncomingRecords", CLICKS, T0, 2, "Count");
        store.record(NS, "IncomingBytes", CLICKS, T0, 3, "Bytes");

        assertThat(store.metrics()).containsExactly(MetricKey.of(NS, "IncomingBytes", CLICKS),
                MetricKey.of(NS, "IncomingRecords", Map.of("Az", "a", "DeliveryStreamName", "clicks")),
                RECORDS);
        assertThat(store.sum(NS, "IncomingRecords", CLICKS, T0, T0.plusSeconds(60))).isEqualTo(2.0);
    }

    @Test
    void bucketsOlderThanTheRetentionAreDropped() {
        store.record(NS, "IncomingRecords", CLICKS, T0, 1, "Count");
        clock.advance(MetricStore.RETENTION.plusMinutes(2));
        store.record(NS, "IncomingRecords", CLICKS, clock.instant(), 2, "Count");

        assertThat(store.sum(NS, "IncomingRecords", CLICKS, T0, clock.instant().plusSeconds(60))).isEqualTo(2.0);
        assertThat(store.lastRecordedAt(RECORDS)).contains(clock.instant());
    }

    @Test
    void callerMistakesAreRejectedWithTheValue() {
        assertThatThrownBy(() -> store.record(NS, "X", CLICKS, T0, Double.NaN, "Count"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> store.record(NS, "X", CLICKS, T0, new StatisticSet(0, 0, 0, 0), "Count"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample count");
        assertThatThrownBy(() -> store.datapoints(RECORDS, T0, T0.plusSeconds(60), Duration.ofSeconds(30), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT30S");
        assertThat(store.metrics()).isEmpty();
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    Instant at = T0.plusSeconds(i % 300);
                    store.record(NS, "IncomingRecords", CLICKS, at, 1, "Count");
                    store.record(NS, "IncomingBytes", Map.of("DeliveryStreamName", "s" + thread), at, 10, "Bytes");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Instant end = T0.plusSeconds(300);
        assertThat(store.statistics(RECORDS, T0, end, null).orElseThrow().sampleCount())
                .isEqualTo((double) threads * perThread);
        assertThat(store.sum(NS, "IncomingRecords", CLICKS, T0, end)).isEqualTo((double) threads * perThread);
        for (int t = 0; t < threads; t++) {
            assertThat(store.sum(NS, "IncomingBytes", Map.of("DeliveryStreamName", "s" + t), T0, end))
                    .isEqualTo(10.0 * perThread);
        }
    }
}
