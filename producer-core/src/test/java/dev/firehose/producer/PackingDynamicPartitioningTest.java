package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Processor;
import software.amazon.awssdk.services.firehose.model.ProcessorParameter;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Packing into a stream that deaggregates records for dynamic partitioning, in {@code firehose-local},
 * which applies the service's rule: a record of more than 500 sub-records fails deaggregation whole
 * and lands in the error output. Newline-delimited packing with its defaults keeps every packed
 * record within the limit, so every user record reaches its partition, once.
 */
@Timeout(120)
class PackingDynamicPartitioningTest {

    private static final String STREAM = "partitioned";
    private static final int RECORDS = 3_000;

    @TempDir
    Path dir;
    private FirehoseLocal local;
    private FirehoseClient admin;
    private FirehoseAsyncClient client;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().port(0).dataDirectory(dir).build().start();
        admin = local.syncClient();
        client = local.asyncClient();
        admin.createDeliveryStream(r -> r.deliveryStreamName(STREAM).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::events").roleARN("arn:aws:iam::123456789012:role/firehose")
                .prefix("k=!{partitionKeyFromQuery:k}/")
                .errorOutputPrefix("errors/!{firehose:error-output-type}/")
                .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(900))
                .dynamicPartitioningConfiguration(p -> p.enabled(true))
                .processingConfiguration(p -> p.enabled(true).processors(
                        processor(ProcessorType.RECORD_DE_AGGREGATION, "SubRecordType", "JSON"),
                        processor(ProcessorType.METADATA_EXTRACTION, "MetadataExtractionQuery", "{k: .k}",
                                "JsonParsingEngine", "JQ-1.6"),
                        processor(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
    }

    @AfterEach
    void stop() {
        client.close();
        admin.close();
        local.close();
    }

    private static Processor processor(ProcessorType type, String... nameValues) {
        List<ProcessorParameter> parameters = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            parameters.add(ProcessorParameter.builder().parameterName(nameValues[i])
                    .parameterValue(nameValues[i + 1]).build());
        }
        return Processor.builder().type(type).parameters(parameters).build();
    }

    private static String event(int i) {
        return "{\"k\":\"" + (char) ('a' + i % 3) + "\",\"i\":" + i + "}";
    }

    @Test
    void everyUserRecordReachesItsPartitionOnceAndNoPackedRecordExceedsTheDeaggregationLimit() throws Exception {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName(STREAM).client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(50))
                        .packing(RecordPacking.newlineDelimited()).build())
                .build()) {
            for (int i = 0; i < RECORDS; i++) {
                futures.add(producer.put(event(i)));
            }
            producer.flush().get(60, TimeUnit.SECONDS);
        }
        int largest = 0;
        for (CompletableFuture<PutResult> f : futures) {
            largest = Math.max(largest, f.join().packedRecords());
        }
        // Packing filled records up to the limit, so the limit is what was tested.
        assertThat(largest).isEqualTo(RecordPacking.DEFAULT_MAX_RECORDS).isEqualTo(500);
        for (StoredRecord stored : local.ledger().records(STREAM)) {
            assertThat(new String(stored.data(), StandardCharsets.UTF_8).lines().count())
                    .as("sub-records in stored record %s", stored.recordId()).isLessThanOrEqualTo(500);
        }
        local.deliverNow();

        Map<String, String> objects = objects();
        assertThat(objects.keySet()).as("no error output").noneMatch(k -> k.startsWith("events/errors/"));
        Map<String, List<String>> expected = new TreeMap<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.computeIfAbsent(String.valueOf((char) ('a' + i % 3)), k -> new ArrayList<>()).add(event(i));
        }
        Map<String, List<String>> delivered = new TreeMap<>();
        objects.forEach((key, content) -> {
            String partition = key.substring("events/k=".length(), key.indexOf('/', "events/k=".length()));
            delivered.computeIfAbsent(partition, k -> new ArrayList<>()).addAll(content.lines().toList());
        });
        // Requests in flight together may be stored in any order; within a packed record, put order
        // holds (RecordPackingTest), here every record must be in its partition exactly once.
        assertThat(delivered.keySet()).isEqualTo(expected.keySet());
        expected.forEach((partition, events) -> assertThat(delivered.get(partition))
                .as("partition k=%s", partition).containsExactlyInAnyOrderElementsOf(events));
    }

    @Test
    void theEndpointSendsARecordOfMoreThan500SubRecordsToTheErrorOutput() {
        // The control: a record past the limit does not reach its partition, so the test above
        // would fail if packing ever exceeded it.
        StringBuilder packed = new StringBuilder();
        for (int i = 0; i < 501; i++) {
            packed.append(event(i * 3)).append('\n');
        }
        admin.putRecord(r -> r.deliveryStreamName(STREAM)
                .record(Record.builder().data(SdkBytes.fromUtf8String(packed.toString())).build()));
        local.deliverNow();

        assertThat(objects().keySet()).isNotEmpty().allMatch(k -> k.startsWith("events/errors/"));
    }

    /** The delivered objects, by {@code bucket/key}, in key order. */
    private Map<String, String> objects() {
        Map<String, String> objects = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                objects.put(dir.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }
}
