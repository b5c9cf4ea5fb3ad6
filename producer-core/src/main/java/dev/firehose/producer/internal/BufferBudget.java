package dev.firehose.producer.internal;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.PutInterruptedException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Bounds the records and bytes accepted and not yet settled. A record takes its share at
 * {@code put} and gives it back when its future completes, so the bound covers records in flight
 * and awaiting retry as well as those waiting to be sent.
 *
 * <p>Threads: {@link #acquire} runs on putting threads, {@link #release} on the threads that
 * settle records (request threads once per response, the sender or a closing thread for failed
 * records). The fast path is two atomic updates; the lock is taken only by a put that has to
 * wait, and by a release while such a put waits.
 */
final class BufferBudget {

    private final long maxBytes;
    private final long maxRecords;
    private final BufferFullPolicy policy;
    private final long maxBlockNanos;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private volatile int waiters;
    private volatile boolean closed;

    BufferBudget(long maxBytes, long maxRecords, BufferFullPolicy policy, Duration maxBlockTime) {
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
        this.policy = policy;
        this.maxBlockNanos = maxBlockTime.toNanos();
    }

    /**
     * Takes room for one record of {@code size} bytes, waiting under {@link BufferFullPolicy#BLOCK}.
     *
     * @param onBlocked told how many nanoseconds the caller waited, if it had to wait, whether or
     *     not room was found
     * @return the nanoseconds spent waiting (0 if there was room at once)
     * @throws BufferFullException if there is no room (at once, or after the longest wait)
     * @throws PutInterruptedException if interrupted while waiting; the interrupt flag is set again
     * @throws IllegalStateException if the budget was closed while waiting
     */
    long acquire(int size, LongConsumer onBlocked) {
        return acquire(size, onBlocked, true);
    }

    /**
     * As {@link #acquire(int, LongConsumer)}, but never waits when {@code mayWait} is false (a put
     * on the sender thread, which alone can make room, must not wait for itself).
     */
    long acquire(int size, LongConsumer onBlocked, boolean mayWait) {
        if (tryAcquire(size, true)) {
            return 0;
        }
        if (!mayWait || policy == BufferFullPolicy.FAIL || maxBlockNanos == 0) {
            throw full(size, 0);
        }
        long start = System.nanoTime();
        long remaining = maxBlockNanos;
        lock.lock();
        waiters++;
        try {
            return await(size, start, remaining);
        } finally {
            waiters--;
            lock.unlock();
            onBlocked.accept(Math.max(1, System.nanoTime() - start));
        }
    }

    /** Waits for room; called with the lock held. */
    private long await(int size, long start, long remaining) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("producer closed while put waited for buffer space");
            }
            if (tryAcquire(size, false)) {
                if (waiters > 1) {
                    // Pass the wake-up on: the room released may fit more than this record.
                    released.signal();
                }
                return Math.max(1, System.nanoTime() - start);
            }
            if (remaining <= 0) {
                throw full(size, maxBlockNanos);
            }
            try {
                remaining = released.awaitNanos(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PutInterruptedException("interrupted while waiting for buffer space (" + describeUse()
                        + ")", e);
            }
        }
    }

    /**
     * Takes room optimistically and gives it back if a bound is crossed. An attempt that gives back
     * room may have made a concurrent one fail; so a give-back outside the lock wakes the waiting
     * puts, and a blocked put never misses room. (Waiters try one at a time under the lock, and a
     * putter that fails goes on to try under the lock, so waiters need not wake each other.)
     */
    private boolean tryAcquire(int size, boolean wakeOnGiveBack) {
        if (records.incrementAndGet() > maxRecords) {
            records.decrementAndGet();
            if (wakeOnGiveBack) {
                wakeWaiters();
            }
            return false;
        }
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            records.decrementAndGet();
            if (wakeOnGiveBack) {
                wakeWaiters();
            }
            return false;
        }
        return true;
    }

    /** Gives back the room of one settled record of {@code size} bytes and wakes waiting puts. */
    void release(int size) {
        release(1, size);
    }

    /**
     * Gives back the room of {@code recordCount} settled records of {@code byteCount} bytes in all
     * (a response's worth) and wakes the waiting puts once: the first one that finds room passes
     * the wake-up on.
     */
    void release(int recordCount, long byteCount) {
        if (recordCount == 0 && byteCount == 0) {
            return;
        }
        bytes.addAndGet(-byteCount);
        records.addAndGet(-recordCount);
        wakeWaiters();
    }

    /** Wakes one waiting put, which passes the wake-up on if it finds room (no thundering herd). */
    private void wakeWaiters() {
        if (waiters > 0) {
            lock.lock();
            try {
                released.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Wakes every waiting put; they throw {@link IllegalStateException}. */
    void close() {
        closed = true;
        signalAll();
    }

    private void signalAll() {
        lock.lock();
        try {
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long usedBytes() {
        return bytes.get();
    }

    long usedRecords() {
        return records.get();
    }

    private BufferFullException full(int size, long waitedNanos) {
        return new BufferFullException("buffer full: a record of " + size + " bytes does not fit; " + describeUse()
                + (waitedNanos > 0
                        ? "; gave up after waiting " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms (maxBlockTime)"
                        : "; bufferFullPolicy " + policy));
    }

    private String describeUse() {
        return records.get() + " of " + maxRecords + " records (maxBufferedRecords) and " + bytes.get() + " of "
                + maxBytes + " bytes (maxBufferedBytes) in use";
    }
}
