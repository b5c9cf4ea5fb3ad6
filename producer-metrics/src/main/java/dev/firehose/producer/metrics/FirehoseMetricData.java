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

    /**
     * Holds an unmodifiable copy of {@code series}; the record is immutable and thread-safe.
     *
     * @param stream   the delivery stream
     * @param start    start of the window, inclusive
     * @param end      end of the window, exclusive
     * @param period   the length of one data point
     * @param series   the series per metric; copied
     * @param complete whether CloudWatch reported every series as complete
     * @throws NullPointerException if {@code stream}, {@code start}, {@code end}, {@code period} or
     *                              {@code series} is {@code null}, or {@code series} holds a
     *                              {@code null} key or value
     */
    public FirehoseMetricData {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(period, "period");
        // Not new EnumMap<>(series): that refuses an empty map of another type, such as Map.of().
        Map<FirehoseMetric, Series> copy = new EnumMap<>(FirehoseMetric.class);
        series.forEach((metric, s) -> copy.put(Objects.requireNonNull(metric, "metric"),
                Objects.requireNonNull(s, () -> "series of " + metric)));
        series = Collections.unmodifiableMap(copy);
    }

    /**
     * One data point: the value of one period.
     *
     * @param timestamp the start of the period
     * @param value     the period's value: a sum for a count metric, an average in milliseconds for
     *                  a latency metric
     */
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

        /**
         * Holds an unmodifiable copy of {@code points}.
         *
         * @param points      per-period values in time order; copied
         * @param sum         the sum of all data points' {@code Sum} statistic
         * @param sampleCount the sum of all data points' {@code SampleCount} statistic, or {@code NaN}
         * @throws NullPointerException if {@code points} is or holds {@code null}
         */
        public Series {
            points = List.copyOf(points);
        }

        /**
         * The series of a metric that has no data in the window.
         *
         * @return a series with no points, a sum of 0 and a sample count of 0
         */
        public static Series empty() {
            return new Series(List.of(), 0, 0);
        }

        /**
         * The total over the window.
         *
         * @param kind the kind of the metric this series belongs to
         * @return for a {@link FirehoseMetric.Kind#COUNT count}, the sum; for a
         *         {@link FirehoseMetric.Kind#LATENCY latency}, the average weighted by requests
         *         ({@code sum / sampleCount}), or {@code NaN} when the sample count is 0 or unknown
         */
        public double total(FirehoseMetric.Kind kind) {
            if (kind == FirehoseMetric.Kind.COUNT) {
                return sum;
            }
            return sampleCount > 0 ? sum / sampleCount : Double.NaN;
        }
    }

    /**
     * The series of one metric.
     *
     * @param metric the metric
     * @return its series; {@link Series#empty()} if it was not read or has no data
     */
    public Series seriesOf(FirehoseMetric metric) {
        return series.getOrDefault(metric, Series.empty());
    }

    /**
     * The total of one metric over the window.
     *
     * @param metric the metric
     * @return the sum of a count metric (0 with no data), or the average of a latency metric in
     *         milliseconds ({@code NaN} with no data)
     */
    public double total(FirehoseMetric metric) {
        return seriesOf(metric).total(metric.kind());
    }

    /**
     * The per-period points of one metric.
     *
     * @param metric the metric
     * @return its points in time order, one per period with data; empty if it was not read or has no
     *         data; unmodifiable
     */
    public List<Point> points(FirehoseMetric metric) {
        return seriesOf(metric).points();
    }
}
