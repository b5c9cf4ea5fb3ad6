package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class ReconciliationTest {

    private static final Instant T0 = Instant.parse("2026-11-22T06:00:00Z");

    private static FirehoseMetricData cloudWatch(Map<FirehoseMetric, Double> sums) {
        Map<FirehoseMetric, FirehoseMetricData.Series> series = new java.util.EnumMap<>(FirehoseMetric.class);
        sums.forEach((m, v) -> series.put(m, new FirehoseMetricData.Series(
                List.of(new FirehoseMetricData.Point(T0, v)), v, Double.NaN)));
        return new FirehoseMetricData("clicks", T0, T0.plusSeconds(60), Duration.ofMinutes(1), series, true);
    }

    @Test
    void equalCountsRenderAsOkLinesInMetricOrder() {
        Reconciliation r = Reconciliation.of(
                Map.of(FirehoseMetric.INCOMING_BYTES, 255_000, FirehoseMetric.INCOMING_RECORDS, 2_550),
                cloudWatch(Map.of(FirehoseMetric.INCOMING_RECORDS, 2_550.0, FirehoseMetric.INCOMING_BYTES, 255_000.0)));

        assertThat(r.balanced()).isTrue();
        assertThat(r.render()).isEqualTo(
                "IncomingRecords  client: 2,550    CloudWatch: 2,550    ok\n"
                        + "IncomingBytes    client: 255,000  CloudWatch: 255,000  ok");
    }

    @Test
    void aDifferenceIsAMismatchWithItsSizeAndMissingDataCountsAsZero() {
        Reconciliation r = Reconciliation.of(
                Map.of(FirehoseMetric.INCOMING_RECORDS, 2_550, FirehoseMetric.THROTTLED_RECORDS, 7),
                cloudWatch(Map.of(FirehoseMetric.INCOMING_RECORDS, 2_553.0)));

        assertThat(r.balanced()).isFalse();
        assertThat(r.line(FirehoseMetric.THROTTLED_RECORDS).orElseThrow().cloudWatch()).isZero();
        assertThat(r.render().split("\n")).containsExactly(
                "IncomingRecords   client: 2,550  CloudWatch: 2,553  MISMATCH (client -3)",
                "ThrottledRecords  client: 7      CloudWatch: 0      MISMATCH (client +7)");
    }

    @Test
    void latenciesCannotBeReconciled() {
        assertThatThrownBy(() -> Reconciliation.of(Map.of(FirehoseMetric.PUT_RECORD_BATCH_LATENCY, 3.0),
                cloudWatch(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PutRecordBatch.Latency");
    }

    @Test
    void clientTotalsSumTheStreamsCountersOverOtherTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter.builder("firehose.incoming.records").tag("stream", "clicks").tag("app", "a")
                .register(registry).increment(3);
        Counter.builder("firehose.incoming.records").tag("stream", "clicks").tag("app", "b")
                .register(registry).increment(4);
        Counter.builder("firehose.incoming.records").tag("stream", "views").register(registry).increment(100);
        Counter.builder("firehose.throttled.records").tag("stream", "clicks").register(registry);

        Map<FirehoseMetric, Double> totals = Reconciliation.clientTotals(registry, "clicks");

        assertThat(totals).containsOnly(
                Map.entry(FirehoseMetric.INCOMING_RECORDS, 7.0),
                Map.entry(FirehoseMetric.THROTTLED_RECORDS, 0.0));
    }
}
