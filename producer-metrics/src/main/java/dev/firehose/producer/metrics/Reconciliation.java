package dev.firehose.producer.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The client's counts set side by side with CloudWatch's for one delivery stream, one line per
 * metric:
 *
 * <pre>
 * IncomingRecords      client: 2,550  CloudWatch: 2,550  ok
 * IncomingBytes        client: 255,000  CloudWatch: 255,000  ok
 * </pre>
 *
 * <p>The client's counts are cumulative since the meters were bound; they match CloudWatch's when
 * the CloudWatch window covers all of that time and nothing else put to the stream.
 *
 * @param stream the delivery stream
 * @param lines  one line per metric compared, in {@link FirehoseMetric} order
 */
public record Reconciliation(String stream, List<Line> lines) {

    /**
     * Holds an unmodifiable copy of {@code lines}; the record is immutable and thread-safe.
     *
     * @param stream the delivery stream
     * @param lines  one line per metric compared; copied
     * @throws NullPointerException if {@code stream} or {@code lines} is {@code null}, or a line is
     */
    public Reconciliation {
        Objects.requireNonNull(stream, "stream");
        lines = List.copyOf(lines);
    }

    /**
     * One metric: the client's count and CloudWatch's.
     *
     * @param metric     the metric compared, a count
     * @param client     the client's count
     * @param cloudWatch CloudWatch's count over the window (0 when it has no data)
     */
    public record Line(FirehoseMetric metric, double client, double cloudWatch) {

        /**
         * Whether the two counts agree.
         *
         * @return {@code true} if they are exactly equal (as {@link Double#compare} sees them)
         */
        public boolean ok() {
            return Double.compare(client, cloudWatch) == 0;
        }
    }

    /**
     * Compares the client's counts with CloudWatch's. Only the metrics in {@code client} are
     * compared; a metric CloudWatch has no data for counts as 0.
     *
     * @param client     the client's count per metric, e.g. from {@link #clientTotals}; count
     *                   metrics only
     * @param cloudWatch what CloudWatch holds, as read by {@link FirehoseCloudWatchReader#read}
     * @return one line per metric of {@code client}, in {@link FirehoseMetric} order, for the
     *         stream of {@code cloudWatch}
     * @throws IllegalArgumentException if {@code client} holds a latency metric
     * @throws NullPointerException     if an argument, a metric or a count is {@code null}
     */
    public static Reconciliation of(Map<FirehoseMetric, ? extends Number> client, FirehoseMetricData cloudWatch) {
        Map<FirehoseMetric, Number> sorted = new EnumMap<>(FirehoseMetric.class);
        sorted.putAll(client);
        List<Line> lines = new ArrayList<>();
        sorted.forEach((metric, count) -> {
            if (metric.kind() != FirehoseMetric.Kind.COUNT) {
                throw new IllegalArgumentException(metric.cloudWatchName() + " is not a count and cannot be reconciled");
            }
            lines.add(new Line(metric, count.doubleValue(), cloudWatch.total(metric)));
        });
        return new Reconciliation(cloudWatch.stream(), lines);
    }

    /**
     * Compares what the client published to CloudWatch (read with
     * {@link FirehoseCloudWatchReader#readPublished}) with the AWS/Firehose metrics over the same
     * window: every count metric present in {@code client} is compared; its latencies are ignored.
     *
     * @param client     the client's meters as published to CloudWatch and read back
     * @param cloudWatch the AWS/Firehose metrics over the same window
     * @return one line per count metric of {@code client}, in {@link FirehoseMetric} order, for the
     *         stream of {@code cloudWatch}
     */
    public static Reconciliation of(FirehoseMetricData client, FirehoseMetricData cloudWatch) {
        Map<FirehoseMetric, Double> totals = new EnumMap<>(FirehoseMetric.class);
        client.series().forEach((metric, series) -> {
            if (metric.kind() == FirehoseMetric.Kind.COUNT) {
                totals.put(metric, series.sum());
            }
        });
        return of(totals, cloudWatch);
    }

    /**
     * The client's counts for a stream from the meters {@link FirehoseProducerMetrics} registered
     * in a registry: for each count metric whose meter is present, the sum of its counters tagged
     * with the stream (over any other tags). The registry must count cumulatively (as
     * {@code SimpleMeterRegistry} and Prometheus do), not per step.
     *
     * @param registry the registry the binder was bound to
     * @param stream   the delivery stream, the value of the {@value FirehoseMetric#STREAM_TAG} tag
     * @return the count per metric, in {@link FirehoseMetric} order; a metric with no meter in the
     *         registry is absent (there are never {@code PutRecord.*} meters); a new, modifiable map
     */
    public static Map<FirehoseMetric, Double> clientTotals(MeterRegistry registry, String stream) {
        Map<FirehoseMetric, Double> totals = new EnumMap<>(FirehoseMetric.class);
        for (FirehoseMetric metric : FirehoseMetric.counts()) {
            var meters = registry.find(metric.meterName()).tag(FirehoseMetric.STREAM_TAG, stream).meters();
            if (meters.isEmpty()) {
                continue;
            }
            double sum = 0;
            for (Meter meter : meters) {
                if (meter instanceof Counter counter) {
                    sum += counter.count();
                } else if (meter instanceof FunctionCounter counter) {
                    sum += counter.count();
                }
            }
            totals.put(metric, sum);
        }
        return totals;
    }

    /**
     * Whether the client and CloudWatch agree on every metric compared.
     *
     * @return {@code true} if every line is {@link Line#ok() ok}, including when there are no lines
     */
    public boolean balanced() {
        return lines.stream().allMatch(Line::ok);
    }

    /**
     * The line of one metric.
     *
     * @param metric the metric
     * @return its line; empty if it was not compared
     */
    public java.util.Optional<Line> line(FirehoseMetric metric) {
        return lines.stream().filter(l -> l.metric() == metric).findFirst();
    }

    /**
     * The comparison as text, for a log or a console.
     *
     * @return one line per metric, separated by {@code \n} with none at the end, aligned in columns:
     *         {@code IncomingRecords  client: 2,550  CloudWatch: 2,550  ok}; a mismatch ends with
     *         {@code MISMATCH (client -3)}, the client's difference; numbers are grouped by
     *         thousands, with two decimals when not whole; empty when there are no lines
     */
    public String render() {
        int nameWidth = 0;
        int clientWidth = 0;
        int cloudWidth = 0;
        for (Line line : lines) {
            nameWidth = Math.max(nameWidth, line.metric().cloudWatchName().length());
            clientWidth = Math.max(clientWidth, format(line.client()).length());
            cloudWidth = Math.max(cloudWidth, format(line.cloudWatch()).length());
        }
        StringBuilder out = new StringBuilder();
        for (Line line : lines) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(pad(line.metric().cloudWatchName(), nameWidth))
                    .append("  client: ").append(pad(format(line.client()), clientWidth))
                    .append("  CloudWatch: ").append(pad(format(line.cloudWatch()), cloudWidth))
                    .append("  ");
            if (line.ok()) {
                out.append("ok");
            } else {
                double difference = line.client() - line.cloudWatch();
                out.append("MISMATCH (client ").append(difference > 0 ? "+" : "-")
                        .append(format(Math.abs(difference))).append(')');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Reconciliation[" + stream + "]\n" + render();
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, "%,.2f", value);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
