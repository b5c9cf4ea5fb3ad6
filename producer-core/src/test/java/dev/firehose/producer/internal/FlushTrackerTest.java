package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FlushTrackerTest {

    private final FlushTracker tracker = new FlushTracker();
    private final ExecutorService pool = Executors.newFixedThreadPool(6);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void aFlushWithNothingPendingIsCompleteAtOnce() {
        assertThat(tracker.flush()).isCompleted();
        FlushTracker.Epoch e = tracker.enter();
        FlushTracker.leave(e, 1);
        assertThat(tracker.flush()).isCompleted();
    }

    @Test
    void aFlushWaitsForEveryRecordBeforeItAndForNoneAfterIt() {
        FlushTracker.Epoch first = tracker.enter();
        FlushTracker.Epoch second = tracker.enter();
        CompletableFuture<Void> flush = tracker.flush();
        FlushTracker.Epoch later = tracker.enter();

        assertThat(later).isNotSameAs(first);
        FlushTracker.leave(first, 1);
        assertThat(flush).isNotDone();
        FlushTracker.leave(second, 1);
        assertThat(flush).isCompleted();
        assertThat(tracker.flush()).isNotDone();
        FlushTracker.leave(later, 1);
    }

    @Test
    void aFlushAlsoWaitsForTheFlushesBeforeIt() {
        FlushTracker.Epoch old = tracker.enter();
        CompletableFuture<Void> first = tracker.flush();
        FlushTracker.Epoch recent = tracker.enter();
        CompletableFuture<Void> second = tracker.flush();

        FlushTracker.leave(recent, 1);
        assertThat(second).isNotDone();
        FlushTracker.leave(old, 1);
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
    }

    @Test
    void recordsOfOneEpochMayLeaveInOneStep() {
        FlushTracker.Epoch e = tracker.enter();
        tracker.enter();
        tracker.enter();
        CompletableFuture<Void> flush = tracker.flush();
        FlushTracker.leave(e, 2);
        assertThat(flush).isNotDone();
        FlushTracker.leave(e, 1);
        assertThat(flush).isCompleted();
    }

    /**
     * A ledger under contention: two threads enter records while two others make them leave and
     * the test thread flushes; whenever a flush completes, every record that had entered before the
     * flush began has left.
     */
    @Test
    @Timeout(30)
    void underContentionNoFlushCompletesBeforeARecordEnteredBeforeIt() throws Exception {
        int records = 20_000;
        AtomicLong sequence = new AtomicLong();
        AtomicIntegerArray left = new AtomicIntegerArray(records);
        ConcurrentLinkedQueue<Object[]> pending = new ConcurrentLinkedQueue<>();
        AtomicBoolean putting = new AtomicBoolean(true);
        AtomicLong violations = new AtomicLong();
        int[] verifiedUpTo = {0};
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> putters = new ArrayList<>();
        List<Future<?>> settlers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            putters.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < records / 2; i++) {
                    FlushTracker.Epoch e = tracker.enter();
                    // Numbered after entering: a number below a flush's 'before' entered before it.
                    pending.add(new Object[] {e, (int) sequence.getAndIncrement()});
                    if (i % 256 == 0) {
                        // Let the flushing thread in even when the machine gives this one a whole core.
                        LockSupport.parkNanos(20_000);
                    }
                }
                return null;
            }));
            settlers.add(pool.submit(() -> {
                start.await();
                while (putting.get() || !pending.isEmpty()) {
                    Object[] p = pending.poll();
                    if (p != null) {
                        left.set((Integer) p[1], 1);
                        FlushTracker.leave((FlushTracker.Epoch) p[0], 1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        do {
            int before = (int) sequence.get();
            CompletableFuture<Void> flush = tracker.flush();
            flush.thenRun(() -> {
                synchronized (verifiedUpTo) {
                    for (int i = verifiedUpTo[0]; i < before; i++) {
                        if (left.get(i) == 0) {
                            violations.incrementAndGet();
                        }
                    }
                    verifiedUpTo[0] = Math.max(verifiedUpTo[0], before);
                }
            });
            flushes.add(flush);
            LockSupport.parkNanos(10_000);
        } while (sequence.get() < records);
        for (Future<?> f : putters) {
            f.get(20, TimeUnit.SECONDS);
        }
        putting.set(false);
        for (Future<?> f : settlers) {
            f.get(20, TimeUnit.SECONDS);
        }
        tracker.flush().get(10, TimeUnit.SECONDS);
        assertThat(flushes).isNotEmpty().allMatch(CompletableFuture::isDone);
        assertThat(violations).hasValue(0);
    }
}
