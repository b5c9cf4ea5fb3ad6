package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link FirehoseMetricData} holds an immutable copy of what it is given, and reads no data as 0 or NaN. */
class FirehoseMetricDataTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void anEmptyMapOfAnyKindMeansNoData() {
        FirehoseMetricData data = new FirehoseMetricData("s", START, START.plusSeconds(60), Duration.ofMinutes(1),
                Map.of(), true);

        assertThat(data.series()).isEmpty();
        assertThat(data.total(FirehoseMetric.INCOMING_RECORDS)).isZero();
        assertThat(data.total(FirehoseMetric.PUT_RECORD_BATCH_LATENCY)).isNaN();
        assertThat(data.points(FirehoseMetric.INCOMING_RECORDS)).isEmpty();
    }

    @Test
    void theSeriesAreCopiedAndNullsRefused() {
        Map<FirehoseMetric, FirehoseMetricData.Series> series = new HashMap<>();
        series.put(FirehoseMetric.INCOMING_RECORDS, new FirehoseMetricData.Series(
                List.of(new FirehoseMetricData.Point(START, 5)), 5, 1));
        FirehoseMetricData data = new FirehoseMetricData("s", START, START.plusSeconds(60), Duration.ofMinutes(1),
                series, true);
        series.clear();

        assertThat(data.total(FirehoseMetric.INCOMING_RECORDS)).isEqualTo(5);
        assertThatThrownBy(() -> data.series().clear()).isInstanceOf(UnsupportedOperationException.class);

        series.put(FirehoseMetric.INCOMING_BYTES, null);
        assertThatThrownBy(() -> new FirehoseMetricData("s", START, START, Duration.ofMinutes(1), series, true))
                .isInstanceOf(NullPointerException.class).hasMessage("series of INCOMING_BYTES");
    }
}
