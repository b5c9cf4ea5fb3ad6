package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamEncryptionConfiguration;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamEncryptionStatus;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.KeyType;
import software.amazon.awssdk.services.firehose.model.LimitExceededException;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * StartDeliveryStreamEncryption, StopDeliveryStreamEncryption and the encryption input of
 * CreateDeliveryStream: the status goes ENABLING then ENABLED (DISABLING then DISABLED) by the
 * endpoint's clock, Describe reports the key, and the Put answers' Encrypted member follows.
 */
class EncryptionTest {

    private static final Duration TRANSITION = Duration.ofSeconds(5);
    private static final String KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-09-10T11:12:13Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).activationDelay(TRANSITION).build().start();
        sync = Clients.syncNoRetry(local);
        local.createDeliveryStream("s");   // ACTIVE at once
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private DeliveryStreamEncryptionConfiguration encryption(String stream) {
        return sync.describeDeliveryStream(r -> r.deliveryStreamName(stream)).deliveryStreamDescription()
                .deliveryStreamEncryptionConfiguration();
    }

    private boolean putIsEncrypted() {
        boolean single = sync.putRecord(r -> r.deliveryStreamName("s").record(x -> x.data(SdkBytes.fromUtf8String("x"))))
                .encrypted();
        boolean batch = sync.putRecordBatch(r -> r.deliveryStreamName("s").records(Clients.records("b", 2))).encrypted();
        assertThat(batch).isEqualTo(single);
        return single;
    }

    @Test
    void startGoesEnablingThenEnabledAndPutsReportEncrypted() {
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLED);
        assertThat(putIsEncrypted()).isFalse();

        sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLING);
        assertThat(encryption("s").keyType()).isEqualTo(KeyType.AWS_OWNED_CMK);
        assertThat(putIsEncrypted()).isFalse();

        clock.advance(TRANSITION);
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLED);
        assertThat(putIsEncrypted()).isTrue();
        assertThat(local.ledger().count("s")).isEqualTo(9);   // three rounds of 1 + 2 records: all stored
    }

    @Test
    void stopGoesDisablingThenDisabled() {
        sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.CUSTOMER_MANAGED_CMK).keyARN(KEY_ARN)));
        clock.advance(TRANSITION);
        DeliveryStreamEncryptionConfiguration on = encryption("s");
        assertThat(on.status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLED);
        assertThat(on.keyType()).isEqualTo(KeyType.CUSTOMER_MANAGED_CMK);
        assertThat(on.keyARN()).isEqualTo(KEY_ARN);

        sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLING);
        clock.advance(TRANSITION);
        DeliveryStreamEncryptionConfiguration off = encryption("s");
        assertThat(off.status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLED);
        assertThat(off.keyARN()).isNull();
        assertThat(putIsEncrypted()).isFalse();
    }

    @Test
    void aChangeWhileTheLastIsUnderWayIsResourceInUse() {
        sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));

        assertThatThrownBy(() -> sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s")))
                .isExactlyInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("ENABLING");
        clock.advance(TRANSITION);
        sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLING);
    }

    @Test
    void keyArnGoesWithCustomerManagedKeysOnly() {
        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.CUSTOMER_MANAGED_CMK))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK");
        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.AWS_OWNED_CMK).keyARN(KEY_ARN))))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("KeyARN must not be given when KeyType is AWS_OWNED_CMK");
        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.CUSTOMER_MANAGED_CMK).keyARN("key-1"))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value 'key-1' at 'deliveryStreamEncryptionConfigurationInput.keyARN' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: arn:.*");
        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s")
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType("NO_SUCH_KEY"))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Member must satisfy enum value set: [AWS_OWNED_CMK, CUSTOMER_MANAGED_CMK]");
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLED);
    }

    @Test
    void encryptionRequestedAtCreationIsEnablingUntilTheStreamIsActive() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("born-encrypted")
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::enc-bucket")
                        .roleARN("arn:aws:iam::123456789012:role/r"))
                .deliveryStreamEncryptionConfigurationInput(e -> e.keyType(KeyType.CUSTOMER_MANAGED_CMK).keyARN(KEY_ARN)));

        assertThat(encryption("born-encrypted").status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLING);
        clock.advance(TRANSITION);
        assertThat(encryption("born-encrypted").status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLED);
        assertThat(sync.putRecord(r -> r.deliveryStreamName("born-encrypted")
                .record(x -> x.data(SdkBytes.fromUtf8String("x")))).encrypted()).isTrue();
    }

    @Test
    void twentyFiveCallsPerDayAtMost() {
        for (int i = 0; i < 25; i++) {
            if (i % 2 == 0) {
                sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
            } else {
                sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
            }
            clock.advance(TRANSITION);
        }
        assertThatThrownBy(() -> sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s")))
                .isExactlyInstanceOf(LimitExceededException.class)
                .hasMessageContaining("25");
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.ENABLED);

        clock.advance(Duration.ofDays(1));
        sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("s"));
        assertThat(encryption("s").status()).isEqualTo(DeliveryStreamEncryptionStatus.DISABLING);
    }

    @Test
    void unknownStreamIsResourceNotFound() {
        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("ghost")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> sync.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("ghost")))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void kinesisSourcedStreamsCannotBeEncrypted() {
        sync.createDeliveryStream(r -> r.deliveryStreamName("k").deliveryStreamType("KinesisStreamAsSource")
                .kinesisStreamSourceConfiguration(c -> c.kinesisStreamARN("arn:aws:kinesis:us-east-1:1:stream/x")
                        .roleARN("arn:aws:iam::1:role/r"))
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::k-bucket").roleARN("arn:aws:iam::1:role/r")));

        assertThatThrownBy(() -> sync.startDeliveryStreamEncryption(r -> r.deliveryStreamName("k")))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("only for DirectPut streams");
    }
}
