package dev.firehose.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.NoEncryptionConfig;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.S3BackupMode;
import software.amazon.awssdk.services.firehose.model.S3DestinationConfiguration;

import java.net.http.HttpResponse;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every CreateDeliveryStream member firehose-local does not implement is refused with an
 * InvalidArgumentException naming it, and nothing is created; the harmless forms of those
 * members (off, default) are accepted. RoleARN and BucketARN are required, as in the service.
 */
class CreateDeliveryStreamMembersTest {

    private static final String BUCKET_ARN = "arn:aws:s3:::members-bucket";
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/firehose";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FirehoseLocal local;
    private static FirehoseClient sync;

    @BeforeAll
    static void start() {
        local = FirehoseLocal.builder().build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterAll
    static void stop() {
        sync.close();
        local.close();
    }

    private static CreateDeliveryStreamRequest extended(String name,
                                                        UnaryOperator<ExtendedS3DestinationConfiguration.Builder> more) {
        return CreateDeliveryStreamRequest.builder().deliveryStreamName(name)
                .extendedS3DestinationConfiguration(more.apply(ExtendedS3DestinationConfiguration.builder()
                        .bucketARN(BUCKET_ARN).roleARN(ROLE_ARN)).build()).build();
    }

    private static void assertRefused(CreateDeliveryStreamRequest request, String member) {
        assertThatThrownBy(() -> sync.createDeliveryStream(request))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(member)
                .hasMessageContaining("not supported by firehose-local");
        assertThatThrownBy(() -> sync.describeDeliveryStream(r -> r.deliveryStreamName(request.deliveryStreamName())))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void dataFormatConversionIsRefusedUnlessDisabled() {
        assertRefused(extended("conv", b -> b.dataFormatConversionConfiguration(c -> c.enabled(true))),
                "ExtendedS3DestinationConfiguration.DataFormatConversionConfiguration");
        // Enabled defaults to true in the service: a configuration without Enabled converts.
        assertRefused(extended("conv", b -> b.dataFormatConversionConfiguration(c -> c
                        .schemaConfiguration(s -> s.databaseName("db").tableName("t").roleARN(ROLE_ARN)))),
                "DataFormatConversionConfiguration");

        sync.createDeliveryStream(extended("conv-off", b -> b.dataFormatConversionConfiguration(c -> c.enabled(false))));
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("conv-off");
    }

    @Test
    void fileExtensionAndCustomTimeZoneAreRefusedUnlessDefault() {
        assertRefused(extended("ext", b -> b.fileExtension(".json")), "ExtendedS3DestinationConfiguration.FileExtension");
        assertRefused(extended("tz", b -> b.customTimeZone("Europe/Paris")), "CustomTimeZone 'Europe/Paris'");

        sync.createDeliveryStream(extended("defaults", b -> b.fileExtension("").customTimeZone("UTC")));
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("defaults");
    }

    @Test
    void sourceRecordBackupIsRefused() {
        assertRefused(extended("backup", b -> b.s3BackupMode(S3BackupMode.ENABLED)
                        .s3BackupConfiguration(s -> s.bucketARN(BUCKET_ARN).roleARN(ROLE_ARN))),
                "S3BackupMode Enabled");
        assertRefused(extended("backup", b -> b.s3BackupConfiguration(s -> s.bucketARN(BUCKET_ARN).roleARN(ROLE_ARN))),
                "ExtendedS3DestinationConfiguration.S3BackupConfiguration");

        sync.createDeliveryStream(extended("no-backup", b -> b.s3BackupMode(S3BackupMode.DISABLED)));
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("no-backup");
    }

    @Test
    void bucketEncryptionWithAKmsKeyIsRefused() {
        assertRefused(extended("kms", b -> b.encryptionConfiguration(e -> e.kmsEncryptionConfig(
                        k -> k.awskmsKeyARN("arn:aws:kms:us-east-1:123456789012:key/abc")))),
                "ExtendedS3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig");
        assertRefused(CreateDeliveryStreamRequest.builder().deliveryStreamName("kms-s3")
                        .s3DestinationConfiguration(S3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN)
                                .encryptionConfiguration(e -> e.kmsEncryptionConfig(
                                        k -> k.awskmsKeyARN("arn:aws:kms:us-east-1:123456789012:key/abc"))).build()).build(),
                "S3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig");

        sync.createDeliveryStream(extended("plain", b -> b.encryptionConfiguration(
                e -> e.noEncryptionConfig(NoEncryptionConfig.NO_ENCRYPTION))));
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("plain");
    }

    @Test
    void cloudWatchLoggingIsRefusedWhenEnabled() {
        assertRefused(extended("logs", b -> b.cloudWatchLoggingOptions(o -> o.enabled(true)
                        .logGroupName("/aws/kinesisfirehose/logs").logStreamName("DestinationDelivery"))),
                "CloudWatchLoggingOptions with Enabled true");

        sync.createDeliveryStream(extended("quiet", b -> b.cloudWatchLoggingOptions(o -> o.enabled(false))));
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).contains("quiet");
    }

