package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.KeyType;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streams of type KinesisStreamAsSource: created and described (control plane only; nothing is read
 * from Kinesis), listed by type, and PutRecord / PutRecordBatch refused as the service refuses them.
 */
class KinesisSourceTest {

    private static final String KINESIS_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/firehose";
    private static final String REFUSAL = "This operation is not permitted on KinesisStreamAsSource delivery stream type.";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private static CreateDeliveryStreamRequest.Builder kinesis(String name) {
        return CreateDeliveryStreamRequest.builder().deliveryStreamName(name)
                .deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN(KINESIS_ARN).roleARN(ROLE_ARN))
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::k-bucket").roleARN(ROLE_ARN));
    }

    @Test
    void kinesisSourcedStreamIsDescribedWithItsSource() {
        sync.createDeliveryStream(kinesis("from-kinesis").build());

        DeliveryStreamDescription d = sync.describeDeliveryStream(r -> r.deliveryStreamName("from-kinesis"))
                .deliveryStreamDescription();
        assertThat(d.deliveryStreamType()).isEqualTo(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE);
        assertThat(d.source().kinesisStreamSourceDescription().kinesisStreamARN()).isEqualTo(KINESIS_ARN);
        assertThat(d.source().kinesisStreamSourceDescription().roleARN()).isEqualTo(ROLE_ARN);
        assertThat(d.source().kinesisStreamSourceDescription().deliveryStartTimestamp()).isEqualTo(clock.instant());
    }

    @Test
    void putsToAKinesisSourcedStreamAreRefusedAndNothingIsStored() {
        sync.createDeliveryStream(kinesis("from-kinesis").build());

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName("from-kinesis")
                .record(x -> x.data(SdkBytes.fromUtf8String("one\n")))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(REFUSAL);
        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName("from-kinesis")
                .records(Clients.records("r", 3))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(REFUSAL);

        assertThat(local.ledger().count("from-kinesis")).isZero();
        assertThat(local.ledger().requestsReceived("from-kinesis")).isEqualTo(2);
        local.deliverNow();
        assertThat(local.dataDirectory().resolve("k-bucket")).doesNotExist();
    }

    @Test
    void listDeliveryStreamsFiltersByType() {
        sync.createDeliveryStream(kinesis("a-kinesis").build());
        local.createDeliveryStream("b-direct");

        assertThat(sync.listDeliveryStreams(r -> r.deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE))
                .deliveryStreamNames()).containsExactly("a-kinesis");
        assertThat(sync.listDeliveryStreams(r -> r.deliveryStreamType(DeliveryStreamType.DIRECT_PUT))
                .deliveryStreamNames()).containsExactly("b-direct");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("a-kinesis", "b-direct");
    }

    @Test
    void sourceConfigurationMustMatchTheType() {
        assertThatThrownBy(() -> sync.createDeliveryStream(kinesis("no-config")
                .kinesisStreamSourceConfiguration((software.amazon.awssdk.services.firehose.model.KinesisStreamSourceConfiguration) null)
                .build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("KinesisStreamSourceConfiguration is required");
        assertThatThrownBy(() -> sync.createDeliveryStream(kinesis("direct-with-kinesis")
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("KinesisStreamSourceConfiguration is only for streams whose DeliveryStreamType is "
                        + "KinesisStreamAsSource");
        assertThatThrownBy(() -> sync.createDeliveryStream(kinesis("no-role")
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN(KINESIS_ARN)).build()))
                .hasMessageContaining("Value null at 'kinesisStreamSourceConfiguration.roleARN' failed to satisfy constraint");
        assertThatThrownBy(() -> sync.createDeliveryStream(kinesis("encrypted")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.AWS_OWNED_CMK)).build()))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("only for DirectPut streams");
        assertThat(sync.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
    }
}
