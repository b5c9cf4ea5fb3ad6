package dev.firehose.producer.internal;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutInterruptedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Bounds the records and bytes accepted and not yet settled, in all and per stream. A record takes
 * its room at {@code put} and gives it back when its future completes, so the bounds cover records
 * in flight and awaiting retry as well as those waiting to be sent. Each stream has a
 * {@link Share}, which may hold at most {@code maxStreamRecords} and {@code maxStreamBytes}: a
 * stream whose requests hang or are throttled fills its share and then waits on its own, while
 * the other streams' puts go on.
 *
 * <p>Fairness (after Kafka's {@code BufferPool}): a put that must wait joins a line, first the
 * line of its stream's share, then, with its share room in hand, the line for the total bounds.
 * Each line is served in arrival order: room given back goes to the put at the head, which keeps
 * what it gets (records and bytes) until it has all it needs, so a large record is not starved by
 * a stream of small ones; no later put takes room while an earlier one waits in the same line. A
 * put that gives up (time out, interrupt, close) gives back what it gathered, which passes its
 * turn to the next in line. A put waiting for its share holds no room of the total, so it holds up
 * no other stream.
 *
 * <p>Threads: one instance is shared by all putting threads and all settling threads; every method
 * is thread-safe. {@link #acquire} runs on putting threads, {@link #release} on the threads that
 * settle records (request threads once per response, the sender or a closing thread for failed
 * records). While nobody waits, both are lock-free: a few compare-and-sets on the share's and the
 * total counters, and no allocation. The lock is taken by a put that cannot get its room at once,
 * and by a release while some put waits; the lock holder hands out the room, so a woken put finds
 * its room already taken for it.
 */
final class BufferBudget {

    private final long maxBytes;
    private final long maxRecords;
    private final long maxStreamBytes;
    private final long maxStreamRecords;
    /** Whether a share can fill before the total does; only then do messages name the share. */
    private final boolean sharesBind;
    private final BufferFullPolicy policy;
    private final long maxBlockNanos;
    /** Room taken in all, including room gathered by waiting puts; never above the bounds. */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    /** The share of callers that know no streams ({@link #acquire(int, LongConsumer)}, {@link #release(int)}). */
    private final Share defaultShare = new Share();

    private final ReentrantLock lock = new ReentrantLock();
    /** Puts that hold their share's room and wait for the total, in arrival order; guarded by lock. */
    private final ArrayDeque<Waiter> totalLine = new ArrayDeque<>();
    /** Per share with waiting puts, those puts in arrival order; guarded by lock, no empty lines. */
    private final Map<Share, ArrayDeque<Waiter>> shareLines = new HashMap<>();
    /** {@code totalLine.size()}; written under the lock, read by the lock-free paths. */
    private volatile int totalWaiters;
    /** A put was refused for room since the sender last looked. */
    private final AtomicBoolean refused = new AtomicBoolean();
    private volatile Runnable onExhausted = () -> { };
    private volatile boolean closed;

    /** A budget whose streams may each take the whole buffer (no per-stream bound). */
    BufferBudget(long maxBytes, long maxRecords, BufferFullPolicy policy, Duration maxBlockTime) {
        this(maxBytes, maxRecords, maxBytes, maxRecords, policy, maxBlockTime);
    }

    /**
     * @param maxBytes bytes taken by all streams together, at least 1
     * @param maxRecords records taken by all streams together, at least 1
     * @param maxStreamBytes bytes one {@link Share} may take, at least 1
     * @param maxStreamRecords records one {@link Share} may take, at least 1
     * @param maxBlockTime the longest a put waits under {@link BufferFullPolicy#BLOCK}
     */
    BufferBudget(long maxBytes, long maxRecords, long maxStreamBytes, long maxStreamRecords,
            BufferFullPolicy policy, Duration maxBlockTime) {
        this.maxBytes = atLeastOne("maxBytes", maxBytes);
        this.maxRecords = atLeastOne("maxRecords", maxRecords);
        this.maxStreamBytes = atLeastOne("maxStreamBytes", maxStreamBytes);
        this.maxStreamRecords = atLeastOne("maxStreamRecords", maxStreamRecords);
        this.sharesBind = maxStreamBytes < maxBytes || maxStreamRecords < maxRecords;
        this.policy = policy;
        this.maxBlockNanos = maxBlockTime.toNanos();
    }

    private static long atLeastOne(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
        return value;
    }

    /**
     * One stream's use of the buffer: the records and bytes it has taken and not given back,
     * including room gathered by its waiting puts. Thread-safe; make one per stream with
     * {@link #newShare()} and pass the same one to {@link #acquire} and {@link #release}.
     */
    static final class Share {
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong records = new AtomicLong();
        /** The length of this share's line; written under the budget's lock, read lock-free. */
        private volatile int waiters;

        long usedBytes() {
            return bytes.get();
        }

        long usedRecords() {
            return records.get();
        }

        /** @return true if the stream holds no room and no put of it waits */
        boolean isEmpty() {
            return waiters == 0 && records.get() == 0 && bytes.get() == 0;
        }
    }

    Share newShare() {
        return new Share();
    }

    /** As {@link #acquire(Share, int, LongConsumer, boolean)} on the default share, waiting allowed. */
    long acquire(int size, LongConsumer onBlocked) {
        return acquire(defaultShare, size, onBlocked, true);
    }

    /** As {@link #acquire(Share, int, LongConsumer, boolean)} on the default share. */
    long acquire(int size, LongConsumer onBlocked, boolean mayWait) {
        return acquire(defaultShare, size, onBlocked, mayWait);
    }

    /**
     * Takes room for one record of {@code size} bytes from {@code share} and from the total, waiting
     * under {@link BufferFullPolicy#BLOCK} behind the puts that came first.
     *
     * @param onBlocked told how many nanoseconds the caller waited, if it had to wait, whether or
     *     not it got its room
     * @param mayWait false if the caller must not wait (a put on a producer thread, one of those that
     *     free room, must not wait for itself)
     * @return the nanoseconds spent waiting (0 if there was room at once)
     * @throws BufferFullException if there is no room, at once (policy {@code FAIL}, no waiting
     *     allowed, or a record that can never fit) or after the longest wait
     * @throws PutInterruptedException if interrupted while waiting; the interrupt flag is set again
     * @throws PutAfterCloseException if the budget was closed while waiting
     */
    long acquire(Share share, int size, LongConsumer onBlocked, boolean mayWait) {
        // Nobody waits in either line this put would join: it may take its room at once.
        if (share.waiters == 0 && totalWaiters == 0 && tryTake(share, size)) {
            return 0;
        }
        return acquireSlowly(share, size, onBlocked, mayWait);
    }

    private long acquireSlowly(Share share, int size, LongConsumer onBlocked, boolean mayWait) {
        if (size > maxBytes || size > maxStreamBytes) {
            throw neverFits(size);
        }
        boolean mayBlock = mayWait && policy == BufferFullPolicy.BLOCK && maxBlockNanos > 0;
        long start = System.nanoTime();
        boolean waited = false;
        long waitedNanos = 0;
        lock.lock();
        try {
            if (!mayBlock) {
                // Again under the lock: the attempt outside may have met another put's give-back.
                if (share.waiters == 0 && totalWaiters == 0 && tryTake(share, size)) {
                    return 0;
                }
                throw full(share, size, whyNoWait(mayWait));
            }
            if (closed) {
                throw new PutAfterCloseException("producer closed; a put of " + size + " bytes may no longer wait for"
                        + " buffer space");
            }
            Waiter waiter = new Waiter(share, size, lock.newCondition());
            join(waiter);
            onExhausted.run();
            long remaining = maxBlockNanos;
            while (true) {
                if (closed) {
                    leave(waiter);
                    throw new PutAfterCloseException("producer closed while put waited for buffer space (a record of "
                            + size + " bytes, waited " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                            + " ms)");
                }
                if (waiter.stage == Stage.GRANTED) {
                    waitedNanos = waited ? Math.max(1, System.nanoTime() - start) : 0;
                    return waitedNanos;
                }
                if (remaining <= 0) {
                    leave(waiter);
                    throw full(share, size, "gave up after waiting "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (maxBlockTime)");
                }
                waited = true;
                try {
                    remaining = waiter.ready.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    leave(waiter);
                    Thread.currentThread().interrupt();
                    throw new PutInterruptedException("interrupted while waiting for buffer space (" + describeUse()
                            + ")", e);
                }
            }
        } finally {
            lock.unlock();
            if (waited) {
                onBlocked.accept(waitedNanos > 0 ? waitedNanos : Math.max(1, System.nanoTime() - start));
            }
        }
    }

    /** Gives back the room of one settled record of {@code size} bytes of the default share. */
    void release(int size) {
        release(defaultShare, 1, size);
    }

    /** As {@link #release(Share, int, long)} on the default share. */
    void release(int recordCount, long byteCount) {
        release(defaultShare, recordCount, byteCount);
    }

    /**
     * Gives back the room of {@code recordCount} settled records of {@code byteCount} bytes in all
     * (a response's worth), taken from {@code share}, and hands it to the puts waiting for it.
     */
    void release(Share share, int recordCount, long byteCount) {
        if (recordCount == 0 && byteCount == 0) {
            return;
        }
        giveBack(share, recordCount, byteCount, recordCount, byteCount);
    }

    /**
     * Wakes every waiting put; each gives back what it gathered and throws
     * {@link PutAfterCloseException}. Puts that find room at once are still let through: the
     * producer refuses them itself.
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (Waiter w : totalLine) {
                w.ready.signal();
            }
            for (ArrayDeque<Waiter> line : shareLines.values()) {
                for (Waiter w : line) {
                    w.ready.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return whether the buffer ran out of room: puts wait for the whole buffer's room, or a put
     *     was refused since the last call (which clears that)
     */
    boolean exhausted() {
        return totalWaiters > 0 || (refused.get() && refused.getAndSet(false));
    }

    /** Told (under the budget's lock, so it must not block) when a put waits or is refused for room. */
    void onExhausted(Runnable onExhausted) {
        this.onExhausted = onExhausted;
    }

    /** Room taken in all, including what waiting puts gathered. */
    long usedBytes() {
        return bytes.get();
    }

    long usedRecords() {
        return records.get();
    }

    /** @return the puts waiting now, in both kinds of line (for tests and for a gauge) */
    int waitingPuts() {
        lock.lock();
        try {
            int n = totalLine.size();
            for (ArrayDeque<Waiter> line : shareLines.values()) {
                n += line.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---- taking and giving back room -------------------------------------------------------

    /**
     * Takes the whole room of one record or nothing. Each counter is taken by compare-and-set and
     * never crosses its bound; a later counter that is full makes the earlier ones be given back,
     * through {@link #giveBack}, so a put that failed meanwhile for want of that room and went to
     * wait is served.
     */
    private boolean tryTake(Share share, int size) {
        if (!take(share.records, 1, maxStreamRecords)) {
            return false;
        }
        if (!take(share.bytes, size, maxStreamBytes)) {
            giveBack(share, 1, 0, 0, 0);
            return false;
        }
        if (!take(records, 1, maxRecords)) {
            giveBack(share, 1, size, 0, 0);
            return false;
        }
        if (!take(bytes, size, maxBytes)) {
            giveBack(share, 1, size, 1, 0);
            return false;
        }
        return true;
    }

    private static boolean take(AtomicLong used, long n, long max) {
        while (true) {
            long current = used.get();
            if (n > max - current) {
                return false;
            }
            if (n == 0 || used.compareAndSet(current, current + n)) {
                return true;
            }
        }
    }

    /** @return how much of {@code wanted} was taken: all of it, what was left, or nothing */
    private static long takeUpTo(AtomicLong used, long wanted, long max) {
        while (true) {
            long current = used.get();
            long n = Math.min(wanted, max - current);
            if (n <= 0) {
                return 0;
            }
            if (used.compareAndSet(current, current + n)) {
                return n;
            }
        }
    }

    /**
     * Gives room back and, if a put waits in a line it frees room for, hands the room on. The
     * counters fall before the line lengths are read, and a put joins its line before it looks at
     * the counters: so either this sees the waiter, or the waiter sees the room.
     */
    private void giveBack(Share share, long shareRecords, long shareBytes, long totalRecords, long totalBytes) {
        share.records.addAndGet(-shareRecords);
        share.bytes.addAndGet(-shareBytes);
        records.addAndGet(-totalRecords);
        bytes.addAndGet(-totalBytes);
        if (share.waiters != 0 || totalWaiters != 0) {
            lock.lock();
            try {
                serveShareLine(share);
                serveTotalLine();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- the lines; every method below runs under the lock ---------------------------------

    private enum Stage {
        /** In its share's line, gathering the share's room. */
        SHARE,
        /** Holds its share's room; in the total line, gathering the total's room. */
        TOTAL,
        /** Has all its room and is out of every line. */
        GRANTED,
        /** Gave up and gave back what it gathered. */
        LEFT
    }

    /** A waiting put; its fields are guarded by the lock. */
    private static final class Waiter {
        final Share share;
        final int size;
        final Condition ready;
        Stage stage = Stage.SHARE;
        long shareRecords;
        long shareBytes;
        long totalRecords;
        long totalBytes;

        Waiter(Share share, int size, Condition ready) {
            this.share = share;
            this.size = size;
            this.ready = ready;
        }
    }

    private void join(Waiter waiter) {
        ArrayDeque<Waiter> line = shareLines.computeIfAbsent(waiter.share, s -> new ArrayDeque<>());
        line.addLast(waiter);
        waiter.share.waiters = line.size();
        serveShareLine(waiter.share);
    }

    /**
     * Gives the share's free room to the head of its line until the head has a record's room;
     * then moves it to the total line and goes on with the next.
     */
    private void serveShareLine(Share share) {
        ArrayDeque<Waiter> line = shareLines.get(share);
        if (line == null || closed) {
            return;
        }
        boolean moved = false;
        Waiter head;
        while ((head = line.peekFirst()) != null) {
            head.shareRecords += takeUpTo(share.records, 1 - head.shareRecords, maxStreamRecords);
            head.shareBytes += takeUpTo(share.bytes, head.size - head.shareBytes, maxStreamBytes);
            if (head.shareRecords < 1 || head.shareBytes < head.size) {
                break;
            }
            line.pollFirst();
            head.stage = Stage.TOTAL;
            totalLine.addLast(head);
            totalWaiters = totalLine.size();
            moved = true;
        }
        share.waiters = line.size();
        if (line.isEmpty()) {
            shareLines.remove(share);
        }
        if (moved) {
            serveTotalLine();
        }
    }

    /** Gives the total's free room to the head of the total line until it has enough, and so on. */
    private void serveTotalLine() {
        if (closed) {
            return;
        }
        Waiter head;
        while ((head = totalLine.peekFirst()) != null) {
            head.totalRecords += takeUpTo(records, 1 - head.totalRecords, maxRecords);
            head.totalBytes += takeUpTo(bytes, head.size - head.totalBytes, maxBytes);
            if (head.totalRecords < 1 || head.totalBytes < head.size) {
                return;
            }
            totalLine.pollFirst();
            totalWaiters = totalLine.size();
            head.stage = Stage.GRANTED;
            head.ready.signal();
        }
    }

    /** Takes a put that gives up out of its line and gives back what it gathered, to the next. */
    private void leave(Waiter waiter) {
        Share share = waiter.share;
        if (waiter.stage == Stage.SHARE) {
            ArrayDeque<Waiter> line = shareLines.get(share);
            line.remove(waiter);
            share.waiters = line.size();
            if (line.isEmpty()) {
                shareLines.remove(share);
            }
        } else if (waiter.stage == Stage.TOTAL) {
            totalLine.remove(waiter);
            totalWaiters = totalLine.size();
        }
        waiter.stage = Stage.LEFT;
        share.records.addAndGet(-waiter.shareRecords);
        share.bytes.addAndGet(-waiter.shareBytes);
        records.addAndGet(-waiter.totalRecords);
        bytes.addAndGet(-waiter.totalBytes);
        waiter.shareRecords = 0;
        waiter.shareBytes = 0;
        waiter.totalRecords = 0;
        waiter.totalBytes = 0;
        serveShareLine(share);
        serveTotalLine();
    }

    // ---- messages ---------------------------------------------------------------------------

    private String whyNoWait(boolean mayWait) {
        if (policy == BufferFullPolicy.FAIL) {
            return "bufferFullPolicy FAIL";
        }
        if (!mayWait) {
            return "a put on a producer thread (a future's callback) may not wait";
        }
        return "bufferFullPolicy BLOCK with maxBlockTime 0";
    }

    private BufferFullException neverFits(int size) {
        String bound = size > maxBytes
                ? "the buffer holds at most " + maxBytes + " bytes (maxBufferedBytes)"
                : "a stream's share of the buffer holds at most " + maxStreamBytes + " bytes (maxStreamBufferShare)";
        return new BufferFullException("buffer full: a record of " + size + " bytes can never fit: " + bound);
    }

    /** Names the bounds that are full, or the puts ahead in line if none is. */
    private BufferFullException full(Share share, int size, String why) {
        refused.set(true);
        onExhausted.run();
        boolean totalFull = records.get() >= maxRecords || size > maxBytes - bytes.get();
        boolean shareFull = sharesBind
                && (share.records.get() >= maxStreamRecords || size > maxStreamBytes - share.bytes.get());
        StringBuilder m = new StringBuilder(shareFull && !totalFull ? "stream share of the buffer full" : "buffer full")
                .append(": a record of ").append(size).append(" bytes does not fit; ");
        if (totalFull || !shareFull) {
            m.append(describeUse());
        }
        if (shareFull) {
            m.append(totalFull ? "; " : "").append(describeShare(share));
        }
        if (!totalFull && !shareFull) {
            m.append("; ").append(waitingPuts()).append(" waiting puts are ahead of it (served in arrival order)");
        }
        return new BufferFullException(m.append("; ").append(why).toString());
    }

    private String describeUse() {
        return records.get() + " of " + maxRecords + " records (maxBufferedRecords) and " + bytes.get() + " of "
                + maxBytes + " bytes (maxBufferedBytes) in use";
    }

    private String describeShare(Share share) {
        return share.records.get() + " of " + maxStreamRecords + " records of stream share (maxStreamBufferShare) and "
                + share.bytes.get() + " of " + maxStreamBytes + " bytes of stream share (maxStreamBufferShare) in use";
    }
}
