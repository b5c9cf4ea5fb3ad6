package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamResponse;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.ListDeliveryStreamsResponse;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.S3DestinationConfiguration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams, DeleteDeliveryStream through the SDK. */
class ControlPlaneTest {

    private static final String BUCKET_ARN = "arn:aws:s3:::my-bucket";
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/firehose";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-06T07:08:09Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).activationDelay(Duration.ofSeconds(5)).build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private static CreateDeliveryStreamRequest.Builder extended(String name) {
        return CreateDeliveryStreamRequest.builder().deliveryStreamName(name)
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(ExtendedS3DestinationConfiguration.builder()
                        .bucketARN(BUCKET_ARN).roleARN(ROLE_ARN).prefix("logs/").errorOutputPrefix("errors/")
                        .bufferingHints(h -> h.sizeInMBs(64).intervalInSeconds(120))
                        .compressionFormat(CompressionFormat.GZIP).build());
    }

    @Test
    void createdStreamIsCreatingThenActiveAndDescribesItsDestination() {
        CreateDeliveryStreamResponse created = sync.createDeliveryStream(extended("orders").build());

        assertThat(created.deliveryStreamARN()).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/orders");
        DeliveryStreamDescription d = sync.describeDeliveryStream(r -> r.deliveryStreamName("orders")).deliveryStreamDescription();
        assertThat(d.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.CREATING);
        assertThat(d.deliveryStreamName()).isEqualTo("orders");
        assertThat(d.deliveryStreamARN()).isEqualTo(created.deliveryStreamARN());
        assertThat(d.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
        assertThat(d.versionId()).isEqualTo("1");
        assertThat(d.createTimestamp()).isEqualTo(clock.instant());
        assertThat(d.hasMoreDestinations()).isFalse();
        DestinationDescription dest = d.destinations().get(0);
        assertThat(dest.destinationId()).isEqualTo("destinationId-000000000001");
        assertThat(dest.extendedS3DestinationDescription().bucketARN()).isEqualTo(BUCKET_ARN);
        assertThat(dest.extendedS3DestinationDescription().roleARN()).isEqualTo(ROLE_ARN);
        assertThat(dest.extendedS3DestinationDescription().prefix()).isEqualTo("logs/");
        assertThat(dest.extendedS3DestinationDescription().errorOutputPrefix()).isEqualTo("errors/");
        assertThat(dest.extendedS3DestinationDescription().bufferingHints().sizeInMBs()).isEqualTo(64);
        assertThat(dest.extendedS3DestinationDescription().bufferingHints().intervalInSeconds()).isEqualTo(120);
        assertThat(dest.extendedS3DestinationDescription().compressionFormat()).isEqualTo(CompressionFormat.GZIP);
        assertThat(dest.s3DestinationDescription().bucketARN()).isEqualTo(BUCKET_ARN);

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName("orders").record(Clients.record(new byte[1]))))
                .isExactlyInstanceOf(ResourceNotFoundException.class);

        clock.advance(Duration.ofSeconds(5));
        assertThat(sync.describeDeliveryStream(r -> r.deliveryStreamName("orders")).deliveryStreamDescription()
                .deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
        assertThat(sync.putRecord(r -> r.deliveryStreamName("orders").record(Clients.record(new byte[1]))).recordId()).isNotBlank();
    }

    @Test
    @SuppressWarnings("deprecation") // the S3 destination is deprecated in the model, and still accepted
    void s3DestinationGetsDefaultHintsAndNoCompression() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("plain")
                .s3DestinationConfiguration(S3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN).build()));

        DestinationDescription dest = sync.describeDeliveryStream(r -> r.deliveryStreamName("plain"))
                .deliveryStreamDescription().destinations().get(0);
        assertThat(dest.s3DestinationDescription().bufferingHints().sizeInMBs()).isEqualTo(5);
        assertThat(dest.s3DestinationDescription().bufferingHints().intervalInSeconds()).isEqualTo(300);
        assertThat(dest.s3DestinationDescription().compressionFormat()).isEqualTo(CompressionFormat.UNCOMPRESSED);
        assertThat(dest.s3DestinationDescription().prefix()).isNull();
        assertThat(dest.extendedS3DestinationDescription()).isNull();
    }

    @Test
    void creatingAnExistingStreamRaisesResourceInUse() {
        sync.createDeliveryStream(extended("twice").build());

        assertThatThrownBy(() -> sync.createDeliveryStream(extended("twice").build()))
                .isExactlyInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Firehose stream twice under account 000000000000 already exists.");
    }

    @Test
    void invalidBufferingHintsFailValidation() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("hints").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN)
                        .bufferingHints(h -> h.sizeInMBs(129).intervalInSeconds(901)).build()).build()))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("2 validation errors detected")
                .hasMessageContaining("Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to "
                        + "satisfy constraint: Member must have value less than or equal to 128")
                .hasMessageContaining("Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' "
                        + "failed to satisfy constraint: Member must have value less than or equal to 900");
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("hints").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN)
                        .bufferingHints(h -> h.sizeInMBs(0)).build()).build()))
                .hasMessageContaining("Member must have value greater than or equal to 1");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
    }

    @Test
    void unsupportedCompressionIsAnInvalidArgument() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("zipped").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN)
                        .compressionFormat(CompressionFormat.ZIP).build()).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("CompressionFormat ZIP is not supported");
    }

    @Test
    void missingOrUnsupportedDestinationIsAnInvalidArgument() {
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("nowhere")))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("S3DestinationConfiguration or ExtendedS3DestinationConfiguration");
        assertThatThrownBy(() -> sync.createDeliveryStream(r -> r.deliveryStreamName("splunk")
                .splunkDestinationConfiguration(s -> s.hecEndpoint("https://example.invalid"))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("SplunkDestinationConfiguration is not supported");
    }

    @Test
    void mskAndDatabaseSourcesAreInvalidArguments() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("msk")
                .deliveryStreamType(DeliveryStreamType.MSK_AS_SOURCE).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("DeliveryStreamType MSKAsSource is not supported");
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("db")
                .deliveryStreamType(DeliveryStreamType.DATABASE_AS_SOURCE).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("DeliveryStreamType DatabaseAsSource is not supported");
    }

    @Test
    void bucketArnMustNameABucket() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("arn").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:iam::1:role/x").roleARN(ROLE_ARN).build()).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("BucketARN arn:aws:iam::1:role/x is not an S3 bucket ARN");
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("arn").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().roleARN(ROLE_ARN).build()).build()))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value null at 'extendedS3DestinationConfiguration.bucketARN'");
    }

    @Test
    void prefixEscapingTheBucketIsRejected() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("escape").extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN(BUCKET_ARN).roleARN(ROLE_ARN).prefix("../../etc/").build()).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Prefix '../../etc/'");
    }

    @Test
    void invalidStreamNameFailsValidationOnCreate() {
        assertThatThrownBy(() -> sync.createDeliveryStream(extended("has space").build()))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value 'has space' at 'deliveryStreamName' failed to satisfy constraint");
    }

    @Test
    void listPagesThroughStreamsInNameOrder() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            names.add("s" + i);
        }
        for (String n : List.of("s3", "s0", "s6", "s1", "s5", "s2", "s4")) {
            sync.createDeliveryStream(extended(n).build());
        }

        ListDeliveryStreamsResponse first = sync.listDeliveryStreams(r -> r.limit(3));
        assertThat(first.deliveryStreamNames()).containsExactly("s0", "s1", "s2");
        assertThat(first.hasMoreDeliveryStreams()).isTrue();
        ListDeliveryStreamsResponse second = sync.listDeliveryStreams(r -> r.limit(3).exclusiveStartDeliveryStreamName("s2"));
        assertThat(second.deliveryStreamNames()).containsExactly("s3", "s4", "s5");
        assertThat(second.hasMoreDeliveryStreams()).isTrue();
        ListDeliveryStreamsResponse third = sync.listDeliveryStreams(r -> r.limit(3).exclusiveStartDeliveryStreamName("s5"));
        assertThat(third.deliveryStreamNames()).containsExactly("s6");
        assertThat(third.hasMoreDeliveryStreams()).isFalse();
        ListDeliveryStreamsResponse all = sync.listDeliveryStreams(r -> { });
        assertThat(all.deliveryStreamNames()).containsExactlyElementsOf(names);
        assertThat(all.hasMoreDeliveryStreams()).isFalse();
        assertThat(sync.listDeliveryStreams(r -> r.deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE))
                .deliveryStreamNames()).isEmpty();
    }

    @Test
    void listLimitOutOfRangeFailsValidation() {
        assertThatThrownBy(() -> sync.listDeliveryStreams(r -> r.limit(0)))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }

    @Test
    void deletedStreamIsGone() {
        sync.createDeliveryStream(extended("gone").build());

        sync.deleteDeliveryStream(r -> r.deliveryStreamName("gone"));

        assertThatThrownBy(() -> sync.describeDeliveryStream(r -> r.deliveryStreamName("gone")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> sync.deleteDeliveryStream(r -> r.deliveryStreamName("gone")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
        sync.createDeliveryStream(extended("gone").build());
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("gone");
    }

    @Test
    void describeUnknownStreamRaisesResourceNotFound() {
        assertThatThrownBy(() -> sync.describeDeliveryStream(r -> r.deliveryStreamName("unknown")))
                .isExactlyInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose stream unknown under account 000000000000 not found.");
    }

    @Test
    void asyncClientRunsTheControlPlane() {
        try (FirehoseAsyncClient async = Clients.asyncNoRetry(local)) {
            async.createDeliveryStream(extended("async").build()).join();
            assertThat(async.listDeliveryStreams(r -> { }).join().deliveryStreamNames()).containsExactly("async");
            assertThat(async.describeDeliveryStream(r -> r.deliveryStreamName("async")).join()
                    .deliveryStreamDescription().deliveryStreamName()).isEqualTo("async");
            async.deleteDeliveryStream(r -> r.deliveryStreamName("async")).join();
            assertThatThrownBy(() -> async.describeDeliveryStream(r -> r.deliveryStreamName("async")).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseExactlyInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void convenienceCreateMakesAnActiveStream() {
        local.createDeliveryStream("quick");

        DeliveryStreamDescription d = sync.describeDeliveryStream(r -> r.deliveryStreamName("quick")).deliveryStreamDescription();
        assertThat(d.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
        assertThat(d.destinations().get(0).extendedS3DestinationDescription().bucketARN()).isEqualTo("arn:aws:s3:::firehose-local");
        assertThatThrownBy(() -> local.createDeliveryStream("quick")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quick");
        assertThatThrownBy(() -> local.createDeliveryStream("no spaces")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no spaces");
    }
}
