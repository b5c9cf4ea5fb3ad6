package dev.firehose.local.cloudwatch;

import dev.firehose.local.FirehoseLocal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudWatch's query protocol through firehose-local's one port, with requests shaped as the AWS SDK
 * for Java v1 sends them (form-encoded POST, SigV4 for the {@code monitoring} service, ISO 8601
 * timestamps) and the XML answers parsed as that SDK reads them.
 */
class CloudWatchQueryProtocolTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String NS = QueryProtocol.NAMESPACE;

    private final MutableClock clock = new MutableClock(T0.plusSeconds(30));
    private FirehoseLocal local;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).build().start();
    }

    @AfterEach
    void stop() {
        local.close();
    }

    /** A v1-SDK-shaped query request: POST / with a form-encoded body. */
    private HttpResponse<String> query(Map<String, String> parameters) throws Exception {
        String body = parameters.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(local.endpoint().resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("User-Agent", "aws-sdk-java/1.12.780 Linux/6.1 OpenJDK_64-Bit_Server_VM/17")
                .header("X-Amz-Date", "20260302T100030Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260302/us-east-1/monitoring/"
                        + "aws4_request, SignedHeaders=amz-sdk-invocation-id;host;x-amz-date, Signature=00")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> params(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private static Element parse(HttpResponse<String> res) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(res.body().getBytes(StandardCharsets.UTF_8)));
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                assertThat(e.getNamespaceURI()).isEqualTo(NS);
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getLocalName() + ">");
    }

    private static List<Element> members(Element list) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = list.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e) {
                assertThat(e.getLocalName()).isEqualTo("member");
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent();
    }

    @Test
    void getMetricStatisticsReadsWhatFirehosePutsRecorded() throws Exception {
        local.createDeliveryStream("clicks");
        try (FirehoseClient firehose = local.syncClient()) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                records.add(Record.builder().data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("r" + i)).build());
            }
            firehose.putRecordBatch(r -> r.deliveryStreamName("clicks").records(records));
        }

        HttpResponse<String> res = query(params("Action", "GetMetricStatistics", "Version", "2010-08-01",
                "Namespace", "AWS/Firehose", "MetricName", "IncomingRecords",
                "Dimensions.member.1.Name", "DeliveryStreamName", "Dimensions.member.1.Value", "clicks",
                "StartTime", "2026-03-02T10:00:00.000Z", "EndTime", "2026-03-02T10:05:00.000Z", "Period", "60",
                "Statistics.member.1", "Sum", "Statistics.member.2", "SampleCount"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).contains("text/xml");
        Element root = parse(res);
        assertThat(root.getLocalName()).isEqualTo("GetMetricStatisticsResponse");
        assertThat(root.getNamespaceURI()).isEqualTo(NS);
        Element result = child(root, "GetMetricStatisticsResult");
        assertThat(text(result, "Label")).isEqualTo("IncomingRecords");
        List<Element> points = members(child(result, "Datapoints"));
        assertThat(points).hasSize(1);
        assertThat(Instant.parse(text(points.get(0), "Timestamp"))).isEqualTo(T0);
        assertThat(Double.parseDouble(text(points.get(0), "Sum"))).isEqualTo(7.0);
        assertThat(Double.parseDouble(text(points.get(0), "SampleCount"))).isEqualTo(1.0);
        assertThat(text(points.get(0), "Unit")).isEqualTo("Count");
        assertThat(text(child(root, "ResponseMetadata"), "RequestId")).isNotBlank();
    }

    @Test
    void putMetricDataThenListMetricsAndGetMetricData() throws Exception {
        HttpResponse<String> put = query(params("Action", "PutMetricData", "Version", "2010-08-01",
                "Namespace", "MyApp",
                "MetricData.member.1.MetricName", "Orders", "MetricData.member.1.Value", "3",
                "MetricData.member.1.Unit", "Count", "MetricData.member.1.Timestamp", "2026-03-02T10:01:05.000Z",
                "MetricData.member.1.Dimensions.member.1.Name", "Shop",
                "MetricData.member.1.Dimensions.member.1.Value", "eu",
                "MetricData.member.2.MetricName", "Orders",
                "MetricData.member.2.StatisticValues.SampleCount", "2", "MetricData.member.2.StatisticValues.Sum", "4.5",
                "MetricData.member.2.StatisticValues.Minimum", "1", "MetricData.member.2.StatisticValues.Maximum", "3.5",
                "MetricData.member.2.Unit", "Count", "MetricData.member.2.Timestamp", "2026-03-02T10:02:00.000Z",
                "MetricData.member.2.Dimensions.member.1.Name", "Shop",
                "MetricData.member.2.Dimensions.member.1.Value", "eu"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        Element putRoot = parse(put);
        assertThat(putRoot.getLocalName()).isEqualTo("PutMetricDataResponse");
        assertThat(text(child(putRoot, "ResponseMetadata"), "RequestId")).isNotBlank();

        HttpResponse<String> list = query(params("Action", "ListMetrics", "Version", "2010-08-01", "Namespace", "MyApp"));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<Element> metrics = members(child(child(parse(list), "ListMetricsResult"), "Metrics"));
        assertThat(metrics).hasSize(1);
        assertThat(text(metrics.get(0), "MetricName")).isEqualTo("Orders");
        Element dimension = members(child(metrics.get(0), "Dimensions")).get(0);
        assertThat(text(dimension, "Name")).isEqualTo("Shop");
        assertThat(text(dimension, "Value")).isEqualTo("eu");

        clock.set(T0.plusSeconds(600));
        HttpResponse<String> data = query(params("Action", "GetMetricData", "Version", "2010-08-01",
                "MetricDataQueries.member.1.Id", "orders",
                "MetricDataQueries.member.1.MetricStat.Metric.Namespace", "MyApp",
                "MetricDataQueries.member.1.MetricStat.Metric.MetricName", "Orders",
                "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "Shop",
                "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value", "eu",
                "MetricDataQueries.member.1.MetricStat.Period", "60",
                "MetricDataQueries.member.1.MetricStat.Stat", "Sum",
                "MetricDataQueries.member.1.ReturnData", "true",
                "StartTime", "2026-03-02T10:00:00Z", "EndTime", "2026-03-02T10:05:00Z", "ScanBy", "TimestampAscending"));
        assertThat(data.statusCode()).as(data.body()).isEqualTo(200);
        Element result = members(child(child(parse(data), "GetMetricDataResult"), "MetricDataResults")).get(0);
        assertThat(text(result, "Id")).isEqualTo("orders");
        assertThat(text(result, "StatusCode")).isEqualTo("Complete");
        assertThat(members(child(result, "Timestamps"))).extracting(e -> Instant.parse(e.getTextContent()))
                .containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));
        assertThat(members(child(result, "Values"))).extracting(e -> Double.parseDouble(e.getTextContent()))
                .containsExactly(3.0, 4.5);
    }

    @Test
    void errorsAreXmlErrorResponsesWithTheQueryCode() throws Exception {
        HttpResponse<String> missing = query(params("Action", "GetMetricStatistics", "Version", "2010-08-01",
                "MetricName", "IncomingRecords", "StartTime", "2026-03-02T10:00:00Z", "EndTime", "2026-03-02T10:05:00Z",
                "Period", "60", "Statistics.member.1", "Sum"));
        assertError(missing, 400, "MissingParameter", "Namespace");

        HttpResponse<String> unknown = query(params("Action", "DescribeAlarms", "Version", "2010-08-01"));
        assertError(unknown, 400, "InvalidAction", "DescribeAlarms");

        HttpResponse<String> period = query(params("Action", "GetMetricStatistics", "Version", "2010-08-01",
                "Namespace", "AWS/Firehose", "MetricName", "IncomingRecords",
                "StartTime", "2026-03-02T10:00:00Z", "EndTime", "2026-03-02T10:05:00Z", "Period", "90",
                "Statistics.member.1", "Sum"));
        assertError(period, 400, "InvalidParameterValue", "Period");

        HttpResponse<String> badTime = query(params("Action", "ListMetrics", "Version", "2010-08-01",
                "Namespace", "X", "RecentlyActive", "PT3H", "IncludeLinkedAccounts", "maybe"));
        assertError(badTime, 400, "InvalidParameterValue", "IncludeLinkedAccounts");
    }

    @Test
    void aGetWithTheParametersInTheQueryStringIsServedToo() throws Exception {
        local.metricStore().record("AWS/Firehose", "IncomingBytes", Map.of("DeliveryStreamName", "s"), T0, 5, "Bytes");
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(local.endpoint() + "/?Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FFirehose"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        List<Element> metrics = members(child(child(parse(res), "ListMetricsResult"), "Metrics"));
        assertThat(metrics).extracting(m -> text(m, "MetricName")).containsExactly("IncomingBytes");
    }

    private static void assertError(HttpResponse<String> res, int status, String code, String messagePart) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        Element root = parse(res);
        assertThat(root.getLocalName()).isEqualTo("ErrorResponse");
        Element error = child(root, "Error");
        assertThat(text(error, "Type")).isEqualTo("Sender");
        assertThat(text(error, "Code")).isEqualTo(code);
        assertThat(text(error, "Message")).contains(messagePart);
        assertThat(text(root, "RequestId")).isNotBlank();
    }
}
