package dev.firehose.local.internal.stream;

import java.time.Instant;

/**
 * Where a stream's records come from, as created: {@code DirectPut} (PutRecord and PutRecordBatch)
 * or {@code KinesisStreamAsSource}. firehose-local reads nothing from Kinesis: a Kinesis-sourced
 * stream exists for the control plane only, and refuses puts as the service does.
 *
 * @param type                the DeliveryStreamType
 * @param kinesisStreamArn    KinesisStreamSourceConfiguration.KinesisStreamARN, or {@code null}
 * @param kinesisRoleArn      KinesisStreamSourceConfiguration.RoleARN, or {@code null}
 * @param deliveryStartedAt   when the stream started reading its Kinesis source (its creation), or {@code null}
 * @param throughputHintInMBs DirectPutSourceConfiguration.ThroughputHintInMBs, or {@code null}
 */
public record StreamSource(String type, String kinesisStreamArn, String kinesisRoleArn, Instant deliveryStartedAt,
                           Integer throughputHintInMBs) {

    public static final String DIRECT_PUT = "DirectPut";
    public static final String KINESIS = "KinesisStreamAsSource";

    /** A DirectPut stream with no source configuration. */
    public static StreamSource directPut() {
        return new StreamSource(DIRECT_PUT, null, null, null, null);
    }

    public boolean kinesis() {
        return KINESIS.equals(type);
    }
}
