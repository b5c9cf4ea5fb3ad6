package dev.firehose.producer.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What CloudWatch holds for one delivery stream's AWS/Firehose metrics over a time window, as read
 * by {@link FirehoseCloudWatchReader}: one series of per-period points per metric, and totals.
 *
 * @param stream   the delivery stream
 * @param start    start of the window, inclusive, aligned to the period
 * @param end      end of the window, exclusive, aligned to the period
 * @param period   the length of one data point, usually one minute
 * @param series   the series read, one per metric; a metric with no data has an empty series
 * @param complete whether CloudWatch reported every series as complete ({@code StatusCode}
 *                 {@code Complete}); {@code false} when it returned partial data
 */
public record FirehoseMetricData(String stream, Instant start, Instant end, Duration period,
                                 Map<FirehoseMetric, Series> series, boolean complete) {

    public FirehoseMetricData {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(period, "period");
        series = Collections.unmodifiableMap(new EnumMap<>(series));
    }

    /** One data point: the value of one period starting at {@code timestamp}. */
    public record Point(Instant timestamp, double value) {
    }

    /**
     * One metric's data over the window.
     *
     * @param points      per-period values in time order: the {@code Sum} of a count metric, the
     *                    {@code Average} of a latency metric
     * @param sum         the sum of all data points' {@code Sum} statistic
     * @param sampleCount the sum of all data points' {@code SampleCount} statistic (for a latency
     *                    metric, the number of requests timed); {@code NaN} when it was not read
     */
    public record Series(List<Point> points, double sum, double sampleCount) {

        public Series {
            points = List.copyOf(points);
        }

        /** The series of a metric that has no data in the window. */
        public static Series empty() {
            return new Series(List.of(), 0, 0);
        }

        /** The total over the window: the sum for a count, the request-weighted average for a latency. */
        public double total(FirehoseMetric.Kind kind) {
            if (kind == FirehoseMetric.Kind.COUNT) {
                return sum;
            }
            return sampleCount > 0 ? sum / sampleCount : Double.NaN;
        }
    }

    /** The series of {@code metric}; empty if it was not read or has no data. */
    public Series seriesOf(FirehoseMetric metric) {
        return series.getOrDefault(metric, Series.empty());
    }

    /**
     * The total of {@code metric} over the window: the sum of a count metric (0 with no data), the
     * average of a latency metric in milliseconds ({@code NaN} with no data).
     */
    public double total(FirehoseMetric metric) {
        return seriesOf(metric).total(metric.kind());
    }

    /** The per-period points of {@code metric}, in time order. */
    public List<Point> points(FirehoseMetric metric) {
        return seriesOf(metric).points();
    }
}
