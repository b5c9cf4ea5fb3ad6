package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.ProcessorType;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prefix expressions evaluated in delivered keys, their rules at creation, AppendDelimiterToRecord alone. */
class PrefixExpressionsTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

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

    private void create(String name, String prefix, String errorPrefix) {
        sync.createDeliveryStream(r -> r.deliveryStreamName(name).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .prefix(prefix).errorOutputPrefix(errorPrefix)));
    }

    private void put(String stream, String... data) {
        for (String d : data) {
            sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.record(d.getBytes())));
        }
    }

    @Test
    void timestampAndRandomStringAreEvaluatedAtTheOldestRecordAndNoTimeFolderIsAdded() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("exp").extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .prefix("app/dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/!{firehose:random-string}/")
                .errorOutputPrefix("errors/!{firehose:error-output-type}/")
                .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(900))));
        clock.set(Instant.parse("2026-03-04T23:55:00Z"));
        put("exp", "first");
        clock.advance(Duration.ofMinutes(10));
        put("exp", "second");

        local.deliverNow();

        assertThat(DeliveredObjects.read(dir).entrySet()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).matches("my-bucket/app/dt=2026-03-04/h=23/[0-9a-f]{11}/exp-1-2026-03-04-23-55-00-[0-9a-f-]{36}");
            assertThat(e.getValue()).isEqualTo("firstsecond");
        });
    }

    @Test
    void aPrefixWithoutExpressionsKeepsTheTimeFolder() {
        create("static", "legacy", "");
        put("static", "x");

        local.deliverNow();

        assertThat(DeliveredObjects.read(dir).keySet()).singleElement().asString()
                .matches("my-bucket/legacy2026/03/04/05/static-1-2026-03-04-05-06-07-[0-9a-f-]{36}");
    }

    @Test
    void everyObjectGetsItsOwnRandomString() {
        create("rand", "!{firehose:random-string}/", "e/!{firehose:error-output-type}/");
        put("rand", "a");
        local.deliverNow();
        put("rand", "b");
        local.deliverNow();

        assertThat(DeliveredObjects.read(dir).keySet()).hasSize(2)
                .allSatisfy(k -> assertThat(k).matches("my-bucket/[0-9a-f]{11}/2026/03/04/05/rand-1-.*"))
                .extracting(k -> k.substring(0, 21)).doesNotHaveDuplicates();
    }

    @Test
    void theServicesPrefixRulesAreCheckedAtCreation() {
        assertThatThrownBy(() -> create("s", "!{timestamp:yyyy/MM/dd}", ""))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
        assertThatThrownBy(() -> create("s", "a/!{partitionKeyFromQuery:k}/", "e/!{firehose:error-output-type}"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Dynamic Partitioning Namespaces can only be part of a prefix expression when "
                        + "Dynamic Partitioning is enabled.");
        assertThatThrownBy(() -> create("s", "a/!{firehose:error-output-type}/", "e/!{firehose:error-output-type}"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("can only be used in ErrorOutputPrefix");
        assertThatThrownBy(() -> create("s", "a/", "e/!{timestamp:yyyy}/"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("must include it");
        assertThatThrownBy(() -> create("s", "a/!{timestamp:qqqqqq}/", "e/!{firehose:error-output-type}"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("DateTimeFormatter");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
    }

    @Test
    void aPrefixWithAnEmptySegmentIsRefusedRatherThanStoredUnderAnotherKey() {
        // Files cannot hold the key "logs//2026/...": the object would be served as "logs/2026/...".
        assertThatThrownBy(() -> create("s", "logs//", ""))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Prefix 'logs//'").hasMessageContaining("not supported by firehose-local");
        assertThatThrownBy(() -> create("s", "logs/", "errors//"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ErrorOutputPrefix 'errors//'");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
    }

    @Test
    void appendDelimiterToRecordAddsANewlineAfterEachRecord() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("lines").extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .processingConfiguration(p -> p.enabled(true).processors(x -> x.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        put("lines", "a", "b");

        local.deliverNow();

        assertThat(DeliveredObjects.read(dir).values()).containsExactly("a\nb\n");
        assertThat(local.ledger().count("lines")).isEqualTo(2);
    }

    @Test
    void processorsOfADisabledProcessingConfigurationAreNotApplied() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("off").extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .processingConfiguration(p -> p.enabled(false).processors(x -> x.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        put("off", "a", "b");

        local.deliverNow();

        assertThat(DeliveredObjects.read(dir).values()).containsExactly("ab");
    }
}
