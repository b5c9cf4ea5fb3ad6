package dev.firehose.producer.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Holds the records waiting to be sent, per stream, and packs them into batches of at most
 * {@code maxBatchRecords} records and {@code maxBatchBytes} raw data bytes.
 *
 * <p>A stream is ready when a retry is due, when its waiting records fill a batch, when its
 * oldest waiting record has lingered {@code lingerNanos}, or while a flush or close is in
 * progress; and it may send when its {@link RateController} allows another request. Time is
 * always passed in ({@code now}), so tests drive it by hand.
 *
 * <p>Threads: {@link #append} is called by any number of putting threads without a lock (a
 * concurrent queue and atomic counters per stream). Everything else is called by the sender
 * thread only, which alone removes from the queues and owns the retry queues and the in-flight
 * counts; a closing thread may only look at the waiting records ({@link #forEachWaiting}).
 * Retried records wait in a separate per-stream queue ordered by their retry time and go first
 * into the next batch, so a record that already waited is not queued behind new ones.
 */
final class RecordAccumulator {

    /** A batch ready to send: one PutRecordBatch request. */
    record Batch(String stream, List<ProducerEntry> entries, long bytes) {
        /** @return the earliest delivery deadline of the batch's records */
        long earliestDeadline() {
            long min = entries.get(0).deadlineNanos;
            for (ProducerEntry e : entries) {
                if (e.deadlineNanos - min < 0) {
                    min = e.deadlineNanos;
                }
            }
            return min;
        }
    }

    /** One stream's queues and pacing. */
    static final class StreamQueue {
        final String stream;
        final ConcurrentLinkedQueue<ProducerEntry> fresh = new ConcurrentLinkedQueue<>();
        final AtomicInteger freshRecords = new AtomicInteger();
        final AtomicLong freshBytes = new AtomicLong();
        // Changed by the sender thread only; thread-safe so that a closing thread can look at it.
        final PriorityBlockingQueue<ProducerEntry> retries = new PriorityBlockingQueue<>(11,
                Comparator.comparingLong((ProducerEntry e) -> e.retryAtNanos));
        final RateController rate;
        // Written by the sender thread only; volatile so stats can read them.
        volatile int retryRecords;
        volatile int inFlight;

        StreamQueue(String stream, RateController rate) {
            this.stream = stream;
            this.rate = rate;
        }

        boolean hasWaiting() {
            return !retries.isEmpty() || fresh.peek() != null;
        }
    }

    private final int maxBatchRecords;
    private final long maxBatchBytes;
    private final long lingerNanos;
    private final LongFunction<RateController> rateControllers;
    private final ConcurrentHashMap<String, StreamQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private volatile boolean closing;

    /**
     * @param rateControllers makes the rate controller of a new stream, given the current time
     */
    RecordAccumulator(int maxBatchRecords, long maxBatchBytes, long lingerNanos,
            LongFunction<RateController> rateControllers) {
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
        this.lingerNanos = lingerNanos;
        this.rateControllers = rateControllers;
    }

    /**
     * Adds a record to its stream's queue (any thread).
     *
     * @return true if the sender should wake up: the queue was empty (a linger timer starts) or
     *     has just filled a batch
     */
    boolean append(ProducerEntry entry) {
        StreamQueue q = queues.get(entry.stream);
        if (q == null) {
            q = queues.computeIfAbsent(entry.stream, s -> new StreamQueue(s, rateControllers.apply(entry.putNanos)));
        }
        q.fresh.offer(entry);
        int records = q.freshRecords.incrementAndGet();
        long bytes = q.freshBytes.addAndGet(entry.size);
        return records == 1 || records == maxBatchRecords
                || (bytes >= maxBatchBytes && bytes - entry.size < maxBatchBytes);
    }

    /** Puts a record back to be sent again at {@code retryAtNanos} (sender thread). */
    void requeue(ProducerEntry entry, long retryAtNanos) {
        entry.retryAtNanos = retryAtNanos;
        StreamQueue q = queues.get(entry.stream);
        q.retries.add(entry);
        q.retryRecords = q.retries.size();
    }

    /**
     * Takes the batches that are ready and allowed to go now, counting each as in flight and
     * charging it to its stream's rate controller (sender thread).
     */
    List<Batch> drain(long now) {
        List<Batch> batches = new ArrayList<>();
        boolean sendAll = closing || flushesInProgress.get() > 0;
        for (StreamQueue q : queues.values()) {
            while (isReady(q, now, sendAll) && q.rate.canSend(q.inFlight, now)) {
                Batch batch = take(q, now);
                if (batch == null) {
                    break;
                }
                q.inFlight++;
                q.rate.onSend(batch.entries().size(), batch.bytes(), now);
                batches.add(batch);
            }
        }
        return batches;
    }

    /** Marks a request of the stream as no longer in flight (sender thread). */
    void requestCompleted(String stream) {
        StreamQueue q = queues.get(stream);
        q.inFlight--;
    }

    /**
     * The earliest time at which {@link #drain} or {@link #expire} may have work, assuming nothing
     * new arrives: a linger expiring, a retry falling due, a rate limit lifting, a deadline passing.
     * Streams held back by their in-flight limit are skipped: a completing request wakes the sender.
     *
     * @return that time, or {@code now + maxWait} if nothing is due sooner
     */
    long nextWakeup(long now, long maxWait) {
        long next = now + maxWait;
        boolean sendAll = closing || flushesInProgress.get() > 0;
        for (StreamQueue q : queues.values()) {
            ProducerEntry head = q.fresh.peek();
            ProducerEntry retry = q.retries.peek();
            if (head == null && retry == null) {
                continue;
            }
            long ready = Long.MAX_VALUE;
            boolean readyKnown = false;
            if (head != null) {
                next = earlier(next, head.deadlineNanos);
                long t = sendAll || isFull(q) ? now : head.putNanos + lingerNanos;
                ready = t;
                readyKnown = true;
            }
            if (retry != null) {
                ready = readyKnown ? earlier(ready, retry.retryAtNanos) : retry.retryAtNanos;
                for (ProducerEntry e : q.retries) {
                    next = earlier(next, e.deadlineNanos);
                }
            }
            if (q.inFlight >= q.rate.inFlightLimit()) {
                continue;
            }
            next = earlier(next, later(ready, q.rate.nextSendTime(now)));
        }
        return next;
    }

    /** Removes and returns the waiting records whose delivery deadline has passed (sender thread). */
    List<ProducerEntry> expire(long now) {
        List<ProducerEntry> expired = new ArrayList<>();
        expire(now, expired::add);
        return expired;
    }

    /**
     * Removes the waiting records whose delivery deadline has passed and hands each to
     * {@code onExpired} as it is removed, so none is out of sight of {@link #forEachWaiting} for
     * longer than the call that settles it (sender thread).
     */
    void expire(long now, Consumer<ProducerEntry> onExpired) {
        for (StreamQueue q : queues.values()) {
            ProducerEntry head;
            while ((head = q.fresh.peek()) != null && now - head.deadlineNanos >= 0) {
                removeFresh(q);
                onExpired.accept(head);
            }
            if (!q.retries.isEmpty()) {
                for (var it = q.retries.iterator(); it.hasNext(); ) {
                    ProducerEntry e = it.next();
                    if (now - e.deadlineNanos >= 0) {
                        it.remove();
                        q.retryRecords = q.retries.size();
                        onExpired.accept(e);
                    }
                }
            }
        }
    }

    /**
     * Calls {@code action} for every record waiting to be sent, without removing it (any thread:
     * a closing thread fails them when the sender thread is stuck). Weakly consistent: a record
     * the sender moves at the same time may be missed.
     */
    void forEachWaiting(Consumer<ProducerEntry> action) {
        for (StreamQueue q : queues.values()) {
            q.fresh.forEach(action);
            q.retries.forEach(action);
        }
    }

    /** Removes and returns every waiting record (sender thread, when closing for good). */
    List<ProducerEntry> removeAll() {
        List<ProducerEntry> all = new ArrayList<>();
        for (StreamQueue q : queues.values()) {
            while (q.fresh.peek() != null) {
                all.add(removeFresh(q));
            }
            all.addAll(q.retries);
            q.retries.clear();
            q.retryRecords = 0;
        }
        return all;
    }

    /** @return true if no record waits and no request is in flight (sender thread) */
    boolean isIdle() {
        for (StreamQueue q : queues.values()) {
            if (q.hasWaiting() || q.inFlight > 0) {
                return false;
            }
        }
        return true;
    }

    /** Sends everything at once, ignoring the linger time, until {@link #endFlush()}. */
    void beginFlush() {
        flushesInProgress.incrementAndGet();
    }

    void endFlush() {
        flushesInProgress.decrementAndGet();
    }

    /** Sends everything at once from now on: the producer is closing. */
    void beginClose() {
        closing = true;
    }

    Map<String, StreamQueue> queues() {
        return queues;
    }

    /** @return the age of the oldest record waiting for its first send in the stream, or 0 */
    long oldestWaitingAgeNanos(String stream, long now) {
        StreamQueue q = queues.get(stream);
        ProducerEntry head = q == null ? null : q.fresh.peek();
        return head == null ? 0 : Math.max(0, now - head.putNanos);
    }

    private boolean isReady(StreamQueue q, long now, boolean sendAll) {
        ProducerEntry retry = q.retries.peek();
        if (retry != null && now - retry.retryAtNanos >= 0) {
            return true;
        }
        ProducerEntry head = q.fresh.peek();
        if (head == null) {
            return false;
        }
        return sendAll || isFull(q) || now - head.putNanos >= lingerNanos;
    }

    private boolean isFull(StreamQueue q) {
        return q.freshRecords.get() >= maxBatchRecords || q.freshBytes.get() >= maxBatchBytes;
    }

    private Batch take(StreamQueue q, long now) {
        List<ProducerEntry> entries = new ArrayList<>(Math.min(maxBatchRecords, 64));
        long bytes = 0;
        ProducerEntry e;
        while (entries.size() < maxBatchRecords && (e = q.retries.peek()) != null && now - e.retryAtNanos >= 0
                && bytes + e.size <= maxBatchBytes) {
            q.retries.poll();
            entries.add(e);
            bytes += e.size;
        }
        q.retryRecords = q.retries.size();
        int freshRecords = 0;
        long freshBytes = 0;
        while (entries.size() < maxBatchRecords && (e = q.fresh.peek()) != null && bytes + e.size <= maxBatchBytes) {
            q.fresh.poll();
            entries.add(e);
            bytes += e.size;
            freshRecords++;
            freshBytes += e.size;
        }
        // Once per batch rather than per record: putting threads update the same counters. Until
        // then they overstate the queue, which at worst spares a put a wake-up of the sender, and
        // the sender is awake.
        if (freshRecords > 0) {
            q.freshRecords.addAndGet(-freshRecords);
            q.freshBytes.addAndGet(-freshBytes);
        }
        return entries.isEmpty() ? null : new Batch(q.stream, entries, bytes);
    }

    private static ProducerEntry removeFresh(StreamQueue q) {
        ProducerEntry e = q.fresh.poll();
        q.freshRecords.decrementAndGet();
        q.freshBytes.addAndGet(-e.size);
        return e;
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }

    private static long later(long a, long b) {
        return b - a > 0 ? b : a;
    }
}
