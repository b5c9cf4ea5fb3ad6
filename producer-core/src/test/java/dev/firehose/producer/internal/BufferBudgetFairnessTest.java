package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutInterruptedException;
import dev.firehose.producer.internal.BufferBudget.Share;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which {@link BufferBudget} serves waiting puts, and the per-stream shares. A waiting
 * put is seen through {@link BufferBudget#waitingPuts()}: it is in line once counted there, whether
 * or not its thread has parked yet, because the releasing thread hands the room out itself.
 */
class BufferBudgetFairnessTest {

    private static final LongConsumer NO_OP = nanos -> { };
    private static final long GUARD_SECONDS = 5;

    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
        }
    }

    @Test
    void waitingPutsAreServedInArrivalOrder() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        fill(budget, held, 10, 10);
        int[] sizes = {30, 10, 20, 10};
        List<Put> puts = new ArrayList<>();
        for (int size : sizes) {
            puts.add(waitingPut(budget, budget.newShare(), size));
        }
        // Each release frees 10 bytes; the head takes them all until it has enough.
        int[] grantedAfterRelease = {3, 4, 6, 7};
        int granted = 0;
        for (int release = 1; release <= 7; release++) {
            budget.release(held, 1, 10);
            while (granted < puts.size() && grantedAfterRelease[granted] == release) {
                assertThat(puts.get(granted).result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
                granted++;
            }
            assertThat(budget.waitingPuts()).as("waiting after release %d", release).isEqualTo(puts.size() - granted);
            for (int i = granted; i < puts.size(); i++) {
                assertThat(puts.get(i).result).as("put %d after release %d", i, release).isNotDone();
            }
            assertThat(budget.usedBytes()).isEqualTo(100);
        }
        assertThat(granted).isEqualTo(puts.size());
        budget.release(held, 3, 30);
        for (Put p : puts) {
            budget.release(p.share, 1, p.size);
        }
        assertEmpty(budget, held);
    }

    @Test
    void aSmallWaiterThatCameFirstGetsFreedRoomThoughABigOneWaitsBehindIt() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        budget.acquire(held, 5, NO_OP, true);
        budget.acquire(held, 10, NO_OP, true);
        budget.acquire(held, 85, NO_OP, true);
        Put small = waitingPut(budget, budget.newShare(), 10);
        Put big = waitingPut(budget, budget.newShare(), 60);

        budget.release(held, 1, 5);  // too little for the small one: it keeps it
        assertThat(budget.usedBytes()).isEqualTo(100);
        budget.release(held, 1, 10); // the small one has its 10, the big one gathers the other 5

        assertThat(small.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(big.result).isNotDone();
        assertThat(budget.waitingPuts()).isEqualTo(1);

        budget.release(held, 1, 85);
        assertThat(big.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.usedBytes()).isEqualTo(70);
        assertThat(budget.usedRecords()).isEqualTo(2);

        budget.release(small.share, 1, 10);
        budget.release(big.share, 1, 60);
        assertEmpty(budget, held, small.share, big.share);
    }

    @Test
    void aBigWaiterAtTheHeadIsNotStarvedByLaterSmallPuts() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        fill(budget, held, 10, 10);
        Put big = waitingPut(budget, budget.newShare(), 50);
        budget.release(held, 1, 10);

        // 10 bytes were freed, but they are the big put's: later puts may not take them.
        Share other = budget.newShare();
        assertThatThrownBy(() -> budget.acquire(other, 10, NO_OP, false)).isInstanceOf(BufferFullException.class);
        Put small = waitingPut(budget, other, 10);

        budget.release(held, 4, 40);
        assertThat(big.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(small.result).isNotDone();
        assertThat(budget.waitingPuts()).isEqualTo(1);

        budget.release(held, 1, 10);
        assertThat(small.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();

        budget.release(held, 4, 40);
        budget.release(big.share, 1, 50);
        budget.release(other, 1, 10);
        assertEmpty(budget, held, other, big.share);
    }

    @Test
    void roomFreedInSeveralSmallReleasesGathersAtTheHeadWaiter() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        fill(budget, held, 10, 10);
        Put big = waitingPut(budget, budget.newShare(), 60);
        Share other = budget.newShare();

        for (int i = 1; i <= 5; i++) {
            budget.release(held, 1, 10);
            // The freed room is taken for the waiter at once: it counts as used, and no one else gets it.
            assertThat(budget.usedBytes()).isEqualTo(100);
            assertThat(budget.usedRecords()).isEqualTo(10 - i + 1);
            assertThatThrownBy(() -> budget.acquire(other, 1, NO_OP, false))
                    .isInstanceOf(BufferFullException.class);
            assertThat(big.result).isNotDone();
        }
        budget.release(held, 1, 10);

        assertThat(big.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.usedBytes()).isEqualTo(100);
        assertThat(budget.usedRecords()).isEqualTo(5);
        budget.release(held, 4, 40);
        budget.release(big.share, 1, 60);
        assertEmpty(budget, held, other, big.share);
    }

    @Test
    void aHeadThatTimesOutGivesBackWhatItGatheredAndPassesTheTurn() throws Exception {
        long maxBlockMillis = 800;
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMillis(maxBlockMillis));
        Share held = budget.newShare();
        fill(budget, held, 10, 10);
        long headStart = System.nanoTime();
        Put head = waitingPut(budget, budget.newShare(), 60);
        budget.release(held, 1, 10);
        assertThat(budget.usedBytes()).isEqualTo(100); // the head gathered those 10 bytes

        // The next put comes half a maxBlockTime later, so that it still waits when the head gives up.
        awaitTrue(() -> System.nanoTime() - headStart >= TimeUnit.MILLISECONDS.toNanos(maxBlockMillis / 2),
                "half a maxBlockTime");
        Put next = waitingPut(budget, budget.newShare(), 10);

        assertThatThrownBy(() -> head.result.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(BufferFullException.class)
                .hasMessageContaining("gave up after waiting");
        assertThat(next.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.usedBytes()).isEqualTo(100);
        assertThat(budget.usedRecords()).isEqualTo(10);

        budget.release(held, 9, 90);
        budget.release(next.share, 1, 10);
        assertEmpty(budget, held, head.share, next.share);
    }

    @Test
    void aHeadThatIsInterruptedGivesBackWhatItGatheredAndPassesTheTurn() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        fill(budget, held, 10, 10);
        Put head = waitingPut(budget, budget.newShare(), 60);
        Put next = waitingPut(budget, budget.newShare(), 10);
        budget.release(held, 1, 10);
        assertThat(next.result).isNotDone();

        head.thread.interrupt();

        assertThatThrownBy(() -> head.result.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PutInterruptedException.class);
        assertThat(head.interruptedAfter.get()).isTrue();
        assertThat(next.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.waitingPuts()).isZero();

        budget.release(held, 9, 90);
        budget.release(next.share, 1, 10);
        assertEmpty(budget, held, head.share, next.share);
    }

    @Test
    void closingFailsEveryWaiterAndGivesBackWhatTheyGathered() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, 60, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share a = budget.newShare();
        Share b = budget.newShare();
        fill(budget, a, 4, 10);
        fill(budget, b, 6, 10);
        Put first = waitingPut(budget, a, 20);  // has its share's room, waits for the total
        Put second = waitingPut(budget, b, 10); // waits for its share
        budget.release(b, 1, 10); // the second gets its share and joins the total line; the first gathers 10 bytes
        assertThat(budget.usedBytes()).isEqualTo(100);
        assertThat(a.usedBytes()).isEqualTo(60);
        assertThat(b.usedBytes()).isEqualTo(60);

        budget.close();

        for (Put p : List.of(first, second)) {
            assertThatThrownBy(() -> p.result.get(GUARD_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isExactlyInstanceOf(PutAfterCloseException.class);
        }
        assertThat(budget.waitingPuts()).isZero();
        assertThat(budget.usedBytes()).isEqualTo(90);
        assertThat(a.usedBytes()).isEqualTo(40);
        assertThat(b.usedBytes()).isEqualTo(50);
        budget.release(a, 4, 40);
        budget.release(b, 5, 50);
        assertEmpty(budget, a, b);
    }

    @Test
    void aStreamAtItsShareDoesNotHoldUpAnotherStreamsPut() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, 30, 100, BufferFullPolicy.BLOCK, Duration.ofSeconds(10));
        Share sick = budget.newShare();
        Share healthy = budget.newShare();
        fill(budget, sick, 3, 10);
        Put capped = waitingPut(budget, sick, 10);

        AtomicInteger blocked = new AtomicInteger();
        assertThat(budget.acquire(healthy, 10, nanos -> blocked.incrementAndGet(), true)).isZero();
        assertThat(budget.acquire(healthy, 20, nanos -> blocked.incrementAndGet(), true)).isZero();
        assertThat(blocked).hasValue(0);
        assertThat(capped.result).isNotDone();
        assertThat(budget.usedBytes()).isEqualTo(60); // the capped put holds none of the total

        budget.release(sick, 1, 10);
        assertThat(capped.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        budget.release(sick, 3, 30);
        budget.release(healthy, 2, 30);
        assertEmpty(budget, sick, healthy);
    }

    @Test
    void aPutWaitingOnlyForItsShareDoesNotHoldUpOtherStreamsWaitingForTheTotal() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, 50, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share sick = budget.newShare();
        Share busy = budget.newShare();
        fill(budget, sick, 5, 10);
        fill(budget, busy, 5, 10);
        Put capped = waitingPut(budget, sick, 10);      // its share is full: it waits on its own
        Put other = waitingPut(budget, budget.newShare(), 10); // the total is full: it waits in line

        budget.release(busy, 1, 10);

        assertThat(other.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(capped.result).isNotDone();
        assertThat(sick.usedBytes()).isEqualTo(50);

        budget.release(sick, 1, 10);
        assertThat(capped.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        budget.release(sick, 5, 50);
        budget.release(busy, 4, 40);
        budget.release(other.share, 1, 10);
        assertEmpty(budget, sick, busy, other.share);
    }

    @Test
    void aStreamThatKeepsPuttingQueuesBehindItsOwnWaiter() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, 30, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share stream = budget.newShare();
        fill(budget, stream, 3, 10);
        Put first = waitingPut(budget, stream, 20);
        budget.release(stream, 1, 10); // the first gathers these 10 of its share

        assertThatThrownBy(() -> budget.acquire(stream, 10, NO_OP, false)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("30 of 30 bytes of stream share (maxStreamBufferShare)");
        Put second = waitingPut(budget, stream, 10);
        budget.release(stream, 1, 10);
        assertThat(first.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(second.result).isNotDone();

        budget.release(stream, 1, 10);
        assertThat(second.result.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        budget.release(stream, 2, 30);
        assertEmpty(budget, stream);
    }

    @Test
    void sharesAndTotalsBalanceAfterManyThreadsPutAndSettleWithLongWaits() throws Exception {
        Ledger ledger = stress(Duration.ofSeconds(GUARD_SECONDS * 2), false);
        assertThat(ledger.timedOut).as("puts that gave up, though the settlers never stop").hasValue(0);
    }

    @Test
    void sharesAndTotalsBalanceAfterManyThreadsPutAndSettleWithTimeoutsAndInterrupts() throws Exception {
        stress(Duration.ofMillis(2), true);
    }

    /**
     * 8 threads put 20,000 records each into 4 streams, waiting or not; 2 threads settle them in
     * batches per stream; a checker watches the bounds. The ledger balances at the end.
     */
    private Ledger stress(Duration maxBlockTime, boolean interrupt) throws Exception {
        int putters = 8;
        int putsEach = 20_000;
        long maxBytes = 8_000;
        long maxRecords = 200;
        long maxStreamBytes = 3_000;
        long maxStreamRecords = 80;
        BufferBudget budget = new BufferBudget(maxBytes, maxRecords, maxStreamBytes, maxStreamRecords,
                BufferFullPolicy.BLOCK, maxBlockTime);
        Share[] shares = new Share[4];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = budget.newShare();
        }
        LinkedBlockingQueue<Taken> accepted = new LinkedBlockingQueue<>();
        Ledger ledger = new Ledger();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicBoolean puttersDone = new AtomicBoolean();
        AtomicBoolean settled = new AtomicBoolean();

        List<Thread> putThreads = new ArrayList<>();
        for (int p = 0; p < putters; p++) {
            putThreads.add(start("putter-" + p, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < putsEach; i++) {
                    int stream = random.nextInt(shares.length);
                    int size = random.nextInt(201);
                    boolean mayWait = random.nextInt(8) != 0;
                    try {
                        budget.acquire(shares[stream], size, nanos -> ledger.blocked.incrementAndGet(), mayWait);
                        accepted.add(new Taken(stream, size));
                        ledger.accepted.incrementAndGet();
                    } catch (BufferFullException e) {
                        (mayWait ? ledger.timedOut : ledger.refused).incrementAndGet();
                    } catch (PutInterruptedException e) {
                        Thread.interrupted();
                        ledger.interrupted.incrementAndGet();
                    }
                }
                Thread.interrupted();
            }));
        }
        Runnable settle = () -> {
            List<Taken> batch = new ArrayList<>();
            int[] counts = new int[shares.length];
            long[] bytes = new long[shares.length];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (true) {
                boolean last = puttersDone.get();
                if (accepted.drainTo(batch, 100) == 0) {
                    if (last) {
                        return;
                    }
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                for (Taken t : batch) {
                    counts[t.stream]++;
                    bytes[t.stream] += t.size;
                }
                for (int s = 0; s < shares.length; s++) {
                    budget.release(shares[s], counts[s], bytes[s]);
                    ledger.released.addAndGet(counts[s]);
                    counts[s] = 0;
                    bytes[s] = 0;
                }
                batch.clear();
                // Slow responses, so that puts have to wait, and now and then wait past 2 ms.
                if (random.nextInt(64) == 0) {
                    LockSupport.parkNanos(3_000_000);
                } else if (random.nextInt(4) == 0) {
                    LockSupport.parkNanos(50_000);
                }
            }
        };
        List<Thread> settlers = List.of(start("settler-0", settle), start("settler-1", settle));
        Thread checker = start("checker", () -> {
            while (!settled.get()) {
                check(violation, "total records", budget.usedRecords(), maxRecords);
                check(violation, "total bytes", budget.usedBytes(), maxBytes);
                for (Share s : shares) {
                    check(violation, "share records", s.usedRecords(), maxStreamRecords);
                    check(violation, "share bytes", s.usedBytes(), maxStreamBytes);
                }
                Thread.yield();
            }
        });
        Thread interrupter = start("interrupter", () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (interrupt && !puttersDone.get()) {
                putThreads.get(random.nextInt(putters)).interrupt();
                LockSupport.parkNanos(200_000);
            }
        });

        for (Thread t : putThreads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("%s still running", t.getName()).isFalse();
        }
        puttersDone.set(true);
        interrupter.join();
        for (Thread t : settlers) {
            t.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
        }
        settled.set(true);
        checker.join();

        assertThat(violation.get()).isNull();
        assertThat(ledger.accepted.get() + ledger.refused.get() + ledger.timedOut.get() + ledger.interrupted.get())
                .isEqualTo((long) putters * putsEach);
        assertThat(ledger.released.get()).isEqualTo(ledger.accepted.get());
        assertThat(ledger.blocked.get()).as("puts that waited").isPositive();
        assertThat(budget.waitingPuts()).isZero();
        assertEmpty(budget, shares);
        return ledger;
    }

    private static void check(AtomicReference<String> violation, String what, long used, long max) {
        if (used < 0 || used > max) {
            violation.compareAndSet(null, what + " at " + used + " of " + max);
        }
    }

    private record Taken(int stream, int size) { }

    private static final class Ledger {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong released = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong interrupted = new AtomicLong();
        final AtomicLong blocked = new AtomicLong();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static final class Put {
        final Share share;
        final int size;
        final CompletableFuture<Long> result = new CompletableFuture<>();
        final AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread thread;

        Put(Share share, int size) {
            this.share = share;
            this.size = size;
        }
    }

    /** Starts a put on its own thread and returns once it waits in line. */
    private Put waitingPut(BufferBudget budget, Share share, int size) throws InterruptedException {
        int before = budget.waitingPuts();
        Put put = new Put(share, size);
        put.thread = start("put-" + size, () -> {
            try {
                put.result.complete(budget.acquire(share, size, NO_OP, true));
            } catch (Throwable e) {
                put.interruptedAfter.set(Thread.currentThread().isInterrupted());
                put.result.completeExceptionally(e);
            }
        });
        awaitTrue(() -> budget.waitingPuts() == before + 1 || put.result.isDone(), "the put to wait");
        assertThat(put.result).as("a put expected to wait").isNotDone();
        return put;
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, "budget-test-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    private static void fill(BufferBudget budget, Share share, int records, int size) {
        for (int i = 0; i < records; i++) {
            assertThat(budget.acquire(share, size, NO_OP, false)).isZero();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited too long for " + what).isNegative();
            Thread.sleep(1);
        }
    }

    private static void assertEmpty(BufferBudget budget, Share... shares) {
        assertThat(budget.usedBytes()).isZero();
        assertThat(budget.usedRecords()).isZero();
        for (Share s : shares) {
            assertThat(s.usedBytes()).isZero();
            assertThat(s.usedRecords()).isZero();
            assertThat(s.isEmpty()).isTrue();
        }
    }
}
