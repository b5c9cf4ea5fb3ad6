package dev.firehose.producer.internal;

import dev.firehose.producer.PutResult;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The unit the accumulator buffers and the sender sends: one Firehose record and the future of
 * the user record in it.
 *
 * <p>Aggregation plugs in here: an entry that packs several user records (newline-delimited, as
 * Firehose's billing in 5 KB units rewards) would hold one future per user record and complete
 * them all in {@link Settler}; the accumulator, sender and retry policy work on entries and would
 * not change.
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
    final Record record;
    final int size;
    final CompletableFuture<PutResult> future = new CompletableFuture<>();
    final long putNanos;
    final long deadlineNanos;
    /** The flush epoch the record counts in until it settles. */
    final FlushTracker.Epoch epoch;
    /** The stream's share of the buffer the record holds until it settles, or null (tests). */
    final BufferBudget.Share share;

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
        this.share = share;
        this.stream = stream;
        this.record = record;
        this.size = size;
        this.putNanos = putNanos;
        this.deadlineNanos = deadlineNanos;
        this.epoch = epoch;
    }

    /** @return true for the one caller that may settle this entry, false for every later caller */
    boolean claimSettlement() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    boolean isSettled() {
        return settled != 0;
    }
}
