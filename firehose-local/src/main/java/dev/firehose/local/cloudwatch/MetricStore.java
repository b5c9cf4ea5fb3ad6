package dev.firehose.local.cloudwatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Metric data points kept in one-minute buckets, the way CloudWatch stores standard-resolution
 * metrics. The Firehose side records its AWS/Firehose metrics here; the CloudWatch side serves
 * them and stores what PutMetricData sends.
 *
 * <p>Each bucket holds a {@link StatisticSet} (sample count, sum, minimum, maximum) per unit, for
 * one {@link MetricKey} and one minute. Queries for longer periods merge the one-minute buckets.
 * Buckets older than {@link #RETENTION} (CloudWatch keeps one-minute data for 15 days) are dropped
 * as new samples arrive, so memory is bounded by the number of metrics, not by the run time.
 *
 * <p>Thread-safe: one instance is shared by every request thread of firehose-local. Each metric has
 * its own lock, so recording different metrics never contends.
 *
 * <p>"Now" comes from the {@link Clock} given to the constructor; tests pass a fixed or mutable
 * clock instead of waiting for minutes to pass.
 */
public final class MetricStore {

    /** How long one-minute data is kept: 15 days, as in CloudWatch. */
    public static final Duration RETENTION = Duration.ofDays(15);

    /** The unit of a sample recorded without one, as CloudWatch names it. */
    public static final String NO_UNIT = "None";

    private static final long MINUTE_SECONDS = 60;

    private final Clock clock;
    private final ConcurrentMap<MetricKey, Series> series = new ConcurrentHashMap<>();

    /** A store whose "now" is the system clock (UTC). */
    public MetricStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store whose "now" comes from a clock of the caller's.
     *
     * @param clock the clock, e.g. a fixed or mutable clock in a test; read from every thread that
     *              records or queries, so it must be thread-safe
     * @throws NullPointerException if {@code clock} is {@code null}
     */
    public MetricStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The clock that defines "now" for this store and the CloudWatch endpoint that serves it:
     * retention, {@link #lastRecordedAt}, the timestamp of a PutMetricData datum sent without one
     * (and the two weeks back to two hours ahead a given one must fall in),
     * and ListMetrics' {@code RecentlyActive} window.
     *
     * @return the clock given to the constructor, or the UTC system clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Adds one sample to the one-minute bucket that holds {@code timestamp}.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions e.g. {@code DeliveryStreamName -> clicks}; null or empty for none
     * @param timestamp  when the sample was taken
     * @param value      the sample's value, a finite number
     * @param unit       a CloudWatch unit name, e.g. {@code Count}, {@code Bytes}, {@code Milliseconds};
     *                   null means {@value #NO_UNIT}
     * @throws IllegalArgumentException if {@code value} is {@code NaN} or infinite
     * @throws NullPointerException     if {@code namespace}, {@code metricName} or
     *                                  {@code timestamp} is {@code null}
     */
    public void record(String namespace, String metricName, Map<String, String> dimensions,
                       Instant timestamp, double value, String unit) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + metricName + ": value " + value + " is not a finite number");
        }
        record(namespace, metricName, dimensions, timestamp, StatisticSet.of(value), unit);
    }

    /**
     * Adds a set of samples (PutMetricData's {@code StatisticValues}, or {@code Values} with
     * {@code Counts}) to the one-minute bucket that holds {@code timestamp}.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions e.g. {@code DeliveryStreamName -> clicks}; null or empty for none
     * @param timestamp  when the samples were taken
     * @param samples    the samples, at least one
     * @param unit       a CloudWatch unit name; null means {@value #NO_UNIT}
     * @throws IllegalArgumentException if {@code samples} holds no sample
     * @throws NullPointerException     if an argument other than {@code dimensions} and
     *                                  {@code unit} is {@code null}
     */
    public void record(String namespace, String metricName, Map<String, String> dimensions,
                       Instant timestamp, StatisticSet samples, String unit) {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(samples, "samples");
        if (samples.sampleCount() <= 0) {
            throw new IllegalArgumentException("metric " + metricName + ": sample count "
                    + samples.sampleCount() + " must be positive");
        }
        MetricKey key = MetricKey.of(namespace, metricName, dimensions);
        Series s = series.computeIfAbsent(key, k -> new Series());
        Instant now = clock.instant();
        s.add(minuteOf(timestamp), unit == null ? NO_UNIT : unit, samples, now,
                now.minus(RETENTION).getEpochSecond());
    }

    /**
     * Every metric that holds data, as ListMetrics lists them.
     *
     * @return the metrics, sorted by namespace, name, then dimensions; a new, modifiable list
     */
    public List<MetricKey> metrics() {
        List<MetricKey> keys = new ArrayList<>();
        series.forEach((k, s) -> {
            if (s.hasData()) {
                keys.add(k);
            }
        });
        keys.sort(ORDER);
        return keys;
    }

    /**
     * When a sample of a metric was last recorded, by this store's clock (not the sample's own
     * timestamp).
     *
     * @param key the metric
     * @return the time; empty if it was never recorded, or since {@link #clear()}
     */
    public Optional<Instant> lastRecordedAt(MetricKey key) {
        Series s = series.get(key);
        return s == null ? Optional.empty() : Optional.ofNullable(s.lastRecordedAt());
    }

    /**
     * The statistics of {@code key} per period over {@code [start, end)}, oldest first. Periods are
     * aligned on {@code start} rounded down to the minute (as CloudWatch does for recent data); a
     * one-minute bucket belongs to the window if it starts before {@code end}. Periods without data
     * are left out.
     *
     * @param key    the metric
     * @param start  start of the window, inclusive
     * @param end    end of the window, exclusive
     * @param period a positive multiple of one minute
     * @param unit   only samples recorded with this unit; null for all samples
     * @return one data point per period with data, oldest first; empty if {@code end} is not after
     *         {@code start}
     * @throws IllegalArgumentException if {@code period} is not a positive multiple of one minute
     */
    public List<MetricDatapoint> datapoints(MetricKey key, Instant start, Instant end, Duration period, String unit) {
        long periodSeconds = period.getSeconds();
        if (periodSeconds <= 0 || periodSeconds % MINUTE_SECONDS != 0 || period.getNano() != 0) {
            throw new IllegalArgumentException("period " + period + " is not a positive multiple of one minute");
        }
        long from = minuteOf(start);
        Series s = series.get(key);
        if (s == null || !start.isBefore(end)) {
            return List.of();
        }
        TreeMap<Long, Aggregate> periods = new TreeMap<>();
        s.forEachMinute(from, end, unit, (minute, stats, minuteUnit) -> {
            long periodStart = from + Math.floorDiv(minute - from, periodSeconds) * periodSeconds;
            periods.computeIfAbsent(periodStart, p -> new Aggregate()).add(stats, minuteUnit);
        });
        List<MetricDatapoint> result = new ArrayList<>(periods.size());
        periods.forEach((p, a) -> result.add(new MetricDatapoint(Instant.ofEpochSecond(p), a.stats, a.unit)));
        return result;
    }

    /**
     * The statistics of every sample of {@code key} in the one-minute buckets that start in
     * {@code [start rounded down to the minute, end)}; empty if there are none.
     *
     * @param key   the metric
     * @param start start of the window; rounded down to the minute
     * @param end   end of the window, exclusive
     * @param unit  only samples recorded with this unit; null for all samples
     * @return the merged statistics; empty if there are no samples, or {@code end} is not after
     *         {@code start}
     */
    public Optional<StatisticSet> statistics(MetricKey key, Instant start, Instant end, String unit) {
        Series s = series.get(key);
        if (s == null || !start.isBefore(end)) {
            return Optional.empty();
        }
        Aggregate a = new Aggregate();
        s.forEachMinute(minuteOf(start), end, unit, (minute, stats, minuteUnit) -> a.add(stats, minuteUnit));
        return Optional.ofNullable(a.stats);
    }

    /**
     * The sum of every sample of a metric in a window, whatever their unit, as
     * {@link #statistics} selects them: the CloudWatch {@code Sum} a test compares with its counts.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions e.g. {@code DeliveryStreamName -> clicks}; null or empty for none
     * @param start      start of the window; rounded down to the minute
     * @param end        end of the window, exclusive
     * @return the sum; 0 if there are no samples
     */
    public double sum(String namespace, String metricName, Map<String, String> dimensions, Instant start, Instant end) {
        return statistics(MetricKey.of(namespace, metricName, dimensions), start, end, null)
                .map(StatisticSet::sum).orElse(0.0);
    }

    /**
     * Removes every metric and data point, for example between two tests that share an endpoint.
     */
    public void clear() {
        series.clear();
    }

    static long minuteOf(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), MINUTE_SECONDS) * MINUTE_SECONDS;
    }

    private static final Comparator<MetricKey> ORDER = Comparator.comparing(MetricKey::namespace)
            .thenComparing(MetricKey::metricName)
            .thenComparing(k -> k.dimensions().toString());

    @FunctionalInterface
    private interface MinuteVisitor {
        void visit(long minute, StatisticSet stats, String unit);
    }

    /** Merges statistic sets; remembers the first unit it saw. Confined to one query. */
    private static final class Aggregate {
        StatisticSet stats;
        String unit;

        void add(StatisticSet s, String u) {
            stats = stats == null ? s : stats.plus(s);
            if (unit == null) {
                unit = u;
            }
        }
    }

    /** The one-minute buckets of one metric. All state is guarded by the instance's monitor. */
    private static final class Series {
        /** Minute start (epoch seconds) to unit to the samples of that minute with that unit. */
        private final TreeMap<Long, Map<String, StatisticSet>> minutes = new TreeMap<>();
        private Instant lastRecordedAt;

        synchronized void add(long minute, String unit, StatisticSet samples, Instant now, long oldestKept) {
            minutes.computeIfAbsent(minute, m -> new LinkedHashMap<>(2)).merge(unit, samples, StatisticSet::plus);
            lastRecordedAt = now;
            minutes.headMap(oldestKept).clear();
        }

        synchronized boolean hasData() {
            return !minutes.isEmpty();
        }

        synchronized Instant lastRecordedAt() {
            return lastRecordedAt;
        }

        synchronized void forEachMinute(long from, Instant end, String unit, MinuteVisitor visitor) {
            long endSecond = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
            for (Map.Entry<Long, Map<String, StatisticSet>> e : minutes.subMap(from, true, endSecond, false).entrySet()) {
                for (Map.Entry<String, StatisticSet> byUnit : e.getValue().entrySet()) {
                    if (unit == null || unit.equals(byUnit.getKey())) {
                        visitor.visit(e.getKey(), byUnit.getValue(), byUnit.getKey());
                    }
                }
            }
        }
    }
}
