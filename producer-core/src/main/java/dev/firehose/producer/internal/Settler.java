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
     * Settles the entries of one request whose response entry carries a RecordId; a packed entry's
     * user records each get their own result, with the packed record's RecordId and their position.
     *
     * @param stream the request's stream (every entry's stream)
     * @param entries the request's entries
     * @param responses the response entries, one per entry, in the same order
     * @return how many user records this call settled (a packed entry counts its parts)
     */
    int succeed(String stream, List<ProducerEntry> entries, List<PutRecordBatchResponseEntry> responses) {
        int n = entries.size();
        boolean[] mine = new boolean[n];
        // A packed entry's parts this call claimed (null: all of them; a part settled before, by a
        // closing thread, is not completed again).
        boolean[][] claimedParts = null;
        int count = 0;
        int userRecords = 0;
        long bytes = 0;
        int duplicated = 0;
        for (int i = 0; i < n; i++) {
            ProducerEntry entry = entries.get(i);
            if (responses.get(i).errorCode() == null && entry.claimSettlement()) {
                mine[i] = true;
                count++;
                if (entry.parts == null) {
                    userRecords++;
                    bytes += entry.size;
                    if (entry.mayBeDuplicated) {
                        duplicated++;
                    }
                    continue;
                }
                ProducerEntry[] parts = entry.parts;
                boolean[] claimed = new boolean[parts.length];
                for (int k = 0; k < parts.length; k++) {
                    if (parts[k].claimSettlement()) {
                        claimed[k] = true;
                        userRecords++;
                        bytes += parts[k].size;
                        if (entry.mayBeDuplicated) {
                            duplicated++;
                        }
                    }
                }
                if (claimedParts == null) {
                    claimedParts = new boolean[n][];
                }
                claimedParts[i] = claimed;
            }
        }
        if (count == 0) {
            return 0;
        }
        if (userRecords > 0) {
            release(entries.get(0).share, userRecords, bytes);
            stats.recordsAcknowledged(stream, userRecords, bytes, duplicated);
        }
        long now = ticker.read();
        boolean fire = !listeners.isEmpty();
        for (int i = 0; i < n; i++) {
            if (mine[i]) {
                ProducerEntry entry = entries.get(i);
                RetryPolicy.onSuccess(entry);
                String recordId = responses.get(i).recordId();
                if (entry.parts == null) {
                    complete(entry, entry, recordId, 0, 1, now, fire);
                } else {
                    ProducerEntry[] parts = entry.parts;
                    for (int k = 0; k < parts.length; k++) {
                        if (claimedParts[i][k]) {
                            complete(parts[k], entry, recordId, k, parts.length, now, fire);
                        }
                    }
                }
            }
        }
        // Only now, so that a flush waiting for these records sees their futures complete first.
        EpochRun run = new EpochRun();
        for (int i = 0; i < n; i++) {
            if (mine[i]) {
                ProducerEntry entry = entries.get(i);
                if (entry.parts == null) {
                    run.add(entry.epoch);
                } else {
                    for (int k = 0; k < entry.parts.length; k++) {
                        if (claimedParts[i][k]) {
                            run.add(entry.parts[k].epoch);
                        }
                    }
                }
            }
        }
        run.end();
        return userRecords;
    }

    private void complete(ProducerEntry user, ProducerEntry sent, String recordId, int position, int packed,
            long now, boolean fire) {
        Duration latency = Duration.ofNanos(Math.max(0, now - user.putNanos));
        if (fire) {
            fireSettled(user, sent.attempts, null, latency, sent.mayBeDuplicated);
        }
        user.future.complete(new PutResult(recordId, user.stream, sent.attempts, latency, sent.mayBeDuplicated,
                position, packed));
    }

    /** Leaves flush epochs, one call per run of records in the same epoch. */
    private static final class EpochRun {
        private FlushTracker.Epoch epoch;
        private int records;

        void add(FlushTracker.Epoch e) {
            if (e != epoch) {
                end();
                epoch = e;
            }
            records++;
        }

        void end() {
            if (records > 0) {
                FlushTracker.leave(epoch, records);
            }
            records = 0;
        }
    }

    /**
     * Fails an entry; a packed entry's user records each fail with the same exception.
     *
     * @return true if this call settled the entry, false if it was settled before
     */
    boolean fail(ProducerEntry entry, RecordFailedException failure) {
        if (!entry.claimSettlement()) {
            return false;
        }
        if (entry.parts == null) {
            failOne(entry, failure);
        } else {
            for (ProducerEntry part : entry.parts) {
                if (part.claimSettlement()) {
                    failOne(part, failure);
                }
            }
        }
        return true;
    }

    private void failOne(ProducerEntry entry, RecordFailedException failure) {
        Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - entry.putNanos));
        release(entry.share, 1, entry.size);
        stats.recordSettled(entry.stream, entry.size, failure.errorCode(), failure.mayBeDuplicated());
        if (!listeners.isEmpty()) {
            fireSettled(entry, failure.attempts(), failure.errorCode(), latency, failure.mayBeDuplicated());
        }
        entry.future.completeExceptionally(failure);
        FlushTracker.leave(entry.epoch, 1);
    }

    private void release(BufferBudget.Share share, int records, long bytes) {
        if (share == null) {
            budget.release(records, bytes);
        } else {
            budget.release(share, records, bytes);
        }
    }

    private void fireSettled(ProducerEntry entry, int attempts, String errorCode, Duration latency,
            boolean mayBeDuplicated) {
        RecordSettledEvent event = new RecordSettledEvent(entry.stream, entry.size, errorCode == null, errorCode,
                attempts, latency, mayBeDuplicated);
        listeners.fire("recordSettled", l -> l.onRecordSettled(event));
    }
}
