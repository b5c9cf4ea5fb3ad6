package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * UpdateDestination: the version check, the merge of the members given into the destination, the
 * version id increment, and object keys that follow the version: records buffered before the
 * update are written under the old configuration, later ones under the new.
 */
class UpdateDestinationTest {

    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/firehose";
    private static final String DESTINATION_ID = "destinationId-000000000001";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-07-08T09:10:11Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
        sync.createDeliveryStream(r -> r.deliveryStreamName("orders")
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::orders-bucket").roleARN(ROLE_ARN)
                        .prefix("v1/").bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(300))));
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private DeliveryStreamDescription describe() {
        return sync.describeDeliveryStream(r -> r.deliveryStreamName("orders")).deliveryStreamDescription();
    }

    private void put(String... data) {
        List<Record> records = new ArrayList<>();
        for (String d : data) {
            records.add(Clients.record(d.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(sync.putRecordBatch(r -> r.deliveryStreamName("orders").records(records)).failedPutCount()).isZero();
    }

    /** Delivered objects as keys relative to the bucket, sorted. */
    private List<String> keys() {
        Path bucket = local.dataDirectory().resolve("orders-bucket");
        if (!Files.exists(bucket)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> bucket.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String content(String key) {
        try {
            return Files.readString(local.dataDirectory().resolve("orders-bucket").resolve(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void updateMergesTheGivenMembersAndIncrementsTheVersion() {
        clock.advance(Duration.ofMinutes(1));
        sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID)
                .extendedS3DestinationUpdate(u -> u.prefix("v2/").compressionFormat(CompressionFormat.GZIP)));

        DeliveryStreamDescription d = describe();
        assertThat(d.versionId()).isEqualTo("2");
        assertThat(d.lastUpdateTimestamp()).isEqualTo(clock.instant());
        ExtendedS3DestinationDescription s3 = d.destinations().get(0).extendedS3DestinationDescription();
        assertThat(s3.prefix()).isEqualTo("v2/");
        assertThat(s3.compressionFormat()).isEqualTo(CompressionFormat.GZIP);
        assertThat(s3.bucketARN()).isEqualTo("arn:aws:s3:::orders-bucket");         // kept
        assertThat(s3.bufferingHints().intervalInSeconds()).isEqualTo(300);         // kept
        assertThat(s3.roleARN()).isEqualTo(ROLE_ARN);                                // kept

        sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("2")
                .destinationId(DESTINATION_ID).s3DestinationUpdate(u -> u.bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(60))));
        DeliveryStreamDescription again = describe();
        assertThat(again.versionId()).isEqualTo("3");
        ExtendedS3DestinationDescription after = again.destinations().get(0).extendedS3DestinationDescription();
        assertThat(after.bufferingHints().intervalInSeconds()).isEqualTo(60);
        assertThat(after.prefix()).isEqualTo("v2/");
    }

    @Test
    void objectKeysFollowTheVersionAndNoRecordIsLost() {
        put("a\n", "b\n");                       // buffered under version 1
        sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("v2/")));
        put("c\n");                              // buffered under version 2
        local.deliverNow();

        List<String> keys = keys();
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).startsWith("v1/2026/07/08/09/orders-1-2026-07-08-09-10-11-");
        assertThat(keys.get(1)).startsWith("v2/2026/07/08/09/orders-2-2026-07-08-09-10-11-");
        assertThat(content(keys.get(0))).isEqualTo("a\nb\n");
        assertThat(content(keys.get(1))).isEqualTo("c\n");
        // ledger: 3 records put, 3 stored, 3 delivered
        assertThat(local.ledger().count("orders")).isEqualTo(3);
        assertThat(content(keys.get(0)).length() + content(keys.get(1)).length()).isEqualTo(6);
    }

    @Test
    void aStaleVersionIsAConcurrentModification() {
        sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("v2/")));

        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("v3/"))))
                .isExactlyInstanceOf(ConcurrentModificationException.class)
                .hasMessageContaining("version 2, not 1");
        assertThat(describe().destinations().get(0).extendedS3DestinationDescription().prefix()).isEqualTo("v2/");
    }

    @Test
    void wrongDestinationIdOrStreamIsRefused() {
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000002").extendedS3DestinationUpdate(u -> u.prefix("x/"))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("destinationId-000000000002");
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("ghost").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("x/"))))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThat(describe().versionId()).isEqualTo("1");
    }

    @Test
    void requiredMembersAndBadValuesAreValidationErrors() {
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders")
                .extendedS3DestinationUpdate(u -> u.prefix("x/"))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("2 validation errors detected")
                .hasMessageContaining("Value null at 'currentDeliveryStreamVersionId'")
                .hasMessageContaining("Value null at 'destinationId'");
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.bufferingHints(h -> h.sizeInMBs(200).intervalInSeconds(60)))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value '200' at 'extendedS3DestinationUpdate.bufferingHints.sizeInMBs' failed to satisfy "
                        + "constraint: Member must have value less than or equal to 128");
        assertThat(describe().versionId()).isEqualTo("1");
    }

    @Test
    void unsupportedMembersAndOtherDestinationsAreRefusedByName() {
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.fileExtension(".json"))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ExtendedS3DestinationUpdate.FileExtension is not supported by firehose-local");
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.s3BackupUpdate(b -> b.prefix("b/")))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ExtendedS3DestinationUpdate.S3BackupUpdate is not supported by firehose-local");
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).splunkDestinationUpdate(u -> u.hecEndpoint("https://splunk.example"))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("SplunkDestinationUpdate is not supported by firehose-local");
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID)))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("A destination update is required");
        assertThat(describe().versionId()).isEqualTo("1");
    }

    @Test
    void aStreamThatIsStillCreatingCannotBeUpdated() {
        try (FirehoseLocal slow = FirehoseLocal.builder().clock(clock).activationDelay(Duration.ofSeconds(10)).build().start();
             FirehoseClient client = Clients.syncNoRetry(slow)) {
            client.createDeliveryStream(r -> r.deliveryStreamName("young")
                    .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::young-bucket").roleARN(ROLE_ARN)));
            assertThatThrownBy(() -> client.updateDestination(r -> r.deliveryStreamName("young")
                    .currentDeliveryStreamVersionId("1").destinationId(DESTINATION_ID)
                    .extendedS3DestinationUpdate(u -> u.prefix("x/"))))
                    .isExactlyInstanceOf(ResourceInUseException.class);
            clock.advance(Duration.ofSeconds(10));
            client.updateDestination(r -> r.deliveryStreamName("young").currentDeliveryStreamVersionId("1")
                    .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("x/")));
            assertThat(client.describeDeliveryStream(r -> r.deliveryStreamName("young")).deliveryStreamDescription()
                    .versionId()).isEqualTo("2");
        }
    }

    @Test
    void streamsCreatedThroughTheJavaApiCanBeUpdated() {
        local.createDeliveryStream("java");
        put("x");   // to "orders", unaffected
        sync.updateDestination(r -> r.deliveryStreamName("java").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("java/")));

        ExtendedS3DestinationDescription s3 = sync.describeDeliveryStream(r -> r.deliveryStreamName("java"))
                .deliveryStreamDescription().destinations().get(0).extendedS3DestinationDescription();
        assertThat(s3.prefix()).isEqualTo("java/");
        assertThat(s3.bucketARN()).isEqualTo("arn:aws:s3:::" + FirehoseLocal.DEFAULT_BUCKET);
    }

    @Test
    void anUpdateIsCheckedByThePrefixRulesAndItsExpressionsApplyToLaterObjects() {
        // a Prefix with expressions needs an ErrorOutputPrefix, in an update as at creation
        assertThatThrownBy(() -> sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("day=!{timestamp:yyyy-MM-dd}/"))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ErrorOutputPrefix");
        assertThat(describe().versionId()).isEqualTo("1");

        sync.updateDestination(r -> r.deliveryStreamName("orders").currentDeliveryStreamVersionId("1")
                .destinationId(DESTINATION_ID).extendedS3DestinationUpdate(u -> u.prefix("day=!{timestamp:yyyy-MM-dd}/")
                        .errorOutputPrefix("errors/!{firehose:error-output-type}/")));
        put("z\n");
        local.deliverNow();

        assertThat(keys()).singleElement().satisfies(k -> {
            assertThat(k).startsWith("day=2026-07-08/orders-2-2026-07-08-09-10-11-");
            assertThat(content(k)).isEqualTo("z\n");
        });
    }
}
