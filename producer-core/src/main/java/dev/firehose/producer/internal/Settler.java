package dev.firehose.producer.internal;

import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Completes records, each exactly once: the first caller to claim an entry (a compare-and-set on
 * the entry) releases its buffer budget, updates the stats, tells the listeners and completes the
 * future; every later caller does nothing. Thread-safe; runs on the sender thread, or on the
 * closing thread when close fails what is left.
 *
 * <p>It also tracks the unsettled entries, so that {@code flush} can wait for those put before it.
 */
final class Settler {

    private final BufferBudget budget;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;
    private final Set<ProducerEntry> pending = ConcurrentHashMap.newKeySet();

    Settler(BufferBudget budget, StatsRecorder stats, Listeners listeners, Ticker ticker) {
        this.budget = budget;
        this.stats = stats;
        this.listeners = listeners;
        this.ticker = ticker;
    }

    /** Registers an accepted entry as pending (putting thread). */
    void accepted(ProducerEntry entry) {
        pending.add(entry);
    }

    /** @return true if this call settled the entry, false if it was settled before */
    boolean succeed(ProducerEntry entry, String recordId) {
        if (!entry.claimSettlement()) {
            return false;
        }
        Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - entry.putNanos));
        finish(entry, null, latency, entry.mayBeDuplicated);
        entry.future.complete(new PutResult(recordId, entry.stream, entry.attempts, latency, entry.mayBeDuplicated));
        // Only now, so that a flush taking its snapshot meanwhile still waits for this future.
        pending.remove(entry);
        return true;
    }

    /** @return true if this call settled the entry, false if it was settled before */
    boolean fail(ProducerEntry entry, RecordFailedException failure) {
        if (!entry.claimSettlement()) {
            return false;
        }
        Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - entry.putNanos));
        finish(entry, failure.errorCode(), latency, failure.mayBeDuplicated());
        entry.future.completeExceptionally(failure);
        pending.remove(entry);
        return true;
    }

    /** @return the entries not settled yet */
    Set<ProducerEntry> pending() {
        return pending;
    }

    private void finish(ProducerEntry entry, String errorCode, Duration latency, boolean mayBeDuplicated) {
        budget.release(entry.size);
        stats.recordSettled(entry.stream, entry.size, errorCode, mayBeDuplicated);
        if (!listeners.isEmpty()) {
            RecordSettledEvent event = new RecordSettledEvent(entry.stream, entry.size, errorCode == null, errorCode,
                    entry.attempts, latency, mayBeDuplicated);
            listeners.fire("recordSettled", l -> l.onRecordSettled(event));
        }
    }
}
