package dev.firehose.producer.internal;

import dev.firehose.producer.PutResult;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The unit the accumulator buffers and the sender sends: one Firehose record and the future of
 * the user record in it.
 *
 * <p>With packing, the accumulator copies each user record's bytes into its stream's open packed
 * record as it is put, and seals it into a packed entry (see {@link RecordAccumulator#appendPacked}):
 * one Firehose record that carries several user entries, its
 * {@link #parts}. The sender, the retry policy and the expiry work on the packed entry as on any
 * other; {@link Settler} settles its parts, each with its own future, budget and flush epoch.
 *
 * <p>Threads: the final fields are set by the putting thread; {@link #attempts}, the error fields
 * and {@link #retryAtNanos} belong to the sender thread, which hands them over with the request to
 * a request thread (and back with a failed entry); {@link #settled} is claimed once by
 * compare-and-set from whichever thread settles the entry.
 */
final class ProducerEntry {

    private static final AtomicIntegerFieldUpdater<ProducerEntry> SETTLED =
            AtomicIntegerFieldUpdater.newUpdater(ProducerEntry.class, "settled");

    final String stream;
    /**
     * The Firehose record. A packed entry gets it from {@link #materialize()} on the request thread
     * that first sends it (the compression off the sender thread); null until then. A user record
     * in a packed record has none.
     */
    Record record;
    /** The user record's bytes; null for a packed entry, and for a user record whose bytes were copied into one. */
    final SdkBytes data;
    /**
     * The Firehose record's size in bytes as sent; for a packed entry not yet materialized, the most
     * it may take (its bytes before compression, plus what GZIP may add).
     */
    int size;
    /** A packed entry's packer; null otherwise. */
    private final RecordPacker packer;
    /**
     * A packed entry's bytes before compression, copied from its parts as they were put; null once
     * materialized, and for any other entry.
     */
    private byte[] packed;
    final CompletableFuture<PutResult> future = new CompletableFuture<>();
    final long putNanos;
    final long deadlineNanos;
    /** The flush epoch the record counts in until it settles. */
    final FlushTracker.Epoch epoch;
    /** The stream's share of the buffer the record holds until it settles, or null (tests). */
    final BufferBudget.Share share;
    /** The user entries a packed entry carries, in put order; null for an entry that is one user record. */
    final ProducerEntry[] parts;

    // Sender thread only (handed to a request thread with the request, and back with its outcome).
    int attempts;
    boolean mayBeDuplicated;
    String lastErrorCode;
    String lastErrorMessage;
    long retryAtNanos;
    /** Orders records with the same retry time: those that failed together stay together. */
    long retrySeq;
    /** Waiting in its stream's retry sets; its retry time and sequence (their keys) may not change meanwhile. */
    boolean waitingRetry;
    /** The Resilience4j context of the record's retries, from its first failure on; else null. */
    Retry.AsyncContext<Object> retryContext;

    private volatile int settled;

    ProducerEntry(String stream, Record record, int size, long putNanos, long deadlineNanos,
            FlushTracker.Epoch epoch) {
        this(stream, record, size, putNanos, deadlineNanos, epoch, null);
    }

    ProducerEntry(String stream, Record record, int size, long putNanos, long deadlineNanos,
            FlushTracker.Epoch epoch, BufferBudget.Share share) {
        this(stream, record, record.data(), size, putNanos, deadlineNanos, epoch, share);
    }

    /**
     * A user record that only a packed record will carry: no SDK record of its own, its bytes go
     * straight into the packed one.
     */
    ProducerEntry(String stream, SdkBytes data, int size, long putNanos, long deadlineNanos,
            FlushTracker.Epoch epoch, BufferBudget.Share share) {
        this(stream, null, data, size, putNanos, deadlineNanos, epoch, share);
    }

    private ProducerEntry(String stream, Record record, SdkBytes data, int size, long putNanos, long deadlineNanos,
            FlushTracker.Epoch epoch, BufferBudget.Share share) {
        this.data = data;
        this.share = share;
        this.parts = null;
        this.packer = null;
        this.stream = stream;
        this.record = record;
        this.size = size;
        this.putNanos = putNanos;
        this.deadlineNanos = deadlineNanos;
        this.epoch = epoch;
    }

    /**
     * A packed entry whose parts' bytes are in {@code packed}; {@link #materialize()} builds its record.
     *
     * @param stream the parts' stream
     * @param parts the user entries, in put order
     * @param packer builds the record
     * @param packed the packed record before compression
     */
    ProducerEntry(String stream, ProducerEntry[] parts, RecordPacker packer, byte[] packed) {
        this.stream = stream;
        this.record = null;
        this.data = null;
        this.size = packed.length + packer.growth();
        this.packed = packed;
        this.parts = parts;
        this.packer = packer;
        this.share = parts[0].share;
        this.epoch = null;
        this.putNanos = parts[0].putNanos;
        long deadline = parts[0].deadlineNanos;
        for (ProducerEntry part : parts) {
            if (part.deadlineNanos - deadline < 0) {
                deadline = part.deadlineNanos;
            }
        }
        this.deadlineNanos = deadline;
    }

    /**
     * Builds a packed entry's record if it has none yet (the thread that sends it; a retry finds it
     * built and sends the same bytes).
     *
     * @return the record
     */
    Record materialize() {
        if (record == null && packer != null) {
            packer.materialize(this, packed);
            packed = null;
        }
        return record;
    }

    /** @return how many user records this entry carries */
    int userRecords() {
        return parts == null ? 1 : parts.length;
    }

    /** @return true for the one caller that may settle this entry, false for every later caller */
    boolean claimSettlement() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    boolean isSettled() {
        return settled != 0;
    }
}
