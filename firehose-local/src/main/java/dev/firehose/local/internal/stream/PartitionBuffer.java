package dev.firehose.local.internal.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The records buffered for one partition of a stream (the whole stream without dynamic
 * partitioning), oldest first, with their bytes and the arrival of the oldest. Guarded by the
 * stream's monitor, like the rest of {@link StreamRuntime}.
 */
public final class PartitionBuffer {

    private final List<byte[]> records = new ArrayList<>();
    private long bytes;
    private Instant firstArrival;

    PartitionBuffer() {
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    public long bytes() {
        return bytes;
    }

    /** When the oldest buffered record arrived; {@code null} when empty. */
    public Instant firstArrival() {
        return firstArrival;
    }

    public List<byte[]> records() {
        return records;
    }

    void add(byte[] record, Instant arrival) {
        if (records.isEmpty()) {
            firstArrival = arrival;
        }
        records.add(record);
        bytes += record.length;
    }

    /** Whether {@code bufferTime} has passed since the oldest record at {@code now}. */
    public boolean due(Instant now, Duration bufferTime) {
        return !records.isEmpty() && !now.isBefore(firstArrival.plus(bufferTime));
    }
}
