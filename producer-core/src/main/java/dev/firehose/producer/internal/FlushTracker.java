package dev.firehose.producer.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells {@code flush()} when every record accepted before it has settled, with one counter per
 * epoch instead of a set of records.
 *
 * <p>Every accepted record joins the current {@link Epoch} (one atomic increment) and leaves it
 * once its future has completed (one decrement per batch of records). A flush seals the current
 * epoch, opens a new one for later puts, and completes when the sealed epoch is empty and the
 * previous flush has completed: so it waits for every record put before it, and for no record put
 * after it (a put racing with the flush may be waited for too, which is harmless).
 *
 * <p>Threads: {@link #enter} runs on putting threads, {@link #leave} on whichever thread settles
 * records, {@link #flush} on any thread. A put that reads an epoch just as a flush seals it counts
 * itself in and then checks the seal (both volatile), while the flush seals and then reads the
 * count: at least one of them sees the other, so a sealed epoch is never reported empty while a
 * record counted in it is pending, and a record is never counted in an epoch that was already
 * reported empty.
 */
final class FlushTracker {

    /** The records accepted between two flushes. */
    static final class Epoch {
        private final AtomicLong unsettled = new AtomicLong();
        private final CompletableFuture<Void> empty = new CompletableFuture<>();
        private volatile boolean sealed;

        private void seal() {
            sealed = true;
            if (unsettled.get() == 0) {
                empty.complete(null);
            }
        }
    }

    private volatile Epoch current = new Epoch();
    /** Completes when every flush so far has completed; guarded by {@code this}. */
    private CompletableFuture<Void> flushed = CompletableFuture.completedFuture(null);

    /** Counts a record being accepted (putting thread). @return the epoch to {@link #leave} later */
    Epoch enter() {
        while (true) {
            Epoch epoch = current;
            epoch.unsettled.incrementAndGet();
            if (!epoch.sealed) {
                return epoch;
            }
            // A flush sealed it meanwhile: count the record in the next epoch instead.
            leave(epoch, 1);
        }
    }

    /** Counts {@code records} of {@code epoch} as settled; call only after their futures completed. */
    static void leave(Epoch epoch, long records) {
        if (epoch.unsettled.addAndGet(-records) == 0 && epoch.sealed) {
            epoch.empty.complete(null);
        }
    }

    /**
     * Seals the current epoch.
     *
     * @return a future that completes once every record accepted before this call has settled
     */
    synchronized CompletableFuture<Void> flush() {
        Epoch epoch = current;
        current = new Epoch();
        epoch.seal();
        flushed = flushed.isDone() ? epoch.empty : CompletableFuture.allOf(flushed, epoch.empty);
        return flushed;
    }
}
