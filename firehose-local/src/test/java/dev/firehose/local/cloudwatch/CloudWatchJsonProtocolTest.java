package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firehose.local.FirehoseLocal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AWS JSON 1.0 protocol (what the AWS CLI and several SDKs speak to CloudWatch): the same
 * operations as RPC v2 CBOR, with JSON bodies, {@code POST /} and an {@code X-Amz-Target} header.
 */
class CloudWatchJsonProtocolTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String TARGET = CloudWatchService.JSON_TARGET_PREFIX;
    private static final Map<String, String> HEADERS = Map.of("content-type", "application/x-amz-json-1.0");

    private final MutableClock clock = new MutableClock(T0.plusSeconds(600));
    private final CloudWatchService service = new CloudWatchService(new MetricStore(clock));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void putMetricDataThenGetMetricStatisticsRoundTripWithEpochSecondTimestamps() throws IOException {
        HttpReply put = service.handleJson(TARGET + "PutMetricData", HEADERS, utf8("""
                {"Namespace":"MyApp","MetricData":[
                  {"MetricName":"Orders","Value":3,"Unit":"Count","Timestamp":%d,
                   "Dimensions":[{"Name":"Shop","Value":"eu"}]},
                  {"MetricName":"Orders","Value":4.5,"Unit":"Count","Timestamp":%d.5,
                   "Dimensions":[{"Name":"Shop","Value":"eu"}]}]}
                """.formatted(T0.plusSeconds(65).getEpochSecond(), T0.plusSeconds(70).getEpochSecond())));
        assertThat(put.status()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(200);

        HttpReply get = service.handleJson(TARGET + "GetMetricStatistics", HEADERS, utf8("""
                {"Namespace":"MyApp","MetricName":"Orders","Dimensions":[{"Name":"Shop","Value":"eu"}],
                 "StartTime":%d,"EndTime":%d,"Period":60,"Statistics":["Sum","SampleCount"]}
                """.formatted(T0.getEpochSecond(), T0.plusSeconds(300).getEpochSecond())));

        assertThat(get.status()).isEqualTo(200);
        assertThat(get.headers()).containsEntry("Content-Type", "application/x-amz-json-1.0")
                .doesNotContainKey("smithy-protocol");
        JsonNode body = json.readTree(get.body());
        assertThat(body.get("Label").asText()).isEqualTo("Orders");
        JsonNode point = body.get("Datapoints").get(0);
        assertThat(body.get("Datapoints")).hasSize(1);
        assertThat(point.get("Timestamp").isNumber()).isTrue();
        assertThat(point.get("Timestamp").asDouble()).isEqualTo(T0.plusSeconds(60).getEpochSecond());
        assertThat(point.get("Sum").asDouble()).isEqualTo(7.5);
        assertThat(point.get("SampleCount").asDouble()).isEqualTo(2);
    }

    @Test
    void errorsAreJsonWithTheShapeIdAndTheQueryErrorCode() throws IOException {
        HttpReply missing = service.handleJson(TARGET + "PutMetricData", HEADERS, utf8("{}"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.headers()).containsEntry("x-amzn-query-error", "MissingParameter;Sender")
                .containsEntry("Content-Type", "application/x-amz-json-1.0");
        JsonNode body = json.readTree(missing.body());
        assertThat(body.get("__type").asText()).isEqualTo("com.amazonaws.cloudwatch#MissingRequiredParameterException");
        assertThat(body.get("message").asText()).isEqualTo("The parameter Namespace is required.");

        HttpReply unknown = service.handleJson(TARGET + "DescribeAlarms", HEADERS, utf8("{}"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.headers()).containsEntry("x-amzn-query-error", "InvalidAction;Sender");
        assertThat(json.readTree(unknown.body()).get("message").asText()).contains("DescribeAlarms");

        HttpReply garbage = service.handleJson(TARGET + "ListMetrics", HEADERS, utf8("{not json"));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.headers()).containsEntry("x-amzn-query-error", "InvalidParameterValue;Sender");
    }

    @Test
    void firehoseLocalRoutesCloudWatchTargetsOnItsOnePort() throws Exception {
        try (FirehoseLocal local = FirehoseLocal.builder().port(0).build().start()) {
            local.metricStore().record("AWS/Firehose", "IncomingRecords", Map.of("DeliveryStreamName", "clicks"),
                    Instant.now(), 5, "Count");
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(local.endpoint())
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", TARGET + "ListMetrics")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"Namespace\":\"AWS/Firehose\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode metric = json.readTree(response.body()).get("Metrics").get(0);
            assertThat(metric.get("MetricName").asText()).isEqualTo("IncomingRecords");
            assertThat(metric.get("Dimensions").get(0).get("Value").asText()).isEqualTo("clicks");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
