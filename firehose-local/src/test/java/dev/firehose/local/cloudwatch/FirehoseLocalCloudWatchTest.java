package dev.firehose.local.cloudwatch;

import dev.firehose.local.FirehoseLocal;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.DimensionFilter;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through firehose-local's one HTTP port: records put with its Firehose client are
 * counted by the Firehose side into the endpoint's metric store, and the unmodified SDK CloudWatch
 * clients read them back from the same endpoint.
 */
class FirehoseLocalCloudWatchTest {

    private static final String STREAM = "clicks";
    private static final int RECORD_BYTES = 100;

    @Test
    void recordsPutThroughFirehoseAreReadBackAsIncomingRecordsAndIncomingBytes() {
        try (FirehoseLocal local = FirehoseLocal.builder().port(0).build().start();
             FirehoseAsyncClient firehose = local.asyncClient();
             CloudWatchClient cw = cloudWatch(local);
             CloudWatchAsyncClient cwAsync = cloudWatchAsync(local)) {
            local.createDeliveryStream(STREAM);
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(Record.builder().data(SdkBytes.fromByteArray(new byte[RECORD_BYTES])).build());
            }
            Instant before = Instant.now();
            for (int i = 0; i < 3; i++) {
                PutRecordBatchResponse r = firehose.putRecordBatch(b -> b.deliveryStreamName(STREAM).records(batch))
                        .join();
                assertThat(r.failedPutCount()).isZero();
            }
            firehose.putRecord(b -> b.deliveryStreamName(STREAM)
                    .record(x -> x.data(SdkBytes.fromByteArray(new byte[RECORD_BYTES])))).join();

            GetMetricDataRequest request = GetMetricDataRequest.builder()
                    .startTime(before.minus(Duration.ofMinutes(5))).endTime(Instant.now().plus(Duration.ofMinutes(5)))
                    .metricDataQueries(sum("records", "IncomingRecords"), sum("bytes", "IncomingBytes"),
                            sum("requests", "IncomingPutRequests"), sum("batchrecords", "PutRecordBatch.Records"))
                    .build();
            Map<String, Double> totals = totals(cw.getMetricData(request));
            Map<String, Double> totalsAsync = totals(cwAsync.getMetricData(request).join());

            assertThat(totals).containsEntry("records", 151.0).containsEntry("bytes", 151.0 * RECORD_BYTES)
                    .containsEntry("requests", 4.0).containsEntry("batchrecords", 150.0);
            assertThat(totalsAsync).isEqualTo(totals);
            assertThat(cw.listMetrics(b -> b.namespace("AWS/Firehose")
                            .dimensions(DimensionFilter.builder().name("DeliveryStreamName").value(STREAM).build()))
                    .metrics()).extracting(Metric::metricName).contains("IncomingRecords", "IncomingBytes");
            assertThat(local.metricStore().sum("AWS/Firehose", "IncomingRecords", Map.of("DeliveryStreamName", STREAM),
                    before.minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofMinutes(5)))).isEqualTo(151.0);

            cw.putMetricData(b -> b.namespace("FirehoseProducer").metricData(MetricDatum.builder()
                    .metricName("client.records")
                    .dimensions(Dimension.builder().name("DeliveryStreamName").value(STREAM).build())
                    .unit(StandardUnit.COUNT).value(151.0).build()));
            assertThat(cw.listMetrics(b -> b.namespace("FirehoseProducer")).metrics())
                    .extracting(Metric::metricName).containsExactly("client.records");
        }
    }

    /** Sum of every per-minute value of each query, so a minute boundary inside the test changes nothing. */
    private static Map<String, Double> totals(GetMetricDataResponse response) {
        return response.metricDataResults().stream().collect(Collectors.toMap(MetricDataResult::id,
                r -> r.values().stream().mapToDouble(Double::doubleValue).sum()));
    }

    private static MetricDataQuery sum(String id, String metricName) {
        return MetricDataQuery.builder().id(id).metricStat(s -> s.period(60).stat("Sum").metric(m -> m
                .namespace("AWS/Firehose").metricName(metricName)
                .dimensions(Dimension.builder().name("DeliveryStreamName").value(STREAM).build()))).build();
    }

    private static CloudWatchClient cloudWatch(FirehoseLocal local) {
        return CloudWatchClient.builder().region(Region.US_EAST_1).endpointOverride(local.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static CloudWatchAsyncClient cloudWatchAsync(FirehoseLocal local) {
        return CloudWatchAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(local.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
