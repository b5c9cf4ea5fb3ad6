package dev.firehose.producer.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Holds the records waiting to be sent, per stream, and packs them into batches of at most
 * {@code maxBatchRecords} records and {@code maxBatchBytes} raw data bytes.
 *
 * <p>A stream is ready when its waiting records fill a batch, when its oldest waiting record has
 * lingered {@code lingerNanos}, or while a flush or close is in progress. A retry that falls due
 * joins the batch that the stream's waiting records are filling: it waits at most one linger time
 * for them (none if nothing else waits), so retries do not push out partial batches of records
 * whose linger has not run out. A stream may send when its {@link RateController} allows another
 * request and fewer than {@code maxInFlight} requests of all streams are in flight; streams take
 * turns, one batch each, so no stream takes every free slot.
 *
 * <p>Records that failed together are requeued together with one retry time and go out together.
 * A retried record with less than {@code requestTimeoutNanos} left before its deadline is never
 * packed with records that have more: it goes in a batch of such records, whose request timeout
 * is the time left to the latest of their deadlines.
 *
 * <p>Retries are kept in a set ordered by retry time and in one ordered by deadline (O(log n) to
 * add, take or expire a record), so a throttled stream with a long retry backlog costs no scan per
 * round, and a record leaves both as soon as it is sent again or expires.
 *
 * <p>A stream's state (queues, pacing, buffer share) is dropped after {@code idleNanos} without a
 * record waiting, in flight or unsettled; a put that races with that finds the stream retired and
 * starts a new one (see {@link #enter}).
 *
 * <p>Threads: {@link #enter}, {@link #append} and {@link #leave} are called by any number of
 * putting threads without a lock (a concurrent queue and atomic counters per stream). Everything
 * else is called by the sender thread only, which alone removes from the queues and owns the retry
 * queues and the in-flight counts; a closing thread may only look at the waiting records
 * ({@link #forEachWaiting}). Time is always passed in ({@code now}), so tests drive it by hand.
 */
final class RecordAccumulator {

    /** A batch ready to send: one PutRecordBatch request. */
    record Batch(String stream, List<ProducerEntry> entries, long bytes) {
        /**
         * @return the bytes the request carries: {@link #bytes()} once its packed records are built
         *     (before, an upper bound for those), what was sent after
         */
        long sentBytes() {
            long sum = 0;
            for (ProducerEntry e : entries) {
                sum += e.size;
            }
            return sum;
        }

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

        /** @return the latest delivery deadline of the batch's records */
        long latestDeadline() {
            long max = entries.get(0).deadlineNanos;
            for (ProducerEntry e : entries) {
                if (e.deadlineNanos - max > 0) {
                    max = e.deadlineNanos;
                }
            }
            return max;
        }
    }

    private static final Comparator<ProducerEntry> RETRY_ORDER = (a, b) -> {
        int c = Long.signum(a.retryAtNanos - b.retryAtNanos);
        return c != 0 ? c : Long.compare(a.retrySeq, b.retrySeq);
    };
    private static final Comparator<ProducerEntry> DEADLINE_ORDER = (a, b) -> {
        int c = Long.signum(a.deadlineNanos - b.deadlineNanos);
        return c != 0 ? c : Long.compare(a.retrySeq, b.retrySeq);
    };

    /**
     * With packing, the packed record a stream's puts are filling: their bytes, copied as they are
     * put, and their entries. Guarded by itself; {@link #records}, {@link #firstPut} and
     * {@link #deadline} are also read without the lock by the sender thread.
     */
    static final class OpenPack {
        /**
         * The least its buffer and its array of entries grow to. They grow by doubling from the
         * size of the first record, so an open packed record holds at most about twice the bytes
         * put into it: a stream with one small record does not hold kilobytes.
         */
        private static final int MIN_BYTES = 256;
        private static final int MIN_RECORDS = 8;
        private static final byte[] NO_BYTES = new byte[0];
        private static final ProducerEntry[] NO_PARTS = new ProducerEntry[0];

        private byte[] bytes = NO_BYTES;
        private int length;
        private ProducerEntry[] parts = NO_PARTS;
        /** The user records in it; written last under the lock, so a reader that sees them sees the rest. */
        volatile int records;
        /** When its first record was put. */
        volatile long firstPut;
        /** The earliest delivery deadline of its records. */
        volatile long deadline;
        /** Whether a put woke the sender because the stream's records reached a pressure mark (once per packed record). */
        private boolean pressed;

        /** @return the bytes its buffer holds, whatever it is filled with (tests) */
        synchronized int capacity() {
            return bytes.length;
        }

        /** @return the user records its array of entries has room for (tests) */
        synchronized int partsCapacity() {
            return parts.length;
        }
    }

    /** One stream's queues, pacing and share of the buffer. */
    static final class StreamQueue {
        final String stream;
        /** Records waiting for their first send; with packing, sealed packed records. */
        final ConcurrentLinkedQueue<ProducerEntry> fresh = new ConcurrentLinkedQueue<>();
        /** With packing, the packed record being filled; null without. */
        final OpenPack open;
        /**
         * The stream's counters, cached by the putting threads (they live as long as the queue: both
         * are dropped when the stream retires); null until the first put.
         */
        StatsRecorder.Counters counters;
        final AtomicInteger freshRecords = new AtomicInteger();
        final AtomicLong freshBytes = new AtomicLong();
        /** This stream's use of the buffer, or null where the accumulator has no budget (tests). */
        final BufferBudget.Share share;
        final RateController rate;
        /** Puts between {@link #enter} and {@link #leave}: the stream is not retired while any run. */
        private final AtomicInteger appenders = new AtomicInteger();
        private volatile boolean retired;
        // The records awaiting a retry, by retry time; changed by the sender thread only, concurrent so
        // that a closing thread can look at it.
        final ConcurrentSkipListSet<ProducerEntry> retries = new ConcurrentSkipListSet<>(RETRY_ORDER);
        // The same records by deadline; sender thread only.
        private final TreeSet<ProducerEntry> retryDeadlines = new TreeSet<>(DEADLINE_ORDER);
        // Written by the sender thread only; volatile so stats can read them.
        volatile int retryRecords;
        volatile int inFlight;
        // Sender thread only.
        private boolean idle;
        private long idleSince;

        StreamQueue(String stream, RateController rate, BufferBudget.Share share, boolean packing) {
            this.stream = stream;
            this.rate = rate;
            this.share = share;
            this.open = packing ? new OpenPack() : null;
        }

        boolean hasWaiting() {
            return retryRecords > 0 || fresh.peek() != null || hasOpenPack();
        }

        private boolean hasOpenPack() {
            return open != null && open.records > 0;
        }

        /** @return the entries in the retry-deadline set (sender thread; tests) */
        int retryDeadlineCount() {
            return retryDeadlines.size();
        }
    }

    private final int maxBatchRecords;
    private final long maxBatchBytes;
    private final long lingerNanos;
    private final long requestTimeoutNanos;
    private final int maxInFlight;
    private final long idleNanos;
    private final BufferBudget budget;
    private final LongFunction<RateController> rateControllers;
    private final Consumer<String> onRetired;
    /** Sender thread: whether the buffer ran out of room, as of the current drain. */
    private boolean exhausted;
    private RecordPacker packer;
    private long pressureRecords = Long.MAX_VALUE;
    private long pressureBytes = Long.MAX_VALUE;
    private final ConcurrentHashMap<String, StreamQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private volatile boolean closing;
    // Sender thread only.
    private int totalInFlight;
    private long retrySeq;
    private int turn;

    /** An accumulator without a buffer budget, a request timeout, a total in-flight limit or idle streams (tests). */
    RecordAccumulator(int maxBatchRecords, long maxBatchBytes, long lingerNanos,
            LongFunction<RateController> rateControllers) {
        this(maxBatchRecords, maxBatchBytes, lingerNanos, 0, Integer.MAX_VALUE, Long.MAX_VALUE / 4,
                null, rateControllers, stream -> { });
    }

    /**
     * @param requestTimeoutNanos a retried record with less than this left goes in a batch of such records
     * @param maxInFlight the most requests in flight across all streams
     * @param idleNanos how long a stream with nothing buffered keeps its state
     * @param budget the buffer budget whose per-stream shares the queues hold, or null
     * @param rateControllers makes the rate controller of a new stream, given the current time
     * @param onRetired told the name of a stream whose state was dropped (sender thread)
     */
    RecordAccumulator(int maxBatchRecords, long maxBatchBytes, long lingerNanos, long requestTimeoutNanos,
            int maxInFlight, long idleNanos, BufferBudget budget, LongFunction<RateController> rateControllers,
            Consumer<String> onRetired) {
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
        this.lingerNanos = lingerNanos;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.maxInFlight = maxInFlight;
        this.idleNanos = idleNanos;
        this.budget = budget;
        this.rateControllers = rateControllers;
        this.onRetired = onRetired;
    }

    /**
     * Packs records as they are put, one open packed record per stream (set before the sender starts).
     *
     * @param packer how to pack
     * @param pressureRecords a stream holding this many fresh records is ready without lingering
     * @param pressureBytes a stream holding this many fresh bytes is ready without lingering
     */
    void packing(RecordPacker packer, long pressureRecords, long pressureBytes) {
        this.packer = packer;
        this.pressureRecords = Math.max(1, pressureRecords);
        this.pressureBytes = Math.max(1, pressureBytes);
    }

    /**
     * Starts a put to {@code stream} (any thread): the stream's queue, which is not retired until
     * {@link #leave}. A put that finds the queue being retired waits for the sender to finish that
     * (a few field writes, no user code) and starts a new queue.
     */
    StreamQueue enter(String stream, long now) {
        while (true) {
            StreamQueue q = queues.get(stream);
            if (q == null) {
                q = queues.computeIfAbsent(stream, s -> new StreamQueue(s, rateControllers.apply(now),
                        budget == null ? null : budget.newShare(), packer != null));
            }
            q.appenders.incrementAndGet();
            if (!q.retired) {
                return q;
            }
            q.appenders.decrementAndGet();
            Thread.onSpinWait();
        }
    }

    /** Ends a put started with {@link #enter} (any thread). */
    void leave(StreamQueue q) {
        q.appenders.decrementAndGet();
    }

    /**
     * Adds a record to its stream's queue (any thread), between {@link #enter} and {@link #leave}.
     *
     * @return true if the sender should wake up: the queue was empty (a linger timer starts) or
     *     has just filled a batch
     */
    boolean append(StreamQueue q, ProducerEntry entry) {
        if (packer != null) {
            ByteBuffer data = entry.data.asByteBuffer();
            if (data.hasArray()) {
                return appendPacked(q, entry, data.array(), data.arrayOffset() + data.position(), data.remaining(),
                        false);
            }
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            return appendPacked(q, entry, copy, 0, copy.length, true);
        }
        q.fresh.offer(entry);
        int records = q.freshRecords.incrementAndGet();
        long bytes = q.freshBytes.addAndGet(entry.size);
        if (packer != null) {
            // Packed: ready when the stream's fresh records reach the pressure marks (see isFull).
            return records == 1 || records == pressureRecords
                    || (bytes >= pressureBytes && bytes - entry.size < pressureBytes)
                    || (bytes >= maxBatchBytes && bytes - entry.size < maxBatchBytes);
        }
        return records == 1 || records == maxBatchRecords
                || (bytes >= maxBatchBytes && bytes - entry.size < maxBatchBytes);
    }

    /** {@link #enter}, {@link #append} and {@link #leave} in one (any thread). */
    boolean append(ProducerEntry entry) {
        StreamQueue q = enter(entry.stream, entry.putNanos);
        try {
            return append(q, entry);
        } finally {
            leave(q);
        }
    }

    /**
     * With packing, adds a user record to its stream's open packed record (any thread), between
     * {@link #enter} and {@link #leave}: its bytes are copied in at once, in put order. The open
     * packed record is sealed (queued to be sent) first when the record would take it past the
     * packing's record or byte limit, or was put more than one linger time after its first record.
     * A record too big to share a packed record goes in one of its own, after the open one.
     *
     * @param part the user record's entry (its size is {@code length}; its data is not used)
     * @param source holds the record's bytes
     * @param owned whether the caller hands {@code source} over (a record alone may then keep it)
     * @return true if the sender should wake up: a packed record was started (its linger timer
     *     starts), or the sealed ones reached a mark at which the stream is ready
     */
    boolean appendPacked(StreamQueue q, ProducerEntry part, byte[] source, int offset, int length, boolean owned) {
        OpenPack open = q.open;
        int size = packer.packedSize(source, offset, length);
        if (size > packer.maxBytes()) {
            // Too big to share a Firehose record: a packed record of its own, still delimited (and
            // compressed), within the service's limit (put checked it). Copied outside the lock.
            ProducerEntry alone = packer.pack(q.stream, new ProducerEntry[] {part},
                    packer.alone(source, offset, length, size, owned));
            synchronized (open) {
                boolean wake = seal(q, open, false);
                return enqueue(q, alone) || wake;
            }
        }
        synchronized (open) {
            boolean wake = false;
            int n = open.records;
            // A packed record's parts share its deadline, the earliest of theirs: only records put
            // within one linger time of the first go together, so none fails much before its own.
            if (n > 0 && (n >= packer.maxRecords() || open.length + size > packer.maxBytes()
                    || part.putNanos - open.firstPut > lingerNanos)) {
                // Full, the stream is busy: its next packed record, this record's, may keep the
                // buffer. After the linger time it is not.
                boolean full = part.putNanos - open.firstPut <= lingerNanos;
                wake = seal(q, open, full);
                n = 0;
            }
            if (n == 0) {
                open.firstPut = part.putNanos;
                open.deadline = part.deadlineNanos;
                open.pressed = false;
            } else if (part.deadlineNanos - open.deadline < 0) {
                open.deadline = part.deadlineNanos;
            }
            if (open.length + size > open.bytes.length) {
                int capacity = (int) Math.min(packer.maxBytes(),
                        Math.max((long) open.length + size, Math.max(OpenPack.MIN_BYTES, 2L * open.bytes.length)));
                open.bytes = Arrays.copyOf(open.bytes, capacity);
            }
            if (n == open.parts.length) {
                open.parts = Arrays.copyOf(open.parts,
                        Math.min(packer.maxRecords(), Math.max(OpenPack.MIN_RECORDS, 2 * n)));
            }
            // Exactly the size measured, whatever the caller's array holds by now.
            open.length = packer.copy(source, offset, length, size, open.bytes, open.length);
            open.parts[n] = part;
            open.records = n + 1;
            // A packed record was started: its linger timer starts. A sealed one waiting has an
            // earlier timer, which the sender already keeps (checked after the records are
            // published: a sender that takes the sealed ones meanwhile then sees this one).
            wake |= n == 0 && q.fresh.peek() == null;
            if (!open.pressed && isPressed(q)) {
                // The stream's records, sealed and open, fill half its share of the buffer: the
                // sender sends them (the open one too) rather than let puts wait for room.
                open.pressed = true;
                wake = true;
            }
            return wake;
        }
    }

    /**
     * Seals the stream's open packed record, if it has records, and queues it to be sent (any
     * thread). @return whether the sender should wake up (see {@link #enqueue})
     */
    private boolean seal(StreamQueue q) {
        OpenPack open = q.open;
        if (open == null || open.records == 0) {
            return false;
        }
        synchronized (open) {
            return seal(q, open, false);
        }
    }

    /**
     * {@link #seal(StreamQueue)} with the open packed record's lock held.
     *
     * @param keep whether the open packed record may keep its buffer: only when a put seals it full
     *     and goes on filling the next, and the buffer fits that size. Sealed for any other reason
     *     (lingered, flush, close, deadline, buffer pressure) the stream may have nothing more to
     *     put for a long time: it gives its buffer back rather than hold it until it is retired.
     */
    private boolean seal(StreamQueue q, OpenPack open, boolean keep) {
        int n = open.records;
        if (n == 0) {
            return false;
        }
        ProducerEntry[] parts = Arrays.copyOf(open.parts, n);
        byte[] data = Arrays.copyOf(open.bytes, open.length);
        if (keep && open.bytes.length <= 2 * Math.max(open.length, OpenPack.MIN_BYTES)) {
            Arrays.fill(open.parts, 0, n, null);
        } else {
            open.bytes = OpenPack.NO_BYTES;
            open.parts = OpenPack.NO_PARTS;
        }
        open.length = 0;
        open.records = 0;
        return enqueue(q, packer.pack(q.stream, parts, data));
    }

    /**
     * Queues a sealed packed record. @return true if the sender should wake up: the stream had no
     * sealed record waiting, or its sealed records reached a mark at which it is ready (see isFull)
     */
    private boolean enqueue(StreamQueue q, ProducerEntry pack) {
        q.fresh.offer(pack);
        int added = pack.userRecords();
        long records = q.freshRecords.addAndGet(added);
        long bytes = q.freshBytes.addAndGet(pack.size);
        return records == added || crosses(records, added, pressureRecords)
                || crosses(records, added, (long) maxBatchRecords * packer.maxRecords())
                || crosses(bytes, pack.size, pressureBytes) || crosses(bytes, pack.size, maxBatchBytes);
    }

    /** @return true if adding {@code added} took a counter to {@code value}, from under {@code mark} to it or past */
    private static boolean crosses(long value, long added, long mark) {
        return value >= mark && value - added < mark;
    }

    /** Puts a record back to be sent again at {@code retryAtNanos} (sender thread). */
    void requeue(ProducerEntry entry, long retryAtNanos) {
        requeue(List.of(entry), retryAtNanos);
    }

    /**
     * Puts records that failed together back to be sent again together at {@code retryAtNanos}
     * (sender thread). Their stream is not retired meanwhile: they hold some of its share.
     */
    void requeue(List<ProducerEntry> entries, long retryAtNanos) {
        for (ProducerEntry entry : entries) {
            StreamQueue q = queues.get(entry.stream);
            if (entry.waitingRetry && q.retries.remove(entry)) {
                // Never the case today; the keys below must not change while it is in the sets.
                q.retryDeadlines.remove(entry);
                q.retryRecords--;
            }
            entry.retryAtNanos = retryAtNanos;
            entry.retrySeq = ++retrySeq;
            entry.waitingRetry = true;
            if (q.retries.add(entry)) {
                q.retryDeadlines.add(entry);
                q.retryRecords++;
            }
        }
    }

    /**
     * Takes the batches that are ready and allowed to go now, counting each as in flight and
     * charging it to its stream's rate controller (sender thread). Streams take turns, one batch
     * each per turn. Also drops the state of streams idle for longer than the idle time.
     */
    List<Batch> drain(long now) {
        exhausted = budget != null && budget.exhausted();
        List<Batch> batches = new ArrayList<>();
        boolean sendAll = closing || flushesInProgress.get() > 0;
        List<StreamQueue> streams = new ArrayList<>(queues.size());
        for (StreamQueue q : queues.values()) {
            if (!retireIfIdle(q, now)) {
                streams.add(q);
            }
        }
        int n = streams.size();
        if (n == 0) {
            return batches;
        }
        // Each slot goes to the stream after the one served last, so that no stream always comes
        // first for the request slots freed since.
        boolean progress = true;
        while (progress && totalInFlight < maxInFlight) {
            progress = false;
            int start = Math.floorMod(turn, n);
            for (int i = 0; i < n && totalInFlight < maxInFlight; i++) {
                int index = (start + i) % n;
                StreamQueue q = streams.get(index);
                if (isReady(q, now, sendAll) && q.rate.canSend(q.inFlight, now)) {
                    Batch batch = take(q, now);
                    if (batch != null) {
                        q.inFlight++;
                        totalInFlight++;
                        q.rate.onSend(batch.entries().size(), batch.bytes(), now);
                        batches.add(batch);
                        progress = true;
                        // The next slot goes to the stream after this one.
                        turn = index + 1;
                    }
                }
            }
        }
        return batches;
    }

    /** Marks a request of the stream as no longer in flight (sender thread). */
    void requestCompleted(String stream) {
        StreamQueue q = queues.get(stream);
        q.inFlight--;
        totalInFlight--;
    }

    /** @return the requests in flight across all streams (sender thread) */
    int totalInFlight() {
        return totalInFlight;
    }

    /**
     * The earliest time at which {@link #drain} or {@link #expire} may have work, assuming nothing
     * new arrives: a linger expiring, a retry falling due, a rate limit lifting, a deadline passing.
     * Streams held back by an in-flight limit are skipped: a completing request wakes the sender.
     *
     * @return that time, or {@code now + maxWait} if nothing is due sooner
     */
    long nextWakeup(long now, long maxWait) {
        long next = now + maxWait;
        boolean sendAll = closing || flushesInProgress.get() > 0;
        boolean slotFree = totalInFlight < maxInFlight;
        for (StreamQueue q : queues.values()) {
            ProducerEntry head = q.fresh.peek();
            ProducerEntry retry = firstRetry(q);
            boolean open = q.hasOpenPack();
            if (head == null && retry == null && !open) {
                continue;
            }
            long ready = Long.MAX_VALUE;
            boolean readyKnown = false;
            if (head != null) {
                next = earlier(next, head.deadlineNanos);
                ready = sendAll || isFull(q) ? now : head.putNanos + lingerNanos;
                readyKnown = true;
            }
            if (open) {
                long deadline = q.open.deadline;
                next = earlier(next, deadline);
                long openReady = sendAll || exhausted || isPressed(q) ? now
                        : earlier(q.open.firstPut + lingerNanos, deadline);
                ready = readyKnown ? earlier(ready, openReady) : openReady;
                readyKnown = true;
            }
            if (retry != null) {
                long retryReady = !readyKnown || sendAll ? retry.retryAtNanos
                        : earlier(retry.retryAtNanos + lingerNanos,
                                later(retry.retryAtNanos, retry.deadlineNanos - requestTimeoutNanos));
                ready = readyKnown ? earlier(ready, retryReady) : retryReady;
                next = earlier(next, q.retryDeadlines.first().deadlineNanos);
            }
            if (!slotFree || q.inFlight >= q.rate.inFlightLimit()) {
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
            if (q.hasOpenPack() && now - q.open.deadline >= 0) {
                // Its oldest record is due: sealed, it expires with the sealed ones below.
                seal(q);
            }
            ProducerEntry head;
            while ((head = q.fresh.peek()) != null && now - head.deadlineNanos >= 0) {
                removeFresh(q);
                onExpired.accept(head);
            }
            ProducerEntry e;
            while (!q.retryDeadlines.isEmpty() && now - (e = q.retryDeadlines.first()).deadlineNanos >= 0) {
                q.retryDeadlines.pollFirst();
                q.retries.remove(e);
                e.waitingRetry = false;
                q.retryRecords--;
                onExpired.accept(e);
            }
        }
    }

    /**
     * Calls {@code action} for every record waiting to be sent, without removing it (any thread:
     * a closing thread fails them when the sender thread is stuck). Weakly consistent: a record
     * the sender moves at the same time may be missed, and a record that has just settled may be
     * seen (callers skip settled records).
     */
    void forEachWaiting(Consumer<ProducerEntry> action) {
        for (StreamQueue q : queues.values()) {
            // Sealed, an open packed record is seen whole: its records settle together.
            seal(q);
            q.fresh.forEach(action);
            q.retries.forEach(action);
        }
    }

    /** Removes and returns every waiting record (sender thread, when closing for good). */
    List<ProducerEntry> removeAll() {
        List<ProducerEntry> all = new ArrayList<>();
        for (StreamQueue q : queues.values()) {
            seal(q);
            while (q.fresh.peek() != null) {
                all.add(removeFresh(q));
            }
            for (ProducerEntry e : q.retries) {
                e.waitingRetry = false;
                all.add(e);
            }
            q.retries.clear();
            q.retryDeadlines.clear();
            q.retryRecords = 0;
        }
        return all;
    }

    /** @return true if a record waits to be sent or retried (sender thread) */
    boolean hasWaiting() {
        for (StreamQueue q : queues.values()) {
            if (q.hasWaiting()) {
                return true;
            }
        }
        return false;
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
        if (q == null) {
            return 0;
        }
        ProducerEntry head = q.fresh.peek();
        long oldest = head == null ? now : head.putNanos;
        if (q.hasOpenPack()) {
            oldest = earlier(oldest, q.open.firstPut);
        }
        return Math.max(0, now - oldest);
    }

    /**
     * Drops the state of a stream that has had nothing waiting, in flight or unsettled for the idle
     * time (sender thread). A put that entered the stream meanwhile keeps it: either the put sees
     * the stream retired and starts a new one, or this sees the put and keeps the stream.
     *
     * @return true if the stream was retired
     */
    private boolean retireIfIdle(StreamQueue q, long now) {
        boolean idle = q.inFlight == 0 && !q.hasWaiting() && q.appenders.get() == 0
                && (q.share == null || q.share.isEmpty());
        if (!idle) {
            q.idle = false;
            return false;
        }
        if (!q.idle) {
            q.idle = true;
            q.idleSince = now;
            return false;
        }
        if (now - q.idleSince < idleNanos) {
            return false;
        }
        q.retired = true;
        if (q.appenders.get() > 0 || q.fresh.peek() != null || q.hasOpenPack()
                || (q.share != null && !q.share.isEmpty())) {
            q.retired = false;
            q.idle = false;
            return false;
        }
        try {
            onRetired.accept(q.stream);
        } finally {
            queues.remove(q.stream, q);
        }
        return true;
    }

    /** The record awaiting a retry that is due first, or null. */
    private static ProducerEntry firstRetry(StreamQueue q) {
        return q.retries.isEmpty() ? null : q.retries.first();
    }

    private boolean isReady(StreamQueue q, long now, boolean sendAll) {
        ProducerEntry head = q.fresh.peek();
        if (head != null && (sendAll || isFull(q) || now - head.putNanos >= lingerNanos)) {
            return true;
        }
        if (isOpenPackDue(q, now, sendAll)) {
            return true;
        }
        ProducerEntry retry = firstRetry(q);
        if (retry == null || now - retry.retryAtNanos < 0) {
            return false;
        }
        // A due retry joins the batch the waiting records are filling, for at most one linger.
        return (head == null && !q.hasOpenPack()) || sendAll || now - retry.retryAtNanos >= lingerNanos
                || isUrgent(retry, now);
    }

    /**
     * @return true if the stream's open packed record should be sealed and sent now: its first record
     *     has lingered, a record in it is due, the buffer ran out of room, or everything goes now
     */
    private boolean isOpenPackDue(StreamQueue q, long now, boolean sendAll) {
        return q.hasOpenPack() && (sendAll || exhausted || now - q.open.firstPut >= lingerNanos
                || now - q.open.deadline >= 0 || isPressed(q));
    }

    /**
     * @return true if the stream's waiting records, sealed and open, reach a pressure mark (half
     *     its share of the buffer); read without the open packed record's lock, so approximate
     */
    private boolean isPressed(StreamQueue q) {
        OpenPack open = q.open;
        return q.freshRecords.get() + open.records >= pressureRecords
                || q.freshBytes.get() + open.length >= pressureBytes;
    }

    private boolean isUrgent(ProducerEntry e, long now) {
        return e.deadlineNanos - now < requestTimeoutNanos;
    }

    private boolean isFull(StreamQueue q) {
        if (exhausted) {
            // The buffer ran out of room (many streams, none of them full on its own): what is
            // waiting goes now, so that puts do not wait for the linger time.
            return true;
        }
        if (packer != null) {
            // Packed, a full request holds far more user records than a stream may buffer: send
            // when the request would be full, or when the stream's fresh records fill half its
            // share of the buffer, so that puts never wait for the linger time to pass.
            long records = q.freshRecords.get();
            long bytes = q.freshBytes.get();
            return bytes >= maxBatchBytes || records >= pressureRecords || bytes >= pressureBytes
                    || records >= (long) maxBatchRecords * packer.maxRecords();
        }
        return q.freshRecords.get() >= maxBatchRecords || q.freshBytes.get() >= maxBatchBytes;
    }

    private Batch take(StreamQueue q, long now) {
        List<ProducerEntry> entries = new ArrayList<>(Math.min(maxBatchRecords, 64));
        long bytes = 0;
        ProducerEntry e = firstRetry(q);
        boolean urgent = e != null && now - e.retryAtNanos >= 0 && isUrgent(e, now);
        while (entries.size() < maxBatchRecords && (e = firstRetry(q)) != null && now - e.retryAtNanos >= 0
                && bytes + e.size <= maxBatchBytes && isUrgent(e, now) == urgent) {
            q.retries.pollFirst();
            q.retryDeadlines.remove(e);
            q.retryRecords--;
            e.waitingRetry = false;
            if (e.isSettled()) {
                // Failed meanwhile by a closing thread: it must not be sent.
                continue;
            }
            entries.add(e);
            bytes += e.size;
        }
        if (urgent) {
            // Records close to their deadline are not sent with fresher ones: see the class comment.
            return new Batch(q.stream, entries, bytes);
        }
        int freshRecords = 0;
        long freshBytes = 0;
        boolean sealed = false;
        while (true) {
            while (entries.size() < maxBatchRecords && (e = q.fresh.peek()) != null
                    && bytes + e.size <= maxBatchBytes) {
                q.fresh.poll();
                freshRecords += e.userRecords();
                freshBytes += e.size;
                if (e.isSettled()) {
                    // Failed meanwhile by a closing thread: it must not be sent.
                    continue;
                }
                entries.add(e);
                bytes += e.size;
            }
            if (sealed || packer == null || entries.size() >= maxBatchRecords || q.fresh.peek() != null
                    || !isOpenPackDue(q, now, closing || flushesInProgress.get() > 0)) {
                break;
            }
            // Every sealed packed record is in the batch and there is room: the open one goes too,
            // whatever it holds, if it is due.
            seal(q);
            sealed = true;
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
        q.freshRecords.addAndGet(-e.userRecords());
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