    @Test
    void otherSourcesAreRefusedByName() {
        assertRefused(extended("msk", b -> b).toBuilder()
                        .mskSourceConfiguration(m -> m.mskClusterARN("arn:aws:kafka:us-east-1:1:cluster/c/x").topicName("t")
                                .authenticationConfiguration(a -> a.roleARN(ROLE_ARN).connectivity("PRIVATE"))).build(),
                "MSKSourceConfiguration");
        assertRefused(extended("db", b -> b).toBuilder()
                        .databaseSourceConfiguration(d -> d.type("MySQL").endpoint("db.example").port(3306)).build(),
                "DatabaseSourceConfiguration");
    }

    @Test
    void roleArnAndBucketArnAreRequired() {
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("norole")
                .extendedS3DestinationConfiguration(d -> d.bucketARN(BUCKET_ARN))))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("Value null at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy "
                        + "constraint: Member must not be null");
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("nothing")
                .s3DestinationConfiguration(d -> d.compressionFormat("GZIP"))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("2 validation errors detected")
                .hasMessageContaining("'s3DestinationConfiguration.bucketARN'")
                .hasMessageContaining("'s3DestinationConfiguration.roleARN'");
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("badrole")
                .extendedS3DestinationConfiguration(d -> d.bucketARN(BUCKET_ARN).roleARN("firehose-role"))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value 'firehose-role' at 'extendedS3DestinationConfiguration.roleARN' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: arn:.*");
    }

    @Test
    void membersOutsideTheApiAreRefusedByName() throws Exception {
        HttpResponse<String> res = Clients.rawPost(local, "Firehose_20150804.CreateDeliveryStream",
                "{\"DeliveryStreamName\":\"odd\",\"ExtendedS3DestinationConfiguration\":{\"BucketARN\":\"" + BUCKET_ARN
                        + "\",\"RoleARN\":\"" + ROLE_ARN + "\",\"BufferHints\":{\"SizeInMBs\":1}}}", true);

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("__type").asText()).isEqualTo("InvalidArgumentException");
        assertThat(body.get("message").asText()).contains("ExtendedS3DestinationConfiguration").contains("[BufferHints]");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).doesNotContain("odd");
    }

    @Test
    void membersOutsideTheApiInsideNestedStructuresAreRefusedByName() throws Exception {
        String[] destinations = {
            "\"BufferingHints\":{\"SizeInMBs\":1,\"IntervalInSecond\":0}",
            "\"ProcessingConfiguration\":{\"Enabled\":true,\"Processors\":[{\"Type\":\"AppendDelimiterToRecord\","
                    + "\"Parameter\":[]}]}",
            "\"CloudWatchLoggingOptions\":{\"Enable\":true}",
        };
        String[] named = {"IntervalInSecond", "Parameter", "Enable"};
        for (int i = 0; i < destinations.length; i++) {
            HttpResponse<String> res = Clients.rawPost(local, "Firehose_20150804.CreateDeliveryStream",
                    "{\"DeliveryStreamName\":\"nested\",\"ExtendedS3DestinationConfiguration\":{\"BucketARN\":\""
                            + BUCKET_ARN + "\",\"RoleARN\":\"" + ROLE_ARN + "\"," + destinations[i] + "}}", true);

            assertThat(res.statusCode()).as(destinations[i]).isEqualTo(400);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.get("__type").asText()).isEqualTo("InvalidArgumentException");
            assertThat(body.get("message").asText()).contains("[" + named[i] + "]");
            assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).doesNotContain("nested");
        }
    }

    @Test
    void directPutThroughputHintIsDescribed() {
        sync.createDeliveryStream(extended("hinted", b -> b).toBuilder()
                .directPutSourceConfiguration(d -> d.throughputHintInMBs(10)).build());

        DeliveryStreamDescription d = sync.describeDeliveryStream(r -> r.deliveryStreamName("hinted")).deliveryStreamDescription();
        assertThat(d.source().directPutSourceDescription().throughputHintInMBs()).isEqualTo(10);
        assertThat(d.deliveryStreamTypeAsString()).isEqualTo("DirectPut");
    }

    @Test
    void describePagesItsOneDestination() {
        sync.createDeliveryStream(extended("paged", b -> b));

        assertThat(sync.describeDeliveryStream(r -> r.deliveryStreamName("paged").limit(1)).deliveryStreamDescription()
                .destinations()).hasSize(1);
        assertThat(sync.describeDeliveryStream(r -> r.deliveryStreamName("paged")
                .exclusiveStartDestinationId("destinationId-000000000001")).deliveryStreamDescription()
                .destinations()).isEmpty();
        assertThatThrownBy(() -> sync.describeDeliveryStream(r -> r.deliveryStreamName("paged").limit(0)))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value '0' at 'limit' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 1");
    }
}
