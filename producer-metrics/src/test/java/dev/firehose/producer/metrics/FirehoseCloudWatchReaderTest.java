package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.Quota;
import dev.firehose.producer.FirehoseProducer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * {@link FirehoseCloudWatchReader}: against an in-memory stand-in for CloudWatch's GetMetricData
 * that pages its answer, and against firehose-local's CloudWatch after a workload with faults.
 */
class FirehoseCloudWatchReaderTest {

    private static final Instant T0 = Instant.parse("2026-11-22T06:00:00Z");
    private static final Logger log = LoggerFactory.getLogger(FirehoseCloudWatchReaderTest.class);

    // ---- against firehose-local ---------------------------------------------------------------

    private static FirehoseLocal local;
    private static FirehoseAsyncClient firehose;
    private static CloudWatchAsyncClient cloudWatch;

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(3).build().start();
        firehose = local.asyncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        cloudWatch = LocalWorkload.cloudWatchClient(local);
    }

    @AfterAll
    static void stopEndpoint() {
        if (cloudWatch != null) {
            cloudWatch.close();
        }
        if (firehose != null) {
            firehose.close();
        }
        if (local != null) {
            local.close();
        }
    }

    @Test
    void readBackReturnsTheCountsTheClientRecorded() {
        String stream = "readback";
        local.createDeliveryStream(stream);
        local.setFaults(stream, Faults.builder().entryInternalFailureRate(0.05).requestInternalErrorRate(0.05)
                .dropBeforeStoreRate(0.02).build());
        // Throttles entries (1,000 records/s) and whole requests (4 requests/s).
        local.setQuota(stream, Quota.builder().recordsPerSecond(1_000).requestsPerSecond(4).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant start = Instant.now();
        List<LocalWorkload.Outcome> outcomes;
        FirehoseProducer producer = FirehoseProducer.builder().client(firehose)
                .config(LocalWorkload.quickConfig().lingerTime(Duration.ofSeconds(1)).build()).build();
        try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);
            outcomes = LocalWorkload.putAll(producer, stream, LocalWorkload.records("readback", 2_550));
            LocalWorkload.stopSender(producer);
            Instant end = Instant.now();

            Map<FirehoseMetric, Double> client = Reconciliation.clientTotals(registry, stream);
            assertThat(client).containsOnlyKeys(FirehoseMetric.INCOMING_RECORDS, FirehoseMetric.INCOMING_BYTES,
                    FirehoseMetric.INCOMING_PUT_REQUESTS, FirehoseMetric.THROTTLED_RECORDS,
                    FirehoseMetric.PUT_RECORD_BATCH_RECORDS, FirehoseMetric.PUT_RECORD_BATCH_BYTES,
                    FirehoseMetric.PUT_RECORD_BATCH_REQUESTS);
            assertThat(client.get(FirehoseMetric.INCOMING_RECORDS))
                    .isEqualTo(outcomes.stream().filter(LocalWorkload.Outcome::acknowledged).count())
                    .isEqualTo(local.ledger().count(stream));

            FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.builder().client(cloudWatch)
                    .pollInterval(Duration.ofMillis(200)).build();
            Reconciliation reconciliation = reader.awaitReconciled(stream, start, end, client, Duration.ofSeconds(10))
                    .join();
            log.info("read-back of {}:\n{}", stream, reconciliation.render());
            assertThat(reconciliation.balanced()).as(reconciliation.render()).isTrue();
            assertThat(reconciliation.lines()).hasSize(7);
            assertThat(reconciliation.render()).contains("IncomingRecords").contains("ok");

            FirehoseMetricData data = reader.read(stream, start, end).join();
            for (FirehoseMetric metric : FirehoseMetric.counts()) {
                List<FirehoseMetricData.Point> points = data.points(metric);
                assertThat(points.stream().mapToDouble(FirehoseMetricData.Point::value).sum())
                        .as(metric.cloudWatchName()).isEqualTo(data.total(metric));
                assertThat(points).allSatisfy(p -> {
                    assertThat(p.timestamp().getEpochSecond() % 60).isZero();
                    assertThat(p.timestamp()).isBetween(data.start(), data.end());
                });
            }
            Timer latency = registry.get("firehose.put.record.batch.latency").tag("stream", stream).timer();
            assertThat(data.seriesOf(FirehoseMetric.PUT_RECORD_BATCH_LATENCY).sampleCount()).isEqualTo(latency.count());
            assertThat(data.total(FirehoseMetric.PUT_RECORD_BATCH_LATENCY)).isPositive();
            assertThat(data.total(FirehoseMetric.PUT_RECORD_BYTES)).isZero();
        } finally {
            producer.close();
        }
    }

    @Test
    void aLostAnswerShowsAsAGapThatThePossibleDuplicatesExplain() {
        String stream = "lost-answers";
        local.createDeliveryStream(stream);
        // The endpoint stores the records, then closes the connection without answering.
        local.setFaults(stream, Faults.builder().dropAfterStoreRate(0.3).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant start = Instant.now();
        FirehoseProducer producer = FirehoseProducer.builder().client(firehose)
                .config(LocalWorkload.quickConfig().maxBatchRecords(20).build()).build();
        try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);
            List<LocalWorkload.Outcome> outcomes =
                    LocalWorkload.putAll(producer, stream, LocalWorkload.records("lost", 500));
            LocalWorkload.stopSender(producer);

            long acknowledged = outcomes.stream().filter(LocalWorkload.Outcome::acknowledged).count();
            long extraCopies = local.ledger().count(stream) - acknowledged;
            assertThat(extraCopies).as("copies stored without an answer").isPositive();
            Set<String> flagged = new java.util.HashSet<>();
            outcomes.stream().filter(LocalWorkload.Outcome::mayBeDuplicated)
                    .forEach(o -> flagged.add(java.util.Base64.getEncoder().encodeToString(o.data())));
            assertThat(flagged).containsAll(local.ledger().duplicates(stream).keySet());
            assertThat(registry.get("firehose.producer.possible.duplicate.records").counter().count())
                    .isEqualTo(flagged.size());

            Reconciliation r = FirehoseCloudWatchReader.create(cloudWatch).read(stream, start, Instant.now())
                    .thenApply(data -> Reconciliation.of(Reconciliation.clientTotals(registry, stream), data)).join();
            Reconciliation.Line incoming = r.line(FirehoseMetric.INCOMING_RECORDS).orElseThrow();
            assertThat(incoming.client()).isEqualTo(acknowledged);
            assertThat(incoming.cloudWatch() - incoming.client()).isEqualTo(extraCopies);
            assertThat(r.render()).contains("MISMATCH (client -" + extraCopies + ")");
        } finally {
            producer.close();
        }
    }

    // ---- against an in-memory GetMetricData -----------------------------------------------------

    @Test
    void readFollowsNextTokenAndMergesThePagesOfEachMetric() {
        FakeCloudWatch cw = new FakeCloudWatch(2);
        cw.put("IncomingRecords", "Sum", T0, 500);
        cw.put("IncomingRecords", "Sum", T0.plusSeconds(60), 700);
        cw.put("IncomingRecords", "Sum", T0.plusSeconds(120), 300);
        cw.put("IncomingBytes", "Sum", T0, 50_000);
        cw.put("IncomingBytes", "Sum", T0.plusSeconds(120), 30_000);

        FirehoseMetricData data = FirehoseCloudWatchReader.create(cw)
                .read("clicks", T0, T0.plusSeconds(150),
                        EnumSet.of(FirehoseMetric.INCOMING_RECORDS, FirehoseMetric.INCOMING_BYTES))
                .join();

        assertThat(cw.requests).hasSizeGreaterThan(1);
        assertThat(cw.requests.get(0).nextToken()).isNull();
        assertThat(cw.requests.subList(1, cw.requests.size())).allSatisfy(r -> assertThat(r.nextToken()).isNotNull());
        assertThat(data.total(FirehoseMetric.INCOMING_RECORDS)).isEqualTo(1_500);
        assertThat(data.total(FirehoseMetric.INCOMING_BYTES)).isEqualTo(80_000);
        assertThat(data.points(FirehoseMetric.INCOMING_RECORDS)).containsExactly(
                new FirehoseMetricData.Point(T0, 500),
                new FirehoseMetricData.Point(T0.plusSeconds(60), 700),
                new FirehoseMetricData.Point(T0.plusSeconds(120), 300));
        assertThat(data.complete()).isTrue();
    }

    @Test
    void readAsksForTheStreamsMetricsWithSumPerMinuteOverWholeMinutes() {
        FakeCloudWatch cw = new FakeCloudWatch(100);

        FirehoseMetricData data = FirehoseCloudWatchReader.create(cw)
                .read("clicks", T0.plusSeconds(10), T0.plusSeconds(130)).join();

        GetMetricDataRequest request = cw.requests.get(0);
        assertThat(request.startTime()).isEqualTo(T0);
        assertThat(request.endTime()).isEqualTo(T0.plusSeconds(180));
        assertThat(data.start()).isEqualTo(T0);
        assertThat(data.end()).isEqualTo(T0.plusSeconds(180));
        assertThat(request.metricDataQueries()).allSatisfy(q -> {
            assertThat(q.metricStat().metric().namespace()).isEqualTo("AWS/Firehose");
            assertThat(q.metricStat().metric().dimensions()).singleElement().satisfies(d -> {
                assertThat(d.name()).isEqualTo("DeliveryStreamName");
                assertThat(d.value()).isEqualTo("clicks");
            });
            assertThat(q.metricStat().period()).isEqualTo(60);
            assertThat(q.id()).matches("[a-z][a-zA-Z0-9_]*");
        });
        Map<String, List<String>> statsByMetric = new HashMap<>();
        for (MetricDataQuery q : request.metricDataQueries()) {
            statsByMetric.computeIfAbsent(q.metricStat().metric().metricName(), k -> new ArrayList<>())
                    .add(q.metricStat().stat());
        }
        for (FirehoseMetric metric : FirehoseMetric.values()) {
            assertThat(statsByMetric.get(metric.cloudWatchName())).as(metric.cloudWatchName())
                    .containsExactlyInAnyOrderElementsOf(metric.kind() == FirehoseMetric.Kind.COUNT
                            ? List.of("Sum") : List.of("Sum", "SampleCount"));
        }
        assertThat(data.total(FirehoseMetric.THROTTLED_RECORDS)).isZero();
        assertThat(data.total(FirehoseMetric.PUT_RECORD_BATCH_LATENCY)).isNaN();
    }

    @Test
    void latencyIsTheAverageWeightedByRequests() {
        FakeCloudWatch cw = new FakeCloudWatch(100);
        cw.put("PutRecordBatch.Latency", "Sum", T0, 300);        // 3 requests of 100 ms on average
        cw.put("PutRecordBatch.Latency", "SampleCount", T0, 3);
        cw.put("PutRecordBatch.Latency", "Sum", T0.plusSeconds(60), 20);  // 1 request of 20 ms
        cw.put("PutRecordBatch.Latency", "SampleCount", T0.plusSeconds(60), 1);

        FirehoseMetricData data = FirehoseCloudWatchReader.create(cw)
                .read("clicks", T0, T0.plusSeconds(120), EnumSet.of(FirehoseMetric.PUT_RECORD_BATCH_LATENCY))
                .join();

        assertThat(data.total(FirehoseMetric.PUT_RECORD_BATCH_LATENCY)).isEqualTo(80.0);
        assertThat(data.seriesOf(FirehoseMetric.PUT_RECORD_BATCH_LATENCY).sampleCount()).isEqualTo(4);
        assertThat(data.points(FirehoseMetric.PUT_RECORD_BATCH_LATENCY)).containsExactly(
                new FirehoseMetricData.Point(T0, 100.0),
                new FirehoseMetricData.Point(T0.plusSeconds(60), 20.0));
    }

    @Test
    void partialDataIsReportedAsIncomplete() {
        FakeCloudWatch cw = new FakeCloudWatch(100);
        cw.status = StatusCode.PARTIAL_DATA;
        cw.put("IncomingRecords", "Sum", T0, 5);

        FirehoseMetricData data = FirehoseCloudWatchReader.create(cw)
                .read("clicks", T0, T0.plusSeconds(60), EnumSet.of(FirehoseMetric.INCOMING_RECORDS)).join();

        assertThat(data.complete()).isFalse();
        assertThat(data.total(FirehoseMetric.INCOMING_RECORDS)).isEqualTo(5);
    }

    @Test
    void aFailedCallFailsTheRead() {
        FakeCloudWatch cw = new FakeCloudWatch(100);
        cw.failure = CloudWatchException.builder().message("denied").statusCode(403).build();

        CompletableFuture<FirehoseMetricData> read = FirehoseCloudWatchReader.create(cw)
                .read("clicks", T0, T0.plusSeconds(60));

        assertThatThrownBy(read::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CloudWatchException.class);
    }

    @Test
    void awaitReconciledReadsAgainUntilCloudWatchHoldsTheClientsCounts() {
        FakeCloudWatch cw = new FakeCloudWatch(100);
        // CloudWatch catches up one minute per read: 500 records on the 1st read, 1,000 on the 2nd, 1,500 on the 3rd.
        cw.beforeEachRead = reads -> {
            if (reads <= 3) {
                cw.put("IncomingRecords", "Sum", T0.plusSeconds(60L * (reads - 1)), 500);
            }
            return null;
        };
        FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.builder().client(cw)
                .pollInterval(Duration.ofMillis(1)).build();

        Reconciliation r = reader.awaitReconciled("clicks", T0, T0.plusSeconds(180),
                Map.of(FirehoseMetric.INCOMING_RECORDS, 1_500), Duration.ofSeconds(30)).join();

        assertThat(r.balanced()).isTrue();
        assertThat(cw.reads).isEqualTo(3);
        assertThat(r.line(FirehoseMetric.INCOMING_RECORDS).orElseThrow().cloudWatch()).isEqualTo(1_500);
    }

    @Test
    void awaitReconciledReturnsTheLastReadingWhenTheTimeRunsOut() {
        FakeCloudWatch cw = new FakeCloudWatch(100);
        cw.put("IncomingRecords", "Sum", T0, 1_000);
        FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.builder().client(cw)
                .pollInterval(Duration.ofMillis(5)).build();

        Reconciliation r = reader.awaitReconciled("clicks", T0, T0.plusSeconds(60),
                Map.of(FirehoseMetric.INCOMING_RECORDS, 1_500), Duration.ofMillis(50)).join();

        assertThat(r.balanced()).isFalse();
        assertThat(cw.reads).isPositive();
        assertThat(r.render()).contains("MISMATCH");
    }

    @Test
    void awaitReconciledRefusesLatencies() {
        FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.create(new FakeCloudWatch(10));

        assertThatThrownBy(() -> reader.awaitReconciled("clicks", T0, T0.plusSeconds(60),
                Map.of(FirehoseMetric.PUT_RECORD_BATCH_LATENCY, 12), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PutRecordBatch.Latency");
    }

    @Test
    void builderChecksItsValues() {
        assertThatThrownBy(() -> FirehoseCloudWatchReader.builder().period(Duration.ofSeconds(90)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1M30S");
        assertThatThrownBy(() -> FirehoseCloudWatchReader.builder().pollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirehoseCloudWatchReader.builder().build())
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * GetMetricData over an in-memory store of per-minute statistics, answering at most
     * {@code pageSize} data points per page and continuing with a NextToken, the way CloudWatch
     * pages large answers.
     */
    private static final class FakeCloudWatch implements CloudWatchAsyncClient {
        // "metric/stat" -> minute -> value
        private final Map<String, TreeMap<Instant, Double>> store = new HashMap<>();
        private final int pageSize;
        final List<GetMetricDataRequest> requests = new CopyOnWriteArrayList<>();
        volatile int reads;
        volatile StatusCode status = StatusCode.COMPLETE;
        volatile RuntimeException failure;
        volatile Function<Integer, Void> beforeEachRead = reads -> null;

        FakeCloudWatch(int pageSize) {
            this.pageSize = pageSize;
        }

        synchronized void put(String metric, String stat, Instant minute, double value) {
            store.computeIfAbsent(metric + "/" + stat, k -> new TreeMap<>()).put(minute, value);
        }

        @Override
        public synchronized CompletableFuture<GetMetricDataResponse> getMetricData(GetMetricDataRequest request) {
            requests.add(request);
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (request.nextToken() == null) {
                reads++;
                beforeEachRead.apply(reads);
            }
            // The token is the number of data points already returned.
            int skip = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
            int position = 0;
            int returned = 0;
            List<MetricDataResult> results = new ArrayList<>();
            boolean more = false;
            for (MetricDataQuery q : request.metricDataQueries()) {
                String key = q.metricStat().metric().metricName() + "/" + q.metricStat().stat();
                List<Instant> timestamps = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                for (Map.Entry<Instant, Double> e : store.getOrDefault(key, new TreeMap<>())
                        .subMap(request.startTime(), true, request.endTime(), false).entrySet()) {
                    if (position++ < skip) {
                        continue;
                    }
                    if (returned == pageSize) {
                        more = true;
                        break;
                    }
                    timestamps.add(e.getKey());
                    values.add(e.getValue());
                    returned++;
                }
                results.add(MetricDataResult.builder().id(q.id()).label(q.label())
                        .timestamps(timestamps).values(values).statusCode(status).build());
            }
            return CompletableFuture.completedFuture(GetMetricDataResponse.builder()
                    .metricDataResults(results)
                    .nextToken(more ? String.valueOf(skip + returned) : null)
                    .build());
        }

        @Override
        public String serviceName() {
            return "monitoring";
        }

        @Override
        public void close() {
        }
    }
}
