package dev.firehose.producer.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * Reads a delivery stream's AWS/Firehose metrics back from CloudWatch with GetMetricData, and
 * reconciles them with the producer's own counts.
 *
 * <pre>{@code
 * FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.create(cloudWatchAsyncClient);
 * Reconciliation r = reader.awaitReconciled("clicks", workloadStart, Instant.now(),
 *         Reconciliation.clientTotals(registry, "clicks"), Duration.ofMinutes(5)).join();
 * log.info("\n{}", r.render());
 * }</pre>
 *
 * <p>Thread-safe; one instance can be shared. The reader does not own the CloudWatch client: it
 * never closes it.
 *
 * <p>The reader is the only class of this module that needs the CloudWatch SDK
 * ({@code software.amazon.awssdk:cloudwatch}), an optional dependency the application declares
 * itself; without it, {@link #builder()} and {@link #create} throw a {@link NoClassDefFoundError}
 * that says so.
 */
public final class FirehoseCloudWatchReader {

    /** Default length of one data point: one minute, CloudWatch's standard resolution. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(1);

    /** Default time between two reads while waiting for CloudWatch to catch up: 15 seconds. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);

    /** At most this many GetMetricData pages are read for one window; more means a looping token. */
    static final int MAX_PAGES = 1_000;

    private static final Logger log = LoggerFactory.getLogger(FirehoseCloudWatchReader.class);

    private final CloudWatchAsyncClient client;
    private final Duration period;
    private final Duration pollInterval;

    private FirehoseCloudWatchReader(Builder builder) {
        this.client = builder.client;
        this.period = builder.period;
        this.pollInterval = builder.pollInterval;
    }

    /**
     * A reader with the default period ({@link #DEFAULT_PERIOD}) and poll interval
     * ({@link #DEFAULT_POLL_INTERVAL}).
     *
     * @param client the CloudWatch client to read with; the reader never closes it
     * @return a new reader
     * @throws NullPointerException if {@code client} is {@code null}
     * @throws NoClassDefFoundError if the CloudWatch SDK is not on the class path (see {@link #builder()})
     */
    public static FirehoseCloudWatchReader create(CloudWatchAsyncClient client) {
        return builder().client(client).build();
    }

    /**
     * A builder for a reader with settings other than the defaults.
     *
     * @return a new builder
     * @throws NoClassDefFoundError if the CloudWatch SDK ({@code software.amazon.awssdk:cloudwatch},
     *                              an optional dependency of producer-metrics) is not on the class path
     */
    public static Builder builder() {
        requireCloudWatchSdk();
        return new Builder();
    }

    /**
     * Fails with a message that says what to add when the CloudWatch SDK is missing. producer-metrics
     * declares it optional, as only this class needs it; without this check the first SDK class the
     * reader touched would fail with its bare name, somewhere in the middle of a read.
     */
    private static void requireCloudWatchSdk() {
        try {
            CloudWatchAsyncClient.class.getName();
        } catch (NoClassDefFoundError e) {
            NoClassDefFoundError missing = new NoClassDefFoundError("FirehoseCloudWatchReader needs the CloudWatch "
                    + "SDK, which producer-metrics declares optional: add software.amazon.awssdk:cloudwatch to your "
                    + "dependencies (" + e.getMessage() + " not found)");
            missing.initCause(e);
            throw missing;
        }
    }

    /**
     * The length of one data point, to which every window is aligned.
     *
     * @return a whole number of minutes from 1 to 60
     */
    public Duration period() {
        return period;
    }

    @Override
    public String toString() {
        return "FirehoseCloudWatchReader{period=" + period + ", pollInterval=" + pollInterval + '}';
    }

    /**
     * Reads every metric of {@link FirehoseMetric} for a stream over a window, as
     * {@link #read(String, Instant, Instant, Set)} does.
     *
     * @param stream the delivery stream, the value of the {@value FirehoseMetric#STREAM_DIMENSION}
     *               dimension
     * @param start  start of the window, inclusive; rounded down to a whole period
     * @param end    end of the window, exclusive; rounded up to a whole period, and at least one
     *               period after the rounded start
     * @return the data, with a series for every metric; completes exceptionally with the CloudWatch
     *         client's exception if a call fails
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code end} is before {@code start}
     */
    public CompletableFuture<FirehoseMetricData> read(String stream, Instant start, Instant end) {
        return read(stream, start, end, EnumSet.allOf(FirehoseMetric.class));
    }

    /**
     * Reads {@code metrics} for {@code stream} over a window. The window is widened to whole
     * periods (start rounded down, end rounded up), so that every minute the workload touched is
     * counted. Count metrics are read with the {@code Sum} statistic, latencies with {@code Sum}
     * and {@code SampleCount}; all pages of the answer are read, following {@code NextToken}.
     *
     * @param stream  the delivery stream, the value of the {@value FirehoseMetric#STREAM_DIMENSION}
     *                dimension
     * @param start   start of the window, inclusive; rounded down to a whole period
     * @param end     end of the window, exclusive; rounded up to a whole period, and at least one
     *                period after the rounded start
     * @param metrics the metrics to read; not empty
     * @return the data, with a series for each metric read; completes exceptionally with the
     *         CloudWatch client's exception if a call fails, or with an {@link IllegalStateException}
     *         if the answer runs to more than 1,000 pages
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code end} is before {@code start} or {@code metrics} is
     *                                  empty
     */
    public CompletableFuture<FirehoseMetricData> read(String stream, Instant start, Instant end,
                                                      Set<FirehoseMetric> metrics) {
        Objects.requireNonNull(stream, "stream");
        Dimension dimension = Dimension.builder().name(FirehoseMetric.STREAM_DIMENSION).value(stream).build();
        return read(stream, start, end, metrics, metric -> {
            Metric m = Metric.builder().namespace(FirehoseMetric.NAMESPACE)
                    .metricName(metric.cloudWatchName()).dimensions(dimension).build();
            return metric.kind() == FirehoseMetric.Kind.COUNT
                    ? List.of(stat(m, "Sum"))
                    : List.of(stat(m, "Sum"), stat(m, "SampleCount"));
        });
    }

    /**
     * Reads back what a Micrometer {@code CloudWatchMeterRegistry} published of the
     * {@link FirehoseProducerMetrics} meters of {@code stream}, as the same kind of data as
     * {@link #read(String, Instant, Instant, Set)}: a count metric is the {@code Sum} of the
     * counter's {@code <meter name>.count} metric; a latency is the {@code Sum} of the timer's
     * {@code <meter name>.sum} (milliseconds) over the {@code Sum} of its {@code <meter name>.count}.
     * Setting one against the other reconciles the client with CloudWatch over any window, not only
     * since the meters were bound.
     *
     * @param namespace       the registry's namespace ({@code CloudWatchConfig.namespace()})
     * @param stream          the delivery stream, the value of the meters'
     *                        {@value FirehoseMetric#STREAM_TAG} tag
     * @param extraDimensions the binder's extra tags and the registry's common tags, which CloudWatch
     *                        stores as dimensions and requires to match exactly; may be empty
     * @param start           start of the window, inclusive; rounded down to a whole period
     * @param end             end of the window, exclusive; rounded up to a whole period
     * @param metrics         the metrics to read; not empty; the {@code PutRecord.*} metrics have no
     *                        meter and read as empty series
     * @return the data, with a series for each metric read; completes exceptionally with the
     *         CloudWatch client's exception if a call fails
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code end} is before {@code start} or {@code metrics} is
     *                                  empty
     */
    public CompletableFuture<FirehoseMetricData> readPublished(String namespace, String stream,
                                                               Map<String, String> extraDimensions,
                                                               Instant start, Instant end,
                                                               Set<FirehoseMetric> metrics) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(stream, "stream");
        List<Dimension> dimensions = new ArrayList<>();
        dimensions.add(Dimension.builder().name(FirehoseMetric.STREAM_TAG).value(stream).build());
        new TreeMap<>(extraDimensions).forEach((k, v) -> dimensions.add(Dimension.builder().name(k).value(v).build()));
        return read(stream, start, end, metrics, metric -> {
            Metric.Builder m = Metric.builder().namespace(namespace).dimensions(dimensions);
            return metric.kind() == FirehoseMetric.Kind.COUNT
                    ? List.of(stat(m.metricName(metric.meterName() + ".count").build(), "Sum"))
                    : List.of(stat(m.metricName(metric.meterName() + ".sum").build(), "Sum"),
                            stat(m.metricName(metric.meterName() + ".count").build(), "Sum"));
        });
    }

    private static MetricStat stat(Metric metric, String stat) {
        return MetricStat.builder().metric(metric).stat(stat).build();
    }

    /**
     * Reads each metric with the statistics {@code queries} gives for it: the first is summed into
     * the series' {@code sum}; for a latency the second is its sample count.
     */
    private CompletableFuture<FirehoseMetricData> read(String stream, Instant start, Instant end,
                                                       Set<FirehoseMetric> metrics,
                                                       Function<FirehoseMetric, List<MetricStat>> queries) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("no metric to read");
        }
        long periodSeconds = period.toSeconds();
        Instant alignedStart = Instant.ofEpochSecond(Math.floorDiv(start.getEpochSecond(), periodSeconds)
                * periodSeconds);
        long endSeconds = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
        Instant alignedEnd = Instant.ofEpochSecond(-Math.floorDiv(-endSeconds, periodSeconds) * periodSeconds);
        if (!alignedEnd.isAfter(alignedStart)) {
            alignedEnd = alignedStart.plus(period);
        }

        Query query = new Query(metrics, queries, (int) periodSeconds);
        GetMetricDataRequest request = GetMetricDataRequest.builder()
                .metricDataQueries(query.queries)
                .startTime(alignedStart)
                .endTime(alignedEnd)
                .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .build();
        Instant windowStart = alignedStart;
        Instant windowEnd = alignedEnd;
        return fetch(request, null, query, 0)
                .thenApply(ignored -> query.result(stream, windowStart, windowEnd, period));
    }

    /**
     * Waits for CloudWatch to hold the client's counts: reads the window every poll interval until
     * every metric of {@code clientTotals} matches, or {@code timeout} has passed. CloudWatch
     * publishes data points minutes after the fact, so a reconciliation right after a workload
     * is usually short. The first read starts at once, on the calling thread; the waits between
     * reads block no thread.
     *
     * @param stream       the delivery stream
     * @param start        start of the window, inclusive; rounded down to a whole period
     * @param end          end of the window, exclusive; rounded up to a whole period
     * @param clientTotals the client's counts per metric, e.g. from
     *                     {@link Reconciliation#clientTotals(io.micrometer.core.instrument.MeterRegistry, String)};
     *                     count metrics only, at least one
     * @param timeout      how long to keep reading; zero or negative reads once
     * @return the first balanced reconciliation, or the last one read when the time ran out (check
     *         {@link Reconciliation#balanced()}); completes exceptionally if a read fails
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code clientTotals} is empty or holds a latency metric, or
     *                                  {@code end} is before {@code start}
     */
    public CompletableFuture<Reconciliation> awaitReconciled(String stream, Instant start, Instant end,
                                                             Map<FirehoseMetric, ? extends Number> clientTotals,
                                                             Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Set<FirehoseMetric> metrics = EnumSet.noneOf(FirehoseMetric.class);
        for (FirehoseMetric metric : clientTotals.keySet()) {
            if (metric.kind() != FirehoseMetric.Kind.COUNT) {
                throw new IllegalArgumentException(metric.cloudWatchName()
                        + " is not a count and cannot be reconciled");
            }
            metrics.add(metric);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return poll(stream, start, end, metrics, clientTotals, deadline);
    }

    private CompletableFuture<Reconciliation> poll(String stream, Instant start, Instant end,
                                                   Set<FirehoseMetric> metrics,
                                                   Map<FirehoseMetric, ? extends Number> clientTotals,
                                                   long deadline) {
        return read(stream, start, end, metrics).thenCompose(data -> {
            Reconciliation reconciliation = Reconciliation.of(clientTotals, data);
            long left = deadline - System.nanoTime();
            if (reconciliation.balanced() || left <= 0) {
                return CompletableFuture.completedFuture(reconciliation);
            }
            log.debug("CloudWatch does not hold the client's counts for {} yet:\n{}", stream,
                    reconciliation.render());
            long wait = Math.min(left, pollInterval.toNanos());
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS))
                    .thenCompose(ignored -> poll(stream, start, end, metrics, clientTotals, deadline));
        });
    }

    private CompletableFuture<Void> fetch(GetMetricDataRequest request, String token, Query query, int page) {
        if (page >= MAX_PAGES) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "GetMetricData returned more than " + MAX_PAGES + " pages; giving up"));
        }
        GetMetricDataRequest pageRequest = token == null ? request : request.toBuilder().nextToken(token).build();
        return client.getMetricData(pageRequest).thenCompose(response -> {
            query.add(response);
            String next = response.nextToken();
            if (next == null || next.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return fetch(request, next, query, page + 1);
        });
    }

    /** The queries of one read and the data collected from its pages. Used by one read at a time. */
    private static final class Query {
        private final List<MetricDataQuery> queries = new ArrayList<>();
        // metric -> ids of its queries: [sum] or [sum, sample count]
        private final Map<FirehoseMetric, List<String>> idsByMetric = new EnumMap<>(FirehoseMetric.class);
        // id -> timestamp -> value, merged over pages
        private final Map<String, TreeMap<Instant, Double>> values = new HashMap<>();
        private boolean complete = true;

        Query(Set<FirehoseMetric> metrics, Function<FirehoseMetric, List<MetricStat>> stats, int periodSeconds) {
            for (FirehoseMetric metric : metrics) {
                List<String> ids = new ArrayList<>();
                List<MetricStat> metricStats = stats.apply(metric);
                for (int i = 0; i < metricStats.size(); i++) {
                    String id = "m" + metric.ordinal() + "s" + i;
                    MetricStat stat = metricStats.get(i).toBuilder().period(periodSeconds).build();
                    queries.add(MetricDataQuery.builder()
                            .id(id)
                            .label(stat.metric().metricName() + " " + stat.stat())
                            .metricStat(stat)
                            .returnData(true)
                            .build());
                    ids.add(id);
                    values.put(id, new TreeMap<>());
                }
                idsByMetric.put(metric, ids);
            }
        }

        void add(GetMetricDataResponse response) {
            for (MetricDataResult result : response.metricDataResults()) {
                TreeMap<Instant, Double> series = values.get(result.id());
                if (series == null) {
                    continue;
                }
                if (result.statusCode() != null && result.statusCode() != StatusCode.COMPLETE) {
                    complete = false;
                }
                List<Instant> timestamps = result.timestamps();
                List<Double> points = result.values();
                int n = Math.min(timestamps.size(), points.size());
                for (int i = 0; i < n; i++) {
                    series.merge(timestamps.get(i), points.get(i), Double::sum);
                }
            }
        }

        FirehoseMetricData result(String stream, Instant start, Instant end, Duration period) {
            Map<FirehoseMetric, FirehoseMetricData.Series> series = new EnumMap<>(FirehoseMetric.class);
            idsByMetric.forEach((metric, ids) -> {
                TreeMap<Instant, Double> sums = values.get(ids.get(0));
                double sum = sums.values().stream().mapToDouble(Double::doubleValue).sum();
                List<FirehoseMetricData.Point> points = new ArrayList<>();
                double sampleCount = Double.NaN;
                if (metric.kind() == FirehoseMetric.Kind.COUNT) {
                    sums.forEach((t, v) -> points.add(new FirehoseMetricData.Point(t, v)));
                } else {
                    TreeMap<Instant, Double> counts = values.get(ids.get(1));
                    sampleCount = counts.values().stream().mapToDouble(Double::doubleValue).sum();
                    sums.forEach((t, v) -> {
                        Double n = counts.get(t);
                        if (n != null && n > 0) {
                            points.add(new FirehoseMetricData.Point(t, v / n));
                        }
                    });
                }
                series.put(metric, new FirehoseMetricData.Series(points, sum, sampleCount));
            });
            return new FirehoseMetricData(stream, start, end, period, series, complete);
        }
    }

    /** Builds a {@link FirehoseCloudWatchReader}. */
    public static final class Builder {
        private CloudWatchAsyncClient client;
        private Duration period = DEFAULT_PERIOD;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder() {
        }

        /**
         * The CloudWatch client to read with. Required. The reader never closes it.
         *
         * @param client the client, configured with the region and credentials to read with
         * @return this builder
         * @throws NullPointerException if {@code client} is {@code null}
         */
        public Builder client(CloudWatchAsyncClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The length of one data point; every window read is widened to whole periods.
         * Default {@link #DEFAULT_PERIOD} (1 minute).
         *
         * @param period a whole number of minutes from 1 to 60
         * @return this builder
         * @throws NullPointerException     if {@code period} is {@code null}
         * @throws IllegalArgumentException if {@code period} is not a whole number of minutes from 1
         *                                  to 60
         */
        public Builder period(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.toSeconds() < 60 || period.toSeconds() > 3600 || period.toSeconds() % 60 != 0
                    || period.toNanosPart() != 0) {
                throw new IllegalArgumentException("period " + period
                        + " must be a whole number of minutes from 1 to 60");
            }
            this.period = period;
            return this;
        }

        /**
         * Time between two reads in {@link #awaitReconciled}. CloudWatch answers up to 50
         * GetMetricData calls per second per account by default, and each read is one call or a
         * few. Default {@link #DEFAULT_POLL_INTERVAL} (15 seconds).
         *
         * @param pollInterval the time, positive
         * @return this builder
         * @throws NullPointerException     if {@code pollInterval} is {@code null}
         * @throws IllegalArgumentException if {@code pollInterval} is zero or negative
         */
        public Builder pollInterval(Duration pollInterval) {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval " + pollInterval + " must be positive");
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Creates the reader.
         *
         * @return a new reader with this builder's settings
         * @throws IllegalStateException if no {@link #client} was set
         */
        public FirehoseCloudWatchReader build() {
            if (client == null) {
                throw new IllegalStateException("client is required");
            }
            return new FirehoseCloudWatchReader(this);
        }
    }
}
