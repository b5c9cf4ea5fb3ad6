package dev.firehose.local.internal.stream;

import dev.firehose.local.internal.partition.RecordProcessing;

import java.time.Instant;

/**
 * The configuration of one delivery stream as created: its identity and its S3 destination.
 *
 * @param destinationKind {@code S3} or {@code ExtendedS3}, the configuration the stream was created with
 * @param sizeInMBs       BufferingHints.SizeInMBs
 * @param intervalSeconds BufferingHints.IntervalInSeconds
 * @param compression     {@code UNCOMPRESSED} or {@code GZIP}
 * @param activeAt        when the stream turns from CREATING to ACTIVE
 * @param processing      prefixes, dynamic partitioning and processors
 */
public record StreamConfig(String name, String arn, String versionId, Instant createdAt, Instant activeAt,
                           String destinationKind, String roleArn, String bucketArn, String bucket,
                           String prefix, String errorOutputPrefix, int sizeInMBs, int intervalSeconds,
                           String compression, RecordProcessing processing) {

    public static final int DEFAULT_SIZE_IN_MBS = 5;
    public static final int DEFAULT_INTERVAL_SECONDS = 300;
    public static final String DEFAULT_BUCKET = "firehose-local";
    public static final String DEFAULT_ROLE_ARN = "arn:aws:iam::" + Streams.ACCOUNT + ":role/firehose-local";

    public long sizeBytes() {
        return sizeInMBs * 1024L * 1024L;
    }

    public boolean gzip() {
        return "GZIP".equals(compression);
    }

    /** This configuration under another version (UpdateDestination increments it). */
    public StreamConfig withVersionId(String version) {
        return new StreamConfig(name, arn, version, createdAt, activeAt, destinationKind, roleArn, bucketArn, bucket,
                prefix, errorOutputPrefix, sizeInMBs, intervalSeconds, compression, processing);
    }

    public String status(Instant now) {
        return now.isBefore(activeAt) ? "CREATING" : "ACTIVE";
    }
}
