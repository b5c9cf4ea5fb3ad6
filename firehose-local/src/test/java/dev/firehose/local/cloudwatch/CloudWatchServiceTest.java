package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.DimensionFilter;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.ListMetricsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException;
import software.amazon.awssdk.services.cloudwatch.model.RecentlyActive;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Round trips through the real AWS SDK for Java v2 CloudWatch clients (RPC v2 CBOR), sync and
 * async, against a {@link CloudWatchService} hosted on the JDK HTTP server. Time is a
 * {@link MutableClock}: data is written at chosen minutes instead of waiting for them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudWatchServiceTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String NS = "FirehoseProducer/Test";
    private static final String STREAM = "clicks";

    private final MutableClock clock = new MutableClock(T0);
    private final MetricStore store = new MetricStore(clock);
    private final CloudWatchService service = new CloudWatchService(store);
    private CloudWatchTestServer server;
    private CloudWatchClient cw;
    private CloudWatchAsyncClient cwAsync;

    @BeforeAll
    void startServer() throws IOException {
        server = new CloudWatchTestServer(service);
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("test-access-key", "test-secret-key"));
        cw = CloudWatchClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(server.endpoint()).build();
        cwAsync = CloudWatchAsyncClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(server.endpoint()).build();
    }

    @AfterAll
    void stopServer() {
        cw.close();
        cwAsync.close();
        server.close();
    }

    @BeforeEach
    void reset() {
        store.clear();
        clock.set(T0.plus(Duration.ofMinutes(30)));
        server.requestHeaders().clear();
    }

    // ---------------------------------------------------------------- PutMetricData + reads

    @Test
    void putMetricDataThenGetMetricDataReturnsEachMinutesStatistics() {
        put(datum("Latency", T0.plusSeconds(5), 1.0), datum("Latency", T0.plusSeconds(20), 2.0),
                datum("Latency", T0.plusSeconds(59), 3.0));
        put(datum("Latency", T0.plusSeconds(65), 10.0));
        put(datum("Latency", T0.plusSeconds(130), 5.0), datum("Latency", T0.plusSeconds(179), 7.0));

        Metric metric = metric(NS, "Latency", Map.of("DeliveryStreamName", STREAM));
        GetMetricDataResponse response = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plus(Duration.ofMinutes(3))).scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .metricDataQueries(query("sum", metric, 60, "Sum"), query("avg", metric, 60, "Average"),
                        query("min", metric, 60, "Minimum"), query("max", metric, 60, "Maximum"),
                        query("count", metric, 60, "SampleCount"))
                .build());

        Map<String, MetricDataResult> byId = response.metricDataResults().stream()
                .collect(Collectors.toMap(MetricDataResult::id, r -> r));
        List<Instant> minutes = List.of(T0, T0.plusSeconds(60), T0.plusSeconds(120));
        for (MetricDataResult r : byId.values()) {
            assertThat(r.timestamps()).as(r.id()).containsExactlyElementsOf(minutes);
            assertThat(r.statusCode()).isEqualTo(StatusCode.COMPLETE);
            assertThat(r.label()).isEqualTo("Latency");
        }
        assertThat(byId.get("sum").values()).containsExactly(6.0, 10.0, 12.0);
        assertThat(byId.get("avg").values()).containsExactly(2.0, 10.0, 6.0);
        assertThat(byId.get("min").values()).containsExactly(1.0, 10.0, 5.0);
        assertThat(byId.get("max").values()).containsExactly(3.0, 10.0, 7.0);
        assertThat(byId.get("count").values()).containsExactly(3.0, 1.0, 2.0);
    }

    @Test
    void getMetricDataReturnsNewestFirstByDefault() {
        put(datum("Records", T0.plusSeconds(1), 4.0), datum("Records", T0.plusSeconds(61), 9.0));

        MetricDataResult result = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plus(Duration.ofMinutes(5)))
                .metricDataQueries(query("m", metric(NS, "Records", Map.of("DeliveryStreamName", STREAM)), 60, "Sum"))
                .build()).metricDataResults().get(0);

        assertThat(result.timestamps()).containsExactly(T0.plusSeconds(60), T0);
        assertThat(result.values()).containsExactly(9.0, 4.0);
    }

    @Test
    void fiveMinutePeriodsAggregateTheOneMinuteBuckets() {
        List<MetricDatum> data = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            data.add(datum("Records", T0.plusSeconds(minute * 60L + 30), minute + 1.0));
        }
        data.add(datum("Records", T0.plusSeconds(7 * 60 + 45), 100.0));
        put(data.toArray(MetricDatum[]::new));

        Metric metric = metric(NS, "Records", Map.of("DeliveryStreamName", STREAM));
        GetMetricDataResponse data5 = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plus(Duration.ofMinutes(10))).scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .metricDataQueries(query("sum", metric, 300, "Sum"), query("n", metric, 300, "SampleCount"),
                        query("max", metric, 300, "Maximum"))
                .build());
        Map<String, MetricDataResult> byId = data5.metricDataResults().stream()
                .collect(Collectors.toMap(MetricDataResult::id, r -> r));
        assertThat(byId.get("sum").timestamps()).containsExactly(T0, T0.plus(Duration.ofMinutes(5)));
        assertThat(byId.get("sum").values()).containsExactly(1.0 + 2 + 3 + 4 + 5, 6.0 + 7 + 8 + 9 + 10 + 100);
        assertThat(byId.get("n").values()).containsExactly(5.0, 6.0);
        assertThat(byId.get("max").values()).containsExactly(5.0, 100.0);

        GetMetricStatisticsResponse stats = cw.getMetricStatistics(b -> b.namespace(NS).metricName("Records")
                .dimensions(dimension("DeliveryStreamName", STREAM))
                .startTime(T0).endTime(T0.plus(Duration.ofMinutes(10))).period(300)
                .statistics(Statistic.SUM, Statistic.AVERAGE, Statistic.SAMPLE_COUNT, Statistic.MINIMUM,
                        Statistic.MAXIMUM));
        assertThat(stats.label()).isEqualTo("Records");
        assertThat(stats.datapoints()).hasSize(2);
        Datapoint first = stats.datapoints().get(0);
        Datapoint second = stats.datapoints().get(1);
        assertThat(first.timestamp()).isEqualTo(T0);
        assertThat(first.sum()).isEqualTo(15.0);
        assertThat(first.average()).isEqualTo(3.0);
        assertThat(first.sampleCount()).isEqualTo(5.0);
        assertThat(first.minimum()).isEqualTo(1.0);
        assertThat(first.maximum()).isEqualTo(5.0);
        assertThat(first.unit()).isEqualTo(StandardUnit.COUNT);
        assertThat(second.timestamp()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(second.sum()).isEqualTo(140.0);
        assertThat(second.average()).isCloseTo(140.0 / 6, within(1e-9));
        assertThat(second.sampleCount()).isEqualTo(6.0);
        assertThat(second.minimum()).isEqualTo(6.0);
        assertThat(second.maximum()).isEqualTo(100.0);
    }

    @Test
    void getMetricStatisticsReturnsOnlyTheRequestedStatistics() {
        put(datum("Bytes", T0.plusSeconds(10), 300.0));

        Datapoint point = cw.getMetricStatistics(b -> b.namespace(NS).metricName("Bytes")
                .dimensions(dimension("DeliveryStreamName", STREAM))
                .startTime(T0).endTime(T0.plusSeconds(60)).period(60).statistics(Statistic.SUM))
                .datapoints().get(0);

        assertThat(point.sum()).isEqualTo(300.0);
        assertThat(point.average()).isNull();
        assertThat(point.maximum()).isNull();
        assertThat(point.sampleCount()).isNull();
    }

    @Test
    void valuesWithCountsAndStatisticValuesAreStoredAsStatisticSets() {
        put(MetricDatum.builder().metricName("Size").timestamp(T0.plusSeconds(3)).unit(StandardUnit.BYTES)
                        .values(1.0, 5.0).counts(3.0, 2.0).build(),
                MetricDatum.builder().metricName("Size").timestamp(T0.plusSeconds(4)).unit(StandardUnit.BYTES)
                        .statisticValues(s -> s.sampleCount(4.0).sum(20.0).minimum(2.0).maximum(8.0)).build(),
                MetricDatum.builder().metricName("Size").timestamp(T0.plusSeconds(5)).unit(StandardUnit.BYTES)
                        .storageResolution(1).value(0.5).build());

        Datapoint point = cw.getMetricStatistics(b -> b.namespace(NS).metricName("Size")
                .startTime(T0).endTime(T0.plusSeconds(60)).period(60)
                .statistics(Statistic.SAMPLE_COUNT, Statistic.SUM, Statistic.MINIMUM, Statistic.MAXIMUM))
                .datapoints().get(0);

        assertThat(point.sampleCount()).isEqualTo(3 + 2 + 4 + 1.0);
        assertThat(point.sum()).isEqualTo(1 * 3 + 5 * 2 + 20 + 0.5);
        assertThat(point.minimum()).isEqualTo(0.5);
        assertThat(point.maximum()).isEqualTo(8.0);
        assertThat(point.unit()).isEqualTo(StandardUnit.BYTES);
    }

    @Test
    void aUnitInTheQuerySelectsOnlySamplesRecordedWithThatUnit() {
        store.record(NS, "Mixed", Map.of(), T0.plusSeconds(1), 100, "Bytes");
        store.record(NS, "Mixed", Map.of(), T0.plusSeconds(2), 3, "Count");
        Metric metric = metric(NS, "Mixed", Map.of());

        GetMetricDataResponse response = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(query("all", metric, 60, "Sum"),
                        MetricDataQuery.builder().id("bytes").metricStat(MetricStat.builder().metric(metric)
                                .period(60).stat("Sum").unit(StandardUnit.BYTES).build()).build(),
                        MetricDataQuery.builder().id("seconds").metricStat(MetricStat.builder().metric(metric)
                                .period(60).stat("Sum").unit(StandardUnit.SECONDS).build()).build())
                .build());

        assertThat(response.metricDataResults()).extracting(MetricDataResult::id, MetricDataResult::values)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("all", List.of(103.0)),
                        org.assertj.core.groups.Tuple.tuple("bytes", List.of(100.0)),
                        org.assertj.core.groups.Tuple.tuple("seconds", List.of()));
    }

    @Test
    void dimensionSetsMatchExactly() {
        store.record(NS, "Records", Map.of("DeliveryStreamName", "a"), T0, 5, "Count");
        store.record(NS, "Records", Map.of("DeliveryStreamName", "a", "Az", "x"), T0, 7, "Count");
        store.record(NS, "Records", Map.of("DeliveryStreamName", "b"), T0, 11, "Count");
        store.record(NS, "Records", Map.of(), T0, 13, "Count");

        GetMetricDataResponse response = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(
                        query("a", metric(NS, "Records", Map.of("DeliveryStreamName", "a")), 60, "Sum"),
                        query("ax", metric(NS, "Records", Map.of("Az", "x", "DeliveryStreamName", "a")), 60, "Sum"),
                        query("b", metric(NS, "Records", Map.of("DeliveryStreamName", "b")), 60, "Sum"),
                        query("none", metric(NS, "Records", Map.of()), 60, "Sum"),
                        query("c", metric(NS, "Records", Map.of("DeliveryStreamName", "c")), 60, "Sum"),
                        query("other", metric("Other/Namespace", "Records", Map.of("DeliveryStreamName", "a")), 60,
                                "Sum"))
                .build());

        Map<String, List<Double>> values = response.metricDataResults().stream()
                .collect(Collectors.toMap(MetricDataResult::id, MetricDataResult::values));
        assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of("a", List.of(5.0), "ax", List.of(7.0),
                "b", List.of(11.0), "none", List.of(13.0), "c", List.of(), "other", List.of()));
    }

    @Test
    void queriesWithReturnDataFalseAreLeftOutAndLabelsAreKept() {
        store.record(NS, "Records", Map.of(), T0, 1, "Count");
        Metric metric = metric(NS, "Records", Map.of());

        GetMetricDataResponse response = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(query("hidden", metric, 60, "Sum").toBuilder().returnData(false).build(),
                        query("shown", metric, 60, "Sum").toBuilder().label("records per minute").build())
                .build());

        assertThat(response.metricDataResults()).extracting(MetricDataResult::id, MetricDataResult::label)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("shown", "records per minute"));
    }

    @Test
    void firehoseMetricsRecordedThroughTheStoreAreReadBack() {
        Map<String, String> stream = Map.of("DeliveryStreamName", STREAM);
        for (int minute = 0; minute < 6; minute++) {
            Instant t = T0.plusSeconds(minute * 60L + 7);
            store.record("AWS/Firehose", "IncomingRecords", stream, t, 500, "Count");
            store.record("AWS/Firehose", "IncomingRecords", stream, t.plusSeconds(20), 50, "Count");
            store.record("AWS/Firehose", "IncomingBytes", stream, t, 500 * 100, "Bytes");
            store.record("AWS/Firehose", "IncomingPutRequests", stream, t, 1, "Count");
        }
        store.record("AWS/Firehose", "IncomingRecords", Map.of("DeliveryStreamName", "other"), T0, 999, "Count");

        GetMetricDataResponse response = cw.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plus(Duration.ofMinutes(6))).scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .metricDataQueries(
                        query("records", metric("AWS/Firehose", "IncomingRecords", stream), 60, "Sum"),
                        query("bytes5", metric("AWS/Firehose", "IncomingBytes", stream), 300, "Sum"),
                        query("requests", metric("AWS/Firehose", "IncomingPutRequests", stream), 360, "SampleCount"))
                .build());

        Map<String, MetricDataResult> byId = response.metricDataResults().stream()
                .collect(Collectors.toMap(MetricDataResult::id, r -> r));
        assertThat(byId.get("records").values()).containsExactly(550.0, 550.0, 550.0, 550.0, 550.0, 550.0);
        assertThat(byId.get("bytes5").timestamps()).containsExactly(T0, T0.plus(Duration.ofMinutes(5)));
        assertThat(byId.get("bytes5").values()).containsExactly(5 * 50_000.0, 50_000.0);
        assertThat(byId.get("requests").values()).containsExactly(6.0);
        assertThat(store.sum("AWS/Firehose", "IncomingRecords", stream, T0, T0.plus(Duration.ofMinutes(6))))
                .isEqualTo(3300.0);
    }

    @Test
    void theAsyncClientReadsWhatItWrote() {
        cwAsync.putMetricData(b -> b.namespace(NS).metricData(datum("Async", T0.plusSeconds(1), 2.5),
                datum("Async", T0.plusSeconds(2), 4.0))).join();

        GetMetricDataResponse response = cwAsync.getMetricData(GetMetricDataRequest.builder()
                .startTime(T0).endTime(T0.plusSeconds(60))
                .metricDataQueries(query("m", metric(NS, "Async", Map.of("DeliveryStreamName", STREAM)), 60, "Average"))
                .build()).join();
        ListMetricsResponse listed = cwAsync.listMetrics(b -> b.namespace(NS)).join();

        assertThat(response.metricDataResults().get(0).values()).containsExactly(3.25);
        assertThat(listed.metrics()).extracting(Metric::metricName).containsExactly("Async");
    }

    @Test
    void largePutMetricDataRequestsArriveGzipCompressedAndAreStored() {
        List<MetricDatum> data = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            data.add(MetricDatum.builder().metricName("Wide").timestamp(T0.plusSeconds(i % 60))
                    .dimensions(dimension("DeliveryStreamName", "stream-" + (i % 10)),
                            dimension("Host", "host-" + i % 7))
                    .unit(StandardUnit.COUNT).value((double) i).build());
        }
        put(data.toArray(MetricDatum[]::new));

        assertThat(server.requestHeaders()).anySatisfy(h -> assertThat(h).containsEntry("content-encoding", "gzip"));
        double total = store.metrics().stream()
                .mapToDouble(k -> store.statistics(k, T0, T0.plusSeconds(60), null).orElseThrow().sum()).sum();
        assertThat(total).isEqualTo(999.0 * 1000 / 2);
    }

    // ---------------------------------------------------------------- ListMetrics

    @Test
    void listMetricsFiltersByNamespaceNameAndDimensions() {
        store.record("AWS/Firehose", "IncomingRecords", Map.of("DeliveryStreamName", "a"), T0, 1, "Count");
        store.record("AWS/Firehose", "IncomingRecords", Map.of("DeliveryStreamName", "b"), T0, 1, "Count");
        store.record("AWS/Firehose", "IncomingBytes", Map.of("DeliveryStreamName", "a"), T0, 1, "Bytes");
        store.record(NS, "IncomingRecords", Map.of("DeliveryStreamName", "a", "Host", "h1"), T0, 1, "Count");

        assertThat(names(cw.listMetrics(b -> b.namespace("AWS/Firehose"))))
                .containsExactlyInAnyOrder("IncomingBytes[a]", "IncomingRecords[a]", "IncomingRecords[b]");
        assertThat(names(cw.listMetrics(b -> b.metricName("IncomingRecords"))))
                .containsExactlyInAnyOrder("IncomingRecords[a]", "IncomingRecords[b]", "IncomingRecords[a, h1]");
        assertThat(names(cw.listMetrics(b -> b.dimensions(DimensionFilter.builder().name("Host").build()))))
                .containsExactly("IncomingRecords[a, h1]");
        assertThat(names(cw.listMetrics(b -> b.namespace("AWS/Firehose").metricName("IncomingRecords")
                .dimensions(DimensionFilter.builder().name("DeliveryStreamName").value("b").build()))))
                .containsExactly("IncomingRecords[b]");
        assertThat(names(cw.listMetrics(b -> b.namespace("Nothing/Here")))).isEmpty();

        Metric withDimensions = cw.listMetrics(b -> b.namespace(NS)).metrics().get(0);
        assertThat(withDimensions.namespace()).isEqualTo(NS);
        assertThat(withDimensions.dimensions()).containsExactly(dimension("DeliveryStreamName", "a"),
                dimension("Host", "h1"));
    }

    @Test
    void listMetricsRecentlyActiveKeepsOnlyMetricsRecordedInTheLastThreeHours() {
        store.record(NS, "Old", Map.of(), clock.instant(), 1, "Count");
        clock.advance(Duration.ofHours(3).plusMinutes(1));
        store.record(NS, "Fresh", Map.of(), clock.instant(), 1, "Count");

        assertThat(names(cw.listMetrics(b -> b.namespace(NS).recentlyActive(RecentlyActive.PT3_H))))
                .containsExactly("Fresh[]");
        assertThat(names(cw.listMetrics(b -> b.namespace(NS)))).containsExactlyInAnyOrder("Fresh[]", "Old[]");
    }

    @Test
    void listMetricsPagesFiveHundredAtATimeWithNextToken() {
        for (int i = 0; i < 1001; i++) {
            store.record(NS, "Paged", Map.of("Index", String.format("%04d", i)), T0, i, "Count");
        }

        ListMetricsResponse first = cw.listMetrics(b -> b.namespace(NS));
        ListMetricsResponse second = cw.listMetrics(b -> b.namespace(NS).nextToken(first.nextToken()));
        ListMetricsResponse third = cw.listMetrics(b -> b.namespace(NS).nextToken(second.nextToken()));
        List<Metric> all = new ArrayList<>();
        cw.listMetricsPaginator(b -> b.namespace(NS)).metrics().forEach(all::add);

        assertThat(first.metrics()).hasSize(500);
        assertThat(second.metrics()).hasSize(500);
        assertThat(third.metrics()).hasSize(1);
        assertThat(third.nextToken()).isNull();
        assertThat(all).hasSize(1001);
        Set<String> indexes = all.stream().map(m -> m.dimensions().get(0).value()).collect(Collectors.toSet());
        assertThat(indexes).hasSize(1001);
    }

    @Test
    void aNextTokenThisEndpointDidNotIssueRaisesInvalidNextToken() {
        assertThatThrownBy(() -> cw.listMetrics(b -> b.nextToken("not-a-token")))
                .isInstanceOfSatisfying(InvalidNextTokenException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidNextToken");
                });
    }

    // ---------------------------------------------------------------- errors

    @Test
    void putMetricDataWithoutNamespaceRaisesMissingRequiredParameter() {
        assertThatThrownBy(() -> cw.putMetricData(b -> b.metricData(datum("X", T0, 1.0))))
                .isInstanceOfSatisfying(MissingRequiredParameterException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingParameter");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Namespace");
                });
    }

    @Test
    void aDatumWithoutMetricNameRaisesMissingRequiredParameterAndNothingIsStored() {
        MetricDatum nameless = MetricDatum.builder().timestamp(T0).value(1.0).build();

        assertThatThrownBy(() -> cw.putMetricData(b -> b.namespace(NS).metricData(datum("Good", T0, 1.0), nameless)))
                .isInstanceOfSatisfying(MissingRequiredParameterException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("MetricData.member.2.MetricName"));
        assertThat(store.metrics()).isEmpty();
    }

    @Test
    void timestampsOutsideTwoWeeksBackToTwoHoursAheadRaiseInvalidParameterValue() {
        Instant now = clock.instant();

        assertThatThrownBy(() -> put(datum("Old", now.minus(Duration.ofDays(15)), 1.0)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Timestamp");
                });
        assertThatThrownBy(() -> put(datum("Ahead", now.plus(Duration.ofHours(3)), 1.0)))
                .isInstanceOf(InvalidParameterValueException.class);
        put(datum("Edge", now.minus(Duration.ofDays(13)), 1.0), datum("Edge", now.plus(Duration.ofHours(1)), 1.0));
        assertThat(store.metrics()).extracting(MetricKey::metricName).containsExactly("Edge");
    }

    @Test
    void invalidValuesAndCombinationsAreRejected() {
        assertThatThrownBy(() -> cw.putMetricData(b -> b.namespace("AWS/Firehose").metricData(datum("X", T0, 1.0))))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("AWS/"));
        assertThatThrownBy(() -> put(datum("NaN", clock.instant(), Double.NaN)))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> put(MetricDatum.builder().metricName("Both").value(1.0).values(1.0).build()))
                .isInstanceOfSatisfying(InvalidParameterCombinationException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination"));
        assertThatThrownBy(() -> put(MetricDatum.builder().metricName("Counts").values(1.0, 2.0).counts(1.0).build()))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThatThrownBy(() -> put(MetricDatum.builder().metricName("Res").storageResolution(5).value(1.0).build()))
                .isInstanceOf(InvalidParameterValueException.class);
        assertThat(store.metrics()).isEmpty();
    }

    @Test
    void getMetricDataRejectsWhatItDoesNotSupportWithAMessageSayingSo() {
        Metric metric = metric(NS, "Records", Map.of());

        assertThatThrownBy(() -> cw.getMetricData(GetMetricDataRequest.builder().startTime(T0)
                .endTime(T0.plusSeconds(60))
                .metricDataQueries(MetricDataQuery.builder().id("e1").expression("SUM(METRICS())").build()).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("Expression")
                                .contains("not supported"));
        assertThatThrownBy(() -> cw.getMetricData(GetMetricDataRequest.builder().startTime(T0)
                .endTime(T0.plusSeconds(60)).metricDataQueries(query("p", metric, 60, "p99")).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("p99"));
        assertThatThrownBy(() -> cw.getMetricData(GetMetricDataRequest.builder().startTime(T0)
                .endTime(T0.plusSeconds(60)).metricDataQueries(query("s", metric, 30, "Sum")).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("multiple of 60"));
        assertThatThrownBy(() -> cw.getMetricData(GetMetricDataRequest.builder().startTime(T0.plusSeconds(60))
                .endTime(T0).metricDataQueries(query("w", metric, 60, "Sum")).build()))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("StartTime"));
        assertThatThrownBy(() -> cw.getMetricData(GetMetricDataRequest.builder()
                .metricDataQueries(query("w", metric, 60, "Sum")).build()))
                .isInstanceOfSatisfying(MissingRequiredParameterException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("StartTime"));
    }

    @Test
    void getMetricStatisticsEnforcesItsParameters() {
        assertThatThrownBy(() -> cw.getMetricStatistics(b -> b.namespace(NS).metricName("X").startTime(T0)
                .endTime(T0.plusSeconds(60)).period(60)))
                .isInstanceOf(InvalidParameterCombinationException.class);
        assertThatThrownBy(() -> cw.getMetricStatistics(b -> b.namespace(NS).metricName("X").startTime(T0)
                .endTime(T0.plus(Duration.ofDays(2))).period(60).statistics(Statistic.SUM)))
                .isInstanceOfSatisfying(InvalidParameterCombinationException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("1440"));
        assertThatThrownBy(() -> cw.getMetricStatistics(b -> b.metricName("X").startTime(T0)
                .endTime(T0.plusSeconds(60)).period(60).statistics(Statistic.SUM)))
                .isInstanceOfSatisfying(MissingRequiredParameterException.class, e ->
                        assertThat(e.awsErrorDetails().errorMessage()).contains("Namespace"));
    }

    @Test
    void anOperationThisEndpointDoesNotServeRaisesInvalidAction() {
        assertThatThrownBy(() -> cw.describeAlarms())
                .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("DescribeAlarms")
                            .contains("GetMetricData");
                });
        assertThatThrownBy(() -> cwAsync.listDashboards().join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CloudWatchException.class);
    }

    // ---------------------------------------------------------------- wire format

    @Test
    void errorsCarryTheShapeIdTheMessageAndTheQueryErrorCode() throws IOException {
        HttpReply reply = service.handle(CloudWatchService.PATH_PREFIX + "PutMetricData",
                Map.of("smithy-protocol", "rpc-v2-cbor", "content-type", "application/cbor"), cbor(g -> {
                    g.writeStartObject();
                    g.writeEndObject();
                }));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.headers()).containsEntry("smithy-protocol", "rpc-v2-cbor")
                .containsEntry("Content-Type", "application/cbor")
                .containsEntry("x-amzn-query-error", "MissingParameter;Sender");
        JsonNode body = new ObjectMapper(new CBORFactory()).readTree(reply.body());
        assertThat(body.get("__type").asText()).isEqualTo("com.amazonaws.cloudwatch#MissingRequiredParameterException");
        assertThat(body.get("message").asText()).isEqualTo("The parameter Namespace is required.");

        HttpReply unknown = service.handle(CloudWatchService.PATH_PREFIX + "NoSuchOperation",
                Map.of("smithy-protocol", "rpc-v2-cbor"), new byte[0]);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.headers()).containsEntry("x-amzn-query-error", "InvalidAction;Sender");
        assertThat(new ObjectMapper(new CBORFactory()).readTree(unknown.body()).get("__type").asText())
                .isEqualTo("com.amazonaws.cloudwatch#InvalidAction");

        HttpReply garbage = service.handle(CloudWatchService.PATH_PREFIX + "ListMetrics",
                Map.of("smithy-protocol", "rpc-v2-cbor"), new byte[] {(byte) 0xff, 0x01});
        assertThat(garbage.status()).isEqualTo(400);
    }

    @Test
    void timestampsAreCborTagOneOverEpochSecondsBothWays() throws IOException {
        store.record(NS, "Tagged", Map.of(), T0.plusSeconds(61), 42, "Count");
        byte[] request = cbor(g -> {
            g.writeStartObject();
            g.writeFieldName("StartTime");
            g.writeTag(1);
            g.writeNumber((double) T0.getEpochSecond());
            g.writeFieldName("EndTime");
            g.writeTag(1);
            g.writeNumber(T0.getEpochSecond() + 180);   // an integer epoch is legal too
            g.writeArrayFieldStart("MetricDataQueries");
            g.writeStartObject();
            g.writeStringField("Id", "m");
            g.writeObjectFieldStart("MetricStat");
            g.writeObjectFieldStart("Metric");
            g.writeStringField("Namespace", NS);
            g.writeStringField("MetricName", "Tagged");
            g.writeEndObject();
            g.writeNumberField("Period", 60);
            g.writeStringField("Stat", "Sum");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });

        HttpReply reply = service.handle(CloudWatchService.PATH_PREFIX + "GetMetricData",
                Map.of("smithy-protocol", "rpc-v2-cbor"), request);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers()).containsEntry("Content-Type", "application/cbor")
                .containsEntry("smithy-protocol", "rpc-v2-cbor");
        List<Integer> tags = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        try (CBORParser p = new CBORFactory().createParser(reply.body())) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("Timestamps")) {
                    p.nextToken();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        tags.add(p.getCurrentTag());
                        seconds.add(p.getDoubleValue());
                    }
                }
            }
        }
        assertThat(tags).containsExactly(1);
        assertThat(seconds).containsExactly((double) T0.plusSeconds(60).getEpochSecond());
    }

    @Test
    void putMetricDataAnswersAnEmptyBody() {
        HttpReply reply = service.handle(CloudWatchService.PATH_PREFIX + "PutMetricData",
                Map.of("smithy-protocol", "rpc-v2-cbor"), cbor(g -> {
                    g.writeStartObject();
                    g.writeStringField("Namespace", NS);
                    g.writeArrayFieldStart("MetricData");
                    g.writeStartObject();
                    g.writeStringField("MetricName", "Raw");
                    g.writeNumberField("Value", 3);   // a whole double may arrive as a CBOR integer
                    g.writeEndObject();
                    g.writeEndArray();
                    g.writeEndObject();
                }));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
        assertThat(store.sum(NS, "Raw", Map.of(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60)))
                .isEqualTo(3.0);
    }

    // ---------------------------------------------------------------- helpers

    private void put(MetricDatum... data) {
        cw.putMetricData(b -> b.namespace(NS).metricData(data));
    }

    private static MetricDatum datum(String name, Instant timestamp, double value) {
        return MetricDatum.builder().metricName(name).dimensions(dimension("DeliveryStreamName", STREAM))
                .timestamp(timestamp).value(value).unit(StandardUnit.COUNT).build();
    }

    private static Dimension dimension(String name, String value) {
        return Dimension.builder().name(name).value(value).build();
    }

    private static Metric metric(String namespace, String name, Map<String, String> dimensions) {
        List<Dimension> dims = new ArrayList<>();
        dimensions.forEach((k, v) -> dims.add(dimension(k, v)));
        return Metric.builder().namespace(namespace).metricName(name).dimensions(dims).build();
    }

    private static MetricDataQuery query(String id, Metric metric, int period, String stat) {
        return MetricDataQuery.builder().id(id)
                .metricStat(MetricStat.builder().metric(metric).period(period).stat(stat).build()).build();
    }

    /** "Name[dimension values in name order]" for each listed metric. */
    private static List<String> names(ListMetricsResponse response) {
        return response.metrics().stream().map(m -> {
            Map<String, String> dims = new HashMap<>();
            m.dimensions().forEach(d -> dims.put(d.name(), d.value()));
            return m.metricName() + new java.util.TreeMap<>(dims).values();
        }).collect(Collectors.toList());
    }

    private interface CborWrite {
        void write(CBORGenerator g) throws IOException;
    }

    private static byte[] cbor(CborWrite write) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            write.write(g);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
