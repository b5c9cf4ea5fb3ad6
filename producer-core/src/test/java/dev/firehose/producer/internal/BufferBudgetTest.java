package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.FirehoseProducerException;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutInterruptedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BufferBudgetTest {

    private static final LongConsumer NO_OP = nanos -> { };
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void acquiresUntilTheByteBoundAndReleasesOnSettle() {
        BufferBudget budget = new BufferBudget(100, 1000, BufferFullPolicy.FAIL, Duration.ZERO);
        budget.acquire(60, NO_OP);
        budget.acquire(40, NO_OP);
        assertThat(budget.usedBytes()).isEqualTo(100);

        assertThatThrownBy(() -> budget.acquire(1, NO_OP)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("100 of 100 bytes (maxBufferedBytes)")
                .hasMessageContaining("bufferFullPolicy FAIL");

        budget.release(40);
        budget.acquire(1, NO_OP);
        assertThat(budget.usedBytes()).isEqualTo(61);
        assertThat(budget.usedRecords()).isEqualTo(2);
    }

    @Test
    void theRecordBoundHoldsEvenForEmptyRecords() {
        BufferBudget budget = new BufferBudget(100, 2, BufferFullPolicy.FAIL, Duration.ZERO);
        budget.acquire(0, NO_OP);
        budget.acquire(0, NO_OP);
        assertThatThrownBy(() -> budget.acquire(0, NO_OP)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("2 of 2 records (maxBufferedRecords)");
        assertThat(budget.usedRecords()).isEqualTo(2);
    }

    @Test
    void aFailedAcquireLeavesNothingTaken() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.FAIL, Duration.ZERO);
        budget.acquire(90, NO_OP);
        assertThatThrownBy(() -> budget.acquire(20, NO_OP)).isInstanceOf(BufferFullException.class);
        assertThat(budget.usedBytes()).isEqualTo(90);
        assertThat(budget.usedRecords()).isEqualTo(1);
    }

    @Test
    void aBlockedAcquireGivesUpAfterTheMaxBlockTimeAndReportsTheWait() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMillis(20));
        budget.acquire(100, NO_OP);
        AtomicReference<Long> waited = new AtomicReference<>();
        assertThatThrownBy(() -> budget.acquire(1, waited::set)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("after waiting").hasMessageContaining("maxBlockTime");
        assertThat(budget.usedRecords()).isEqualTo(1);
        assertThat(waited.get()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void aBlockedAcquireProceedsWhenAnotherRecordSettles() throws Exception {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(100, NO_OP);
        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> budget.acquire(50, NO_OP));
        awaitWaiting(blocked);

        budget.release(100);

        assertThat(blocked.get(10, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.usedBytes()).isEqualTo(50);
    }

    @Test
    void onePutWakesTheNextSoEveryWaiterThatFitsProceeds() throws Exception {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(90, NO_OP);
        List<CompletableFuture<Long>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> budget.acquire(30, NO_OP), pool));
        }
        awaitWaiting(waiting.get(2));

        budget.release(90);

        for (CompletableFuture<Long> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isPositive();
        }
        assertThat(budget.usedBytes()).isEqualTo(90);
    }

    @Test
    void oneReleaseOfAWholeResponseUnblocksEveryWaitingPutThatFits() throws Exception {
        BufferBudget budget = new BufferBudget(1000, 3, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            budget.acquire(10, NO_OP);
        }
        List<CompletableFuture<Long>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> budget.acquire(10, NO_OP), pool));
        }
        awaitWaiting(waiting.get(2));

        budget.release(3, 30);

        for (CompletableFuture<Long> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isPositive();
        }
        assertThat(budget.usedRecords()).isEqualTo(3);
        assertThat(budget.usedBytes()).isEqualTo(30);
    }

    @Test
    void anInterruptedWaitThrowsAndKeepsTheInterruptFlag() throws Exception {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(100, NO_OP);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                budget.acquire(10, NO_OP);
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        started.await();
        waitUntilWaiting(t);
        t.interrupt();
        t.join(10_000);

        assertThat(thrown.get()).isInstanceOf(PutInterruptedException.class)
                .hasMessageContaining("interrupted while waiting for buffer space");
        assertThat(flag.get()).isTrue();
        assertThat(budget.usedRecords()).isEqualTo(1);
    }

    @Test
    void closingWakesABlockedAcquireWithAPutAfterCloseException() throws Exception {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(100, NO_OP);
        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> budget.acquire(50, NO_OP));
        awaitWaiting(blocked);

        budget.close();

        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS)).cause()
                .isExactlyInstanceOf(PutAfterCloseException.class).isInstanceOf(FirehoseProducerException.class)
                .hasMessageStartingWith("producer closed while put waited for buffer space (a record of 50 bytes,")
                .hasMessageEndingWith(" ms)");
    }

    @Test
    void aStreamAtItsShareFailsAtOnceAndNamesTheShareWhileAnotherStreamPuts() {
        BufferBudget budget = new BufferBudget(10_000, 20_000, 4_000, 5_000, BufferFullPolicy.FAIL, Duration.ZERO);
        BufferBudget.Share sick = budget.newShare();
        BufferBudget.Share healthy = budget.newShare();
        for (int i = 0; i < 5_000; i++) {
            budget.acquire(sick, 0, NO_OP, true);
        }

        assertThatThrownBy(() -> budget.acquire(sick, 0, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("5000 of 5000 records of stream share (maxStreamBufferShare)")
                .hasMessageContaining("0 of 4000 bytes of stream share (maxStreamBufferShare)")
                .hasMessageContaining("bufferFullPolicy FAIL")
                .hasMessageNotContaining("maxBufferedRecords");
        assertThat(budget.acquire(healthy, 4_000, NO_OP, true)).isZero();

        assertThat(sick.usedRecords()).isEqualTo(5_000);
        assertThat(healthy.usedBytes()).isEqualTo(4_000);
        assertThat(budget.usedRecords()).isEqualTo(5_001);
        assertThat(budget.usedBytes()).isEqualTo(4_000);
    }

    @Test
    void whenTheTotalIsFullTheMessageNamesTheTotal() {
        BufferBudget budget = new BufferBudget(100, 10, 60, 10, BufferFullPolicy.FAIL, Duration.ZERO);
        BufferBudget.Share a = budget.newShare();
        BufferBudget.Share b = budget.newShare();
        budget.acquire(a, 50, NO_OP, true);
        budget.acquire(b, 50, NO_OP, true);

        assertThatThrownBy(() -> budget.acquire(a, 5, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining(
                        "2 of 10 records (maxBufferedRecords) and 100 of 100 bytes (maxBufferedBytes) in use")
                .hasMessageNotContaining("stream share");
        assertThat(a.usedBytes()).isEqualTo(50);
        assertThat(a.usedRecords()).isEqualTo(1);
    }

    @Test
    void eachShareCountsItsOwnRoomAndGivesItBack() {
        BufferBudget budget = new BufferBudget(1000, 100, 500, 50, BufferFullPolicy.FAIL, Duration.ZERO);
        BufferBudget.Share a = budget.newShare();
        BufferBudget.Share b = budget.newShare();
        assertThat(a.isEmpty()).isTrue();
        budget.acquire(a, 100, NO_OP, true);
        budget.acquire(a, 200, NO_OP, true);
        budget.acquire(b, 50, NO_OP, true);
        assertThat(a.usedBytes()).isEqualTo(300);
        assertThat(a.usedRecords()).isEqualTo(2);
        assertThat(b.usedBytes()).isEqualTo(50);
        assertThat(budget.usedBytes()).isEqualTo(350);
        assertThat(budget.usedRecords()).isEqualTo(3);

        budget.release(a, 2, 300);
        assertThat(a.isEmpty()).isTrue();
        assertThat(b.isEmpty()).isFalse();
        assertThat(budget.usedBytes()).isEqualTo(50);
        budget.release(b, 1, 50);
        assertThat(budget.usedBytes()).isZero();
        assertThat(budget.usedRecords()).isZero();
    }

    @Test
    void aPutThatMayNotWaitFailsAtOnceUnderBlock() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(100, NO_OP);
        AtomicReference<Long> waited = new AtomicReference<>();
        assertThatThrownBy(() -> budget.acquire(1, waited::set, false)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("100 of 100 bytes (maxBufferedBytes)")
                .hasMessageContaining("may not wait");
        assertThat(waited.get()).isNull();
        assertThat(budget.usedRecords()).isEqualTo(1);
    }

    @Test
    void aRecordLargerThanAStreamsShareFailsAtOnceEvenWhenPutsMayWait() {
        BufferBudget budget = new BufferBudget(1000, 10, 300, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        BufferBudget.Share share = budget.newShare();
        assertThatThrownBy(() -> budget.acquire(share, 301, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("301 bytes can never fit")
                .hasMessageContaining("300 bytes (maxStreamBufferShare)");
        assertThatThrownBy(() -> budget.acquire(1001, NO_OP)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("1000 bytes (maxBufferedBytes)");
        assertThat(budget.usedRecords()).isZero();
        assertThat(budget.waitingPuts()).isZero();
    }

    @Test
    void boundsBelowOneAreRefused() {
        assertThatThrownBy(() -> new BufferBudget(100, 10, 100, 0, BufferFullPolicy.BLOCK, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxStreamRecords must be at least 1, was 0");
    }

    private static void awaitWaiting(CompletableFuture<?> f) throws InterruptedException {
        // The waiting thread is not known; give it a moment to reach the wait. Correctness does not
        // depend on it: a release before the wait is seen by the acquire's own retry.
        Thread.sleep(50);
        assertThat(f).isNotDone();
    }

    private static void waitUntilWaiting(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < end) {
            Thread.sleep(1);
        }
    }
}
