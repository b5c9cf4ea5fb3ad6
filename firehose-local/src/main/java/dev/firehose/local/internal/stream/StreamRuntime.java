package dev.firehose.local.internal.stream;

import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.internal.partition.PartitionId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The mutable side of one delivery stream: its fault generator, its quota buckets and its delivery
 * buffers (one per partition). Every method must be called while holding this object's monitor ({@code synchronized
 * (stream)}), so that the requests of one stream draw faults, spend quota, enter the ledger and
 * the buffer in one order.
 */
public final class StreamRuntime {

    private volatile StreamConfig config;
    private final StreamControl control;
    private final SplittableRandom faultRandom;
    private final SplittableRandom keyRandom;

    private Quota bucketsQuota;
    private TokenBucket requestBucket;
    private TokenBucket recordBucket;
    private TokenBucket byteBucket;

    private final Map<PartitionId, PartitionBuffer> buffers = new LinkedHashMap<>();
    private int activeDataPartitions;
    /** When the pending zero-buffering timer was set, by the endpoint's clock; {@code null} when none is pending. */
    private Instant windowTimerSetAt;

    StreamRuntime(StreamConfig config, StreamControl control, long seed) {
        this.config = config;
        this.control = control;
        long mixed = seed ^ (config.name().hashCode() * 0x9E3779B97F4A7C15L);
        this.faultRandom = new SplittableRandom(mixed);
        this.keyRandom = new SplittableRandom(~mixed);
    }

    public StreamConfig config() {
        return config;
    }

    /** Replaces the configuration (UpdateDestination); the caller has delivered the buffer first. */
    public void config(StreamConfig updated) {
        this.config = updated;
    }

    /** Tags, encryption, source: thread-safe on its own, no need to hold this stream. */
    public StreamControl control() {
        return control;
    }

    public SplittableRandom faultRandom() {
        return faultRandom;
    }

    public SplittableRandom keyRandom() {
        return keyRandom;
    }

    /** Brings the buckets up to date with {@code quota} and the clock; false when the quota is unlimited. */
    public boolean refillBuckets(Quota quota, long nowNanos) {
        if (quota.isUnlimited()) {
            bucketsQuota = null;
            return false;
        }
        if (!quota.equals(bucketsQuota)) {
            bucketsQuota = quota;
            requestBucket = bucket(quota.requestsPerSecond(), nowNanos);
            recordBucket = bucket(quota.recordsPerSecond(), nowNanos);
            byteBucket = bucket(quota.bytesPerSecond(), nowNanos);
        }
        if (requestBucket != null) {
            requestBucket.refill(nowNanos);
        }
        if (recordBucket != null) {
            recordBucket.refill(nowNanos);
        }
        if (byteBucket != null) {
            byteBucket.refill(nowNanos);
        }
        return true;
    }

    private static TokenBucket bucket(long rate, long nowNanos) {
        return rate == Quota.UNLIMITED ? null : new TokenBucket(rate, nowNanos);
    }

    /** Takes one request token; false when the request rate is exhausted. */
    public boolean takeRequest() {
        if (requestBucket == null) {
            return true;
        }
        if (!requestBucket.has(1)) {
            return false;
        }
        requestBucket.take(1);
        return true;
    }

    /** Whether one record of {@code bytes} fits the remaining record and byte allowance. */
    public boolean hasRecordAllowance(long bytes) {
        return (recordBucket == null || recordBucket.has(1)) && (byteBucket == null || byteBucket.has(bytes));
    }

    public void takeRecord(long bytes) {
        if (recordBucket != null) {
            recordBucket.take(1);
        }
        if (byteBucket != null) {
            byteBucket.take(bytes);
        }
    }

    /** Whether faults need drawing at all. */
    public static boolean active(Faults faults) {
        return faults.dropBeforeStoreRate() > 0 || faults.dropAfterStoreRate() > 0
                || faults.requestInternalErrorRate() > 0 || faults.requestServiceUnavailableRate() > 0
                || faults.entryInternalFailureRate() > 0 || faults.entryServiceUnavailableRate() > 0;
    }

    // ---- delivery buffers, one per partition ------------------------------------------------

    /** Whether no partition holds a record. */
    public boolean bufferEmpty() {
        return buffers.isEmpty();
    }

    /** Whether a buffer for {@code partition} holds records. */
    public boolean hasBuffer(PartitionId partition) {
        return buffers.containsKey(partition);
    }

    /** The number of data partitions with buffered records (error outputs not counted). */
    public int activeDataPartitions() {
        return activeDataPartitions;
    }

    /** The buffer of {@code partition}, or {@code null} when it holds nothing. */
    public PartitionBuffer buffer(PartitionId partition) {
        return buffers.get(partition);
    }

    /** The partitions with buffered records, in the order their buffers were started. */
    public List<PartitionId> partitions() {
        return new ArrayList<>(buffers.keySet());
    }

    public void append(PartitionId partition, byte[] record, Instant arrival) {
        PartitionBuffer b = buffers.get(partition);
        if (b == null) {
            b = new PartitionBuffer();
            buffers.put(partition, b);
            if (!partition.isError()) {
                activeDataPartitions++;
            }
        }
        b.add(record, arrival);
    }

    /** When the oldest buffered record of any partition arrived; {@code null} when nothing is buffered. */
    public Instant oldestArrival() {
        Instant oldest = null;
        for (PartitionBuffer b : buffers.values()) {
            if (oldest == null || b.firstArrival().isBefore(oldest)) {
                oldest = b.firstArrival();
            }
        }
        return oldest;
    }

    /** When the pending zero-buffering timer was set, by the endpoint's clock; {@code null} when none is pending. */
    public Instant windowTimerSetAt() {
        return windowTimerSetAt;
    }

    /** Marks a zero-buffering timer pending since {@code setAt}, or none with {@code null}. */
    public void windowTimerSetAt(Instant setAt) {
        this.windowTimerSetAt = setAt;
    }

    /** Takes the buffer of {@code partition}, leaving none; {@code null} when it held nothing. */
    public PartitionBuffer drain(PartitionId partition) {
        PartitionBuffer b = buffers.remove(partition);
        if (b != null && !partition.isError()) {
            activeDataPartitions--;
        }
        return b;
    }
}
