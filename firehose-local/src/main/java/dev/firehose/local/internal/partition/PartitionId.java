package dev.firehose.local.internal.partition;

import java.util.List;

/**
 * Which buffer of a stream a (sub-)record goes to: the data of one set of partition key values, or
 * the failed records of one error output type. Streams without dynamic partitioning have the one
 * partition {@link #DATA}.
 *
 * @param errorType  the error output type ({@code partitioning-failed}, ...), {@code null} for data
 * @param keyValues  the partition key values, in the order of the Prefix's keys; empty for errors
 */
public record PartitionId(String errorType, List<String> keyValues) {

    /** The single data partition of a stream without partition keys. */
    public static final PartitionId DATA = new PartitionId(null, List.of());

    public PartitionId {
        keyValues = List.copyOf(keyValues);
    }

    public static PartitionId error(String errorType) {
        return new PartitionId(errorType, List.of());
    }

    public boolean isError() {
        return errorType != null;
    }
}
