package dev.firehose.producer.internal;

import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * Completes records, each exactly once: the first caller to claim an entry (a compare-and-set on
 * the entry) gives back its buffer budget, updates the stats, tells the listeners and completes the
 * future; every later caller does nothing. Then the record leaves its {@link FlushTracker} epoch,
 * only after its future has completed, so that a flush never completes before a record put before
 * it.
 *
 * <p>The acknowledged records of a response are settled together: one budget release (one wake-up
 * of blocked puts) and one stats update per response, before any of their futures completes.
 *
 * <p>Thread-safe: runs on request threads (acknowledged records), on the sender thread (failed
 * records), or on the closing thread when close fails what is left.
 */
final class Settler {

    private final BufferBudget budget;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;

    Settler(BufferBudget budget, StatsRecorder stats, Listeners listeners, Ticker ticker) {
        this.budget = budget;
        this.stats = stats;
        this.listeners = listeners;
        this.ticker = ticker;
    }

    /**
     * Settles the entries of one request whose response entry carries a RecordId.
     *
     * @param stream the request's stream (every entry's stream)
     * @param entries the request's entries
     * @param responses the response entries, one per entry, in the same order
     * @return how many entries this call settled
     */
    int succeed(String stream, List<ProducerEntry> entries, List<PutRecordBatchResponseEntry> responses) {
        int n = entries.size();
        boolean[] mine = new boolean[n];
        int count = 0;
        long bytes = 0;
        int duplicated = 0;
        for (int i = 0; i < n; i++) {
            ProducerEntry entry = entries.get(i);
            if (responses.get(i).errorCode() == null && entry.claimSettlement()) {
                mine[i] = true;
                count++;
                bytes += entry.size;
                if (entry.mayBeDuplicated) {
                    duplicated++;
                }
            }
        }
        if (count == 0) {
            return 0;
        }
        release(entries.get(0).share, count, bytes);
        stats.recordsAcknowledged(stream, count, bytes, duplicated);
        long now = ticker.read();
        boolean fire = !listeners.isEmpty();
        for (int i = 0; i < n; i++) {
            if (mine[i]) {
                ProducerEntry entry = entries.get(i);
                Duration latency = Duration.ofNanos(Math.max(0, now - entry.putNanos));
                RetryPolicy.onSuccess(entry);
                if (fire) {
                    fireSettled(entry, null, latency, entry.mayBeDuplicated);
                }
                entry.future.complete(new PutResult(responses.get(i).recordId(), entry.stream, entry.attempts,
                        latency, entry.mayBeDuplicated));
            }
        }
        // Only now, so that a flush waiting for these records sees their futures complete first.
        FlushTracker.Epoch epoch = null;
        int inEpoch = 0;
        for (int i = 0; i < n; i++) {
            if (mine[i]) {
                FlushTracker.Epoch e = entries.get(i).epoch;
                if (e != epoch) {
                    if (inEpoch > 0) {
                        FlushTracker.leave(epoch, inEpoch);
                    }
                    epoch = e;
                    inEpoch = 0;
                }
                inEpoch++;
            }
        }
        FlushTracker.leave(epoch, inEpoch);
        return count;
    }

    /** @return true if this call settled the entry, false if it was settled before */
    boolean fail(ProducerEntry entry, RecordFailedException failure) {
        if (!entry.claimSettlement()) {
            return false;
        }
        Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - entry.putNanos));
        release(entry.share, 1, entry.size);
        stats.recordSettled(entry.stream, entry.size, failure.errorCode(), failure.mayBeDuplicated());
        if (!listeners.isEmpty()) {
            fireSettled(entry, failure.errorCode(), latency, failure.mayBeDuplicated());
        }
        entry.future.completeExceptionally(failure);
        FlushTracker.leave(entry.epoch, 1);
        return true;
    }

    private void release(BufferBudget.Share share, int records, long bytes) {
        if (share == null) {
            budget.release(records, bytes);
        } else {
            budget.release(share, records, bytes);
        }
    }

    private void fireSettled(ProducerEntry entry, String errorCode, Duration latency, boolean mayBeDuplicated) {
        RecordSettledEvent event = new RecordSettledEvent(entry.stream, entry.size, errorCode == null, errorCode,
                entry.attempts, latency, mayBeDuplicated);
        listeners.fire("recordSettled", l -> l.onRecordSettled(event));
    }
}
