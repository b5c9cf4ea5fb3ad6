package dev.firehose.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.Processor;
import software.amazon.awssdk.services.firehose.model.ProcessorParameter;
import software.amazon.awssdk.services.firehose.model.ProcessorParameterName;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dynamic partitioning through the SDK, as a user sets it up: deaggregation (JSON and delimited),
 * partition keys from top-level and nested fields, objects per partition, failed records in the
 * error output, the 500-sub-record cap, buffering per partition, and what is refused at creation.
 * Every test balances its ledger: entries put = entries the endpoint stored, and sub-records put =
 * sub-records found in data objects + failed-record documents.
 */
class DynamicPartitioningTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    private static final String OBJECT_NAME = "dp-1-2026-03-04-05-06-07-[0-9a-f-]{36}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().dataDirectory(dir).clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private static Processor processor(ProcessorType type, String... nameValues) {
        List<ProcessorParameter> params = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.add(ProcessorParameter.builder().parameterName(nameValues[i]).parameterValue(nameValues[i + 1]).build());
        }
        return Processor.builder().type(type).parameters(params).build();
    }

    private static Processor jsonDeaggregation() {
        return processor(ProcessorType.RECORD_DE_AGGREGATION, ProcessorParameterName.SUB_RECORD_TYPE.toString(), "JSON");
    }

    private static Processor extraction(String query) {
        return processor(ProcessorType.METADATA_EXTRACTION,
                ProcessorParameterName.METADATA_EXTRACTION_QUERY.toString(), query,
                ProcessorParameterName.JSON_PARSING_ENGINE.toString(), "JQ-1.6");
    }

    private static Processor appendDelimiter() {
        return processor(ProcessorType.APPEND_DELIMITER_TO_RECORD);
    }

    /** A dynamically partitioned stream "dp" with the given prefix and processors, 60 s / 64 MiB hints. */
    private void create(String prefix, Processor... processors) {
        create(d -> d.prefix(prefix).processingConfiguration(p -> p.enabled(true).processors(processors)));
    }

    private void create(UnaryOperator<ExtendedS3DestinationConfiguration.Builder> custom) {
        sync.createDeliveryStream(r -> r.deliveryStreamName("dp").extendedS3DestinationConfiguration(d -> custom.apply(d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .errorOutputPrefix("errors/!{firehose:error-output-type}/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(60))
                .dynamicPartitioningConfiguration(p -> p.enabled(true)))));
    }

    private PutRecordBatchResponse put(String... data) {
        List<Record> records = new ArrayList<>();
        for (String d : data) {
            records.add(Clients.record(d.getBytes(StandardCharsets.UTF_8)));
        }
        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName("dp").records(records));
        assertThat(res.failedPutCount()).isZero();
        return res;
    }

    private static List<JsonNode> errorDocuments(String content) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            out.add(MAPPER.readTree(line));
        }
        return out;
    }

    private static String rawData(JsonNode document) {
        return new String(Base64.getDecoder().decode(document.get("rawData").asText()), StandardCharsets.UTF_8);
    }

    @Test
    void jsonSubRecordsAreWrittenPerPartitionUnderTheEvaluatedPrefixAndMissingKeysGoToTheErrorOutput()
            throws Exception {
        create("customer=!{partitionKeyFromQuery:customer}/device=!{partitionKeyFromQuery:device}/!{timestamp:yyyy}/",
                jsonDeaggregation(), extraction("{customer: .customer_id, device: .type.device}"), appendDelimiter());
        String a1 = "{\"customer_id\":\"a\",\"type\":{\"device\":\"mobile\"},\"n\":1}";
        String b2 = "{\"customer_id\":\"b\",\"type\":{\"device\":\"web\"},\"n\":2}";
        String a3 = "{\"customer_id\":\"a\",\"type\":{\"device\":\"mobile\"},\"n\":3}";
        String n4 = "{\"customer_id\":7,\"type\":{\"device\":\"web\"},\"n\":4}";
        String missing = "{\"type\":{\"device\":\"web\"},\"n\":5}";

        put(a1 + b2, a3 + "\n" + n4 + "\n", missing);
        assertThat(DeliveredObjects.read(dir)).isEmpty();
        local.deliverNow();

        Map<String, String> objects = DeliveredObjects.read(dir);
        assertThat(objects).hasSize(4);
        assertThat(DeliveredObjects.under(dir, "my-bucket/customer=a/device=mobile/2026/").entrySet()).singleElement()
                .satisfies(e -> {
                    assertThat(e.getKey()).matches("my-bucket/customer=a/device=mobile/2026/" + OBJECT_NAME);
                    assertThat(e.getValue()).isEqualTo(a1 + "\n" + a3 + "\n");
                });
        assertThat(DeliveredObjects.under(dir, "my-bucket/customer=b/device=web/2026/").values()).containsExactly(b2 + "\n");
        assertThat(DeliveredObjects.under(dir, "my-bucket/customer=7/device=web/2026/").values()).containsExactly(n4 + "\n");
        Map<String, String> errors = DeliveredObjects.under(dir, "my-bucket/errors/partitioning-failed/");
        assertThat(errors.keySet()).singleElement().satisfies(k -> assertThat(k)
                .matches("my-bucket/errors/partitioning-failed/" + OBJECT_NAME));
        List<JsonNode> failed = errorDocuments(errors.values().iterator().next());
        assertThat(failed).singleElement().satisfies(doc -> {
            assertThat(rawData(doc)).isEqualTo(missing);
            assertThat(doc.get("errorCode").asText()).isEqualTo("DynamicPartitioning.MetadataExtractionFailed");
            assertThat(doc.get("errorMessage").asText()).contains(".customer_id is null or missing");
            assertThat(doc.get("arrivalTimestamp").asLong()).isEqualTo(T0.toEpochMilli());
        });
        // The ledger: 3 entries put and stored; 5 sub-records put = 4 in data objects + 1 failed.
        assertThat(local.ledger().count("dp")).isEqualTo(3);
        long delivered = objects.entrySet().stream().filter(e -> !e.getKey().contains("/errors/"))
                .mapToLong(e -> e.getValue().lines().count()).sum();
        assertThat(delivered + failed.size()).isEqualTo(5);
    }

    @Test
    void delimitedSubRecordsArePartitionedAndKeepNoDelimiterWithoutAppendDelimiter() {
        create("k=!{partitionKeyFromQuery:k}/",
                processor(ProcessorType.RECORD_DE_AGGREGATION, "SubRecordType", "DELIMITED", "Delimiter",
                        Base64.getEncoder().encodeToString("||".getBytes(StandardCharsets.UTF_8))),
                extraction("{k: .k}"));

        put("{\"k\":\"x\",\"v\":1}||{\"k\":\"y\",\"v\":2}||{\"k\":\"x\",\"v\":3}||", "{\"k\":\"y\",\"v\":4}");
        local.deliverNow();

        assertThat(DeliveredObjects.under(dir, "my-bucket/k=x/").values())
                .containsExactly("{\"k\":\"x\",\"v\":1}{\"k\":\"x\",\"v\":3}");
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=y/").values())
                .containsExactly("{\"k\":\"y\",\"v\":2}{\"k\":\"y\",\"v\":4}");
        assertThat(DeliveredObjects.read(dir)).hasSize(2);
        assertThat(local.ledger().count("dp")).isEqualTo(2);
    }

    @Test
    void aKeyValueThatLeavesAnEmptySegmentInTheKeyGoesToTheErrorOutput() throws Exception {
        create("a/!{partitionKeyFromQuery:k}/", extraction("{k: .k}"));

        put("{\"k\":\"\"}", "{\"k\":\"ok\"}", "{\"k\":\"x//y\"}");
        local.deliverNow();

        assertThat(DeliveredObjects.under(dir, "my-bucket/a/ok/").values()).containsExactly("{\"k\":\"ok\"}");
        List<JsonNode> failed = errorDocuments(DeliveredObjects.under(dir, "my-bucket/errors/partitioning-failed/")
                .values().iterator().next());
        assertThat(failed).extracting(DynamicPartitioningTest::rawData)
                .containsExactly("{\"k\":\"\"}", "{\"k\":\"x//y\"}");
        assertThat(failed).extracting(d -> d.get("errorCode").asText())
                .containsOnly("DynamicPartitioning.PrefixEvaluationFailed");
        // The ledger: 3 stored = 1 in a data object + 2 failed, and nothing else was written.
        assertThat(local.ledger().count("dp")).isEqualTo(3);
        assertThat(DeliveredObjects.read(dir)).hasSize(2);
    }

    @Test
    void recordsThatAreNotJsonOrHaveObjectValuedKeysFailOneByOne() throws Exception {
        create("k=!{partitionKeyFromQuery:k}/",
                processor(ProcessorType.RECORD_DE_AGGREGATION, "SubRecordType", "DELIMITED", "Delimiter", "Cg=="),
                extraction("{k: .a.k}"));

        put("{\"a\":{\"k\":\"ok\"}}\nnot json\n{\"a\":{\"k\":{\"deep\":1}}}\n{\"a\":\"flat\"}\n");
        local.deliverNow();

        assertThat(DeliveredObjects.under(dir, "my-bucket/k=ok/").values()).containsExactly("{\"a\":{\"k\":\"ok\"}}");
        List<JsonNode> failed = errorDocuments(DeliveredObjects.under(dir, "my-bucket/errors/partitioning-failed/")
                .values().iterator().next());
        assertThat(failed).extracting(DynamicPartitioningTest::rawData)
                .containsExactly("not json", "{\"a\":{\"k\":{\"deep\":1}}}", "{\"a\":\"flat\"}");
        assertThat(failed).extracting(d -> d.get("errorMessage").asText()).satisfiesExactly(
                m -> assertThat(m).contains("not one JSON document"),
                m -> assertThat(m).contains("is an object"),
                m -> assertThat(m).contains("cannot index a string"));
    }

    @Test
    void aRecordOfMoreThan500SubRecordsIsAcceptedAndGoesToTheErrorOutputWhole() throws Exception {
        create("k=!{partitionKeyFromQuery:k}/", jsonDeaggregation(), extraction("{k: .k}"), appendDelimiter());
        String fiveHundred = "{\"k\":\"a\"}".repeat(500);
        String fiveHundredOne = "{\"k\":\"b\"}".repeat(501);

        put(fiveHundred, fiveHundredOne);
        local.deliverNow();

        assertThat(DeliveredObjects.under(dir, "my-bucket/k=a/").values())
                .containsExactly("{\"k\":\"a\"}\n".repeat(500));
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=b/")).isEmpty();
        List<JsonNode> failed = errorDocuments(DeliveredObjects.under(dir, "my-bucket/errors/partitioning-failed/")
                .values().iterator().next());
        assertThat(failed).singleElement().satisfies(doc -> {
            assertThat(rawData(doc)).isEqualTo(fiveHundredOne);
            assertThat(doc.get("errorMessage").asText()).contains("more than 500 sub-records");
        });
        assertThat(local.ledger().count("dp")).isEqualTo(2);
    }

    @Test
    void recordsThatWouldOpenA501stActivePartitionGoToTheErrorOutput() throws Exception {
        create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"));
        String[] first = new String[500];
        for (int i = 0; i < 500; i++) {
            first[i] = "{\"k\":\"p" + i + "\"}";
        }
        put(first);
        put("{\"k\":\"p500\"}", "{\"k\":\"p0\",\"more\":1}");
        local.deliverNow();

        Map<String, String> objects = DeliveredObjects.read(dir);
        assertThat(objects.keySet()).filteredOn(k -> k.startsWith("my-bucket/k=")).hasSize(500);
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=p0/").values())
                .containsExactly("{\"k\":\"p0\"}{\"k\":\"p0\",\"more\":1}");
        List<JsonNode> failed = errorDocuments(DeliveredObjects.under(dir, "my-bucket/errors/activePartitionExceeded/")
                .values().iterator().next());
        assertThat(failed).singleElement().satisfies(doc -> {
            assertThat(rawData(doc)).isEqualTo("{\"k\":\"p500\"}");
            assertThat(doc.get("errorCode").asText()).isEqualTo("DynamicPartitioning.ActivePartitionsLimitExceeded");
        });
        assertThat(objects).hasSize(501);
        assertThat(local.ledger().count("dp")).isEqualTo(502);
    }

    @Test
    void keyValuesThatWouldLeaveTheBucketDirectoryFailTheRecord() throws Exception {
        create("a/!{partitionKeyFromQuery:k}/b/", extraction("{k: .k}"));

        put("{\"k\":\"..\"}", "{\"k\":\"x/y\"}");
        local.deliverNow();

        assertThat(DeliveredObjects.under(dir, "my-bucket/a/x/y/b/").values()).containsExactly("{\"k\":\"x/y\"}");
        List<JsonNode> failed = errorDocuments(DeliveredObjects.under(dir, "my-bucket/errors/partitioning-failed/")
                .values().iterator().next());
        assertThat(failed).singleElement().satisfies(doc -> {
            assertThat(rawData(doc)).isEqualTo("{\"k\":\"..\"}");
            assertThat(doc.get("errorMessage").asText()).contains("the segment '..'");
        });
        assertThat(DeliveredObjects.read(dir)).hasSize(2);
    }

    @Test
    void eachPartitionIsBufferedOnItsOwnInterval() {
        create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"));
        put("{\"k\":\"early\"}");
        clock.advance(Duration.ofSeconds(30));
        put("{\"k\":\"late\"}", "{\"k\":\"early\",\"again\":true}");

        clock.advance(Duration.ofSeconds(30));
        local.deliverDue();

        assertThat(DeliveredObjects.read(dir).keySet()).singleElement().asString().startsWith("my-bucket/k=early/");
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=early/").values())
                .containsExactly("{\"k\":\"early\"}{\"k\":\"early\",\"again\":true}");
        clock.advance(Duration.ofSeconds(30));
        local.deliverDue();
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=late/").values()).containsExactly("{\"k\":\"late\"}");
        assertThat(DeliveredObjects.under(dir, "my-bucket/k=late/").keySet()).singleElement().asString()
                .contains("/dp-1-2026-03-04-05-06-37-");
    }

    @Test
    void describeShowsTheConfigurationAsGiven() {
        create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"), appendDelimiter());

        ExtendedS3DestinationDescription d = sync.describeDeliveryStream(r -> r.deliveryStreamName("dp"))
                .deliveryStreamDescription().destinations().get(0).extendedS3DestinationDescription();

        assertThat(d.dynamicPartitioningConfiguration().enabled()).isTrue();
        assertThat(d.processingConfiguration().enabled()).isTrue();
        assertThat(d.processingConfiguration().processors()).containsExactly(extraction("{k: .k}"), appendDelimiter());
        assertThat(d.prefix()).isEqualTo("k=!{partitionKeyFromQuery:k}/");
        assertThat(d.errorOutputPrefix()).isEqualTo("errors/!{firehose:error-output-type}/");
    }

    @Test
    void whatFirehoseLocalCannotDoIsRefusedAtCreation() {
        assertThatThrownBy(() -> create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"),
                processor(ProcessorType.LAMBDA, "LambdaArn", "arn:aws:lambda:us-east-1:1:function:f")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("The processor type Lambda is not supported");
        assertThatThrownBy(() -> create("k=!{partitionKeyFromLambda:k}/", extraction("{k: .k}")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("partitionKeyFromLambda");
        assertThatThrownBy(() -> create("y=!{partitionKeyFromQuery:y}/",
                extraction("{y: .ts | strftime(\"%Y\")}")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("MetadataExtractionQuery '{y: .ts | strftime(\"%Y\")}' is not supported");
        assertThatThrownBy(() -> create(d -> d.prefix("k=!{partitionKeyFromQuery:k}/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(0))
                .processingConfiguration(p -> p.enabled(true).processors(extraction("{k: .k}")))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("zero buffering");
        assertThatThrownBy(() -> create("k=!{partitionKeyFromQuery:k}/", jsonDeaggregation()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("MetadataExtraction");
        assertThatThrownBy(() -> create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"),
                processor(ProcessorType.RECORD_DE_AGGREGATION, "SubRecordType", "DELIMITED")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("needs the parameter Delimiter");
        assertThatThrownBy(() -> create("k=!{partitionKeyFromQuery:k}/",
                processor(ProcessorType.METADATA_EXTRACTION, "MetadataExtractionQuery", "{k: .k}")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("JsonParsingEngine JQ-1.6");
        assertThatThrownBy(() -> create("k=!{partitionKeyFromQuery:k}/", extraction("{k: .k}"),
                Processor.builder().type("Bogus").build()))
                .isInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("Value 'Bogus' at 'extendedS3DestinationConfiguration.processingConfiguration"
                        + ".processors.2.member.type' failed to satisfy constraint");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
    }

    @Test
    void deaggregationWithoutDynamicPartitioningIsRefused() {
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("plain")
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                        .processingConfiguration(p -> p.enabled(true).processors(jsonDeaggregation())))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("set DynamicPartitioningConfiguration.Enabled to true");
    }
}
