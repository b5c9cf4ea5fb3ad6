package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.PutInterruptedException;
import dev.firehose.producer.internal.BufferBudget.Share;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exact boundaries of {@link BufferBudget}: which bound a refusal names, records of size 0,
 * a record exactly the size of a bound, the total record bound, puts that may not pass a waiting
 * put even where room is free, and the waits it reports. A waiting put is seen through
 * {@link BufferBudget#waitingPuts()}, as in {@code BufferBudgetFairnessTest}.
 */
class BufferBudgetEdgeCasesTest {

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
    void whenOnlyTheTotalIsFullTheRefusalNamesTheTotalOnly() {
        BufferBudget budget = new BufferBudget(100, 10, 60, 10, BufferFullPolicy.FAIL, Duration.ZERO);
        Share a = budget.newShare();
        Share b = budget.newShare();
        budget.acquire(a, 50, NO_OP, true);
        budget.acquire(b, 50, NO_OP, true);
        assertThatThrownBy(() -> budget.acquire(a, 5, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessage("buffer full: a record of 5 bytes does not fit; 2 of 10 records (maxBufferedRecords)"
                        + " and 100 of 100 bytes (maxBufferedBytes) in use; bufferFullPolicy FAIL");
    }

    @Test
    void whenOnlyTheShareIsFullTheRefusalNamesTheShareOnly() {
        BufferBudget budget = new BufferBudget(100, 10, 60, 10, BufferFullPolicy.FAIL, Duration.ZERO);
        Share a = budget.newShare();
        budget.acquire(a, 50, NO_OP, true);
        // 50 bytes of the total are free, exactly enough for this record; its share has only 10.
        assertThatThrownBy(() -> budget.acquire(a, 50, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessage("stream share of the buffer full: a record of 50 bytes does not fit; 1 of 10 records of"
                        + " stream share (maxStreamBufferShare) and 50 of 60 bytes of stream share"
                        + " (maxStreamBufferShare) in use; bufferFullPolicy FAIL");
    }

    @Test
    void whenBothAreFullTheRefusalNamesBoth() {
        BufferBudget budget = new BufferBudget(1000, 2, 1000, 1, BufferFullPolicy.FAIL, Duration.ZERO);
        Share a = budget.newShare();
        Share b = budget.newShare();
        budget.acquire(a, 1, NO_OP, true);
        budget.acquire(b, 1, NO_OP, true);
        assertThatThrownBy(() -> budget.acquire(a, 1, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessage("buffer full: a record of 1 bytes does not fit; 2 of 2 records (maxBufferedRecords) and"
                        + " 2 of 1000 bytes (maxBufferedBytes) in use; 1 of 1 records of stream share"
                        + " (maxStreamBufferShare) and 1 of 1000 bytes of stream share (maxStreamBufferShare) in use;"
                        + " bufferFullPolicy FAIL");
    }

    @Test
    void aBudgetWhoseSharesAreTheWholeBufferNeverNamesAShare() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.FAIL, Duration.ZERO);
        budget.acquire(100, NO_OP);
        assertThatThrownBy(() -> budget.acquire(1, NO_OP)).isInstanceOf(BufferFullException.class)
                .hasMessage("buffer full: a record of 1 bytes does not fit; 1 of 10 records (maxBufferedRecords) and"
                        + " 100 of 100 bytes (maxBufferedBytes) in use; bufferFullPolicy FAIL");
    }

    @Test
    void aShareThatBindsOnlyOnRecordsStillNamesTheShare() {
        BufferBudget budget = new BufferBudget(100, 10, 100, 1, BufferFullPolicy.FAIL, Duration.ZERO);
        Share a = budget.newShare();
        budget.acquire(a, 1, NO_OP, true);
        assertThatThrownBy(() -> budget.acquire(a, 1, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessageStartingWith("stream share of the buffer full: ")
                .hasMessageContaining("1 of 1 records of stream share");
    }

    @Test
    void whenTheTotalRecordBoundIsFullTheShareGivesBackWhatItTook() {
        BufferBudget budget = new BufferBudget(1000, 2, 1000, 2, BufferFullPolicy.FAIL, Duration.ZERO);
        Share a = budget.newShare();
        Share b = budget.newShare();
        budget.acquire(a, 10, NO_OP, true);
        budget.acquire(a, 10, NO_OP, true);
        assertThatThrownBy(() -> budget.acquire(b, 10, NO_OP, true)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("2 of 2 records (maxBufferedRecords)");
        assertThat(b.usedRecords()).isZero();
        assertThat(b.usedBytes()).isZero();
        assertThat(b.isEmpty()).isTrue();
        assertThat(budget.usedRecords()).isEqualTo(2);
        assertThat(budget.usedBytes()).isEqualTo(20);
    }

    @Test
    void emptyRecordsGiveTheirRecordRoomBack() {
        BufferBudget budget = new BufferBudget(100, 2, BufferFullPolicy.FAIL, Duration.ZERO);
        budget.acquire(0, NO_OP);
        budget.acquire(0, NO_OP);
        budget.release(1, 0);
        assertThat(budget.usedRecords()).isEqualTo(1);
        budget.acquire(0, NO_OP);
        assertThat(budget.usedRecords()).isEqualTo(2);
    }

    @Test
    void aRecordExactlyTheSizeOfABoundIsRefusedForNowNotForever() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(1, NO_OP);
        assertThatThrownBy(() -> budget.acquire(100, NO_OP, false)).isInstanceOf(BufferFullException.class)
                .hasMessageNotContaining("can never fit").hasMessageContaining("may not wait");

        BufferBudget shared = new BufferBudget(1000, 10, 300, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share share = shared.newShare();
        shared.acquire(share, 1, NO_OP, true);
        assertThatThrownBy(() -> shared.acquire(share, 300, NO_OP, false)).isInstanceOf(BufferFullException.class)
                .hasMessageNotContaining("can never fit").hasMessageContaining("may not wait");
    }

    @Test
    void aRecordAsLargeAsTheWholeBufferButLargerThanItsShareNamesTheShare() {
        BufferBudget budget = new BufferBudget(1000, 10, 300, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        assertThatThrownBy(() -> budget.acquire(budget.newShare(), 1000, NO_OP, true))
                .isInstanceOf(BufferFullException.class)
                .hasMessage("buffer full: a record of 1000 bytes can never fit: a stream's share of the buffer holds"
                        + " at most 300 bytes (maxStreamBufferShare)");
    }

    @Test
    void blockWithAMaxBlockTimeOfZeroRefusesAtOnceAndSaysWhy() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ZERO);
        budget.acquire(100, NO_OP);
        AtomicLong blocked = new AtomicLong(-1);
        assertThatThrownBy(() -> budget.acquire(1, blocked::set)).isInstanceOf(BufferFullException.class)
                .hasMessageEndingWith("; bufferFullPolicy BLOCK with maxBlockTime 0");
        assertThat(blocked).as("no wait was reported").hasValue(-1);
        assertThat(budget.waitingPuts()).isZero();
    }

    @Test
    void aPutMayNotTakeShareRoomThatAnEarlierPutOfItsStreamIsWaitingFor() throws Exception {
        BufferBudget budget = new BufferBudget(1000, 100, 30, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share stream = budget.newShare();
        budget.acquire(stream, 20, NO_OP, true);
        CompletableFuture<Long> first = waitingPut(budget, stream, 20);

        // An empty record needs no bytes, and the share has records to spare: it still waits its turn.
        assertThatThrownBy(() -> budget.acquire(stream, 0, NO_OP, false)).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("1 waiting puts are ahead of it (served in arrival order)");
        assertThat(stream.usedRecords()).as("the waiter's record and the held one").isEqualTo(2);

        budget.release(stream, 1, 20);
        assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.acquire(stream, 0, NO_OP, false)).isZero();
    }

    @Test
    void aPutMayNotTakeTotalRoomThatAnEarlierPutOfAnotherStreamIsWaitingFor() throws Exception {
        BufferBudget budget = new BufferBudget(100, 100, 100, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share held = budget.newShare();
        budget.acquire(held, 90, NO_OP, true);
        CompletableFuture<Long> big = waitingPut(budget, budget.newShare(), 20);

        Share other = budget.newShare();
        assertThatThrownBy(() -> budget.acquire(other, 0, NO_OP, false)).isInstanceOf(BufferFullException.class)
                .hasMessage("buffer full: a record of 0 bytes does not fit; 2 of 100 records (maxBufferedRecords) and"
                        + " 100 of 100 bytes (maxBufferedBytes) in use; 1 waiting puts are ahead of it (served in"
                        + " arrival order); a put on a producer thread (a future's callback) may not wait");
        assertThat(other.isEmpty()).isTrue();

        budget.release(held, 1, 90);
        assertThat(big.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(budget.acquire(other, 0, NO_OP, false)).isZero();
    }

    @Test
    void aWaiterThatGivesUpPassesItsShareRoomToTheNextPutOfItsStream() throws Exception {
        BufferBudget budget = new BufferBudget(1000, 100, 30, 100, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        Share stream = budget.newShare();
        for (int i = 0; i < 3; i++) {
            budget.acquire(stream, 10, NO_OP, true);
        }
        Thread[] bigThread = new Thread[1];
        CompletableFuture<Long> big = waitingPut(budget, stream, 30, bigThread);
        CompletableFuture<Long> small = waitingPut(budget, stream, 10);
        budget.release(stream, 1, 10); // the big one, at the head of the stream's line, gathers these 10
        assertThat(stream.usedBytes()).isEqualTo(30);
        assertThat(small).isNotDone();

        bigThread[0].interrupt();
        assertThatThrownBy(() -> big.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PutInterruptedException.class);
        // What the big one gave back goes to the small one at once, with no other release.
        assertThat(small.get(GUARD_SECONDS, TimeUnit.SECONDS)).isPositive();
        assertThat(stream.usedBytes()).isEqualTo(30);
        assertThat(stream.usedRecords()).isEqualTo(3);
    }

    @Test
    void theWaitReportedIsNoLongerThanTheCallTook() throws Exception {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMinutes(1));
        budget.acquire(100, NO_OP);
        AtomicLong reported = new AtomicLong();
        AtomicLong callNanos = new AtomicLong();
        CompletableFuture<Long> waited = new CompletableFuture<>();
        start(() -> {
            long start = System.nanoTime();
            long w = budget.acquire(10, reported::set, true);
            callNanos.set(System.nanoTime() - start);
            waited.complete(w);
        });
        awaitTrue(() -> budget.waitingPuts() == 1, "the put to wait");
        budget.release(100);
        long w = waited.get(GUARD_SECONDS, TimeUnit.SECONDS);
        assertThat(w).isPositive().isLessThanOrEqualTo(callNanos.get());
        assertThat(reported.get()).isEqualTo(w);
    }

    @Test
    void theWaitOfAPutThatGaveUpIsReportedAndNamedNoLongerThanTheCallTook() {
        BufferBudget budget = new BufferBudget(100, 10, BufferFullPolicy.BLOCK, Duration.ofMillis(5));
        budget.acquire(100, NO_OP);
        AtomicLong reported = new AtomicLong();
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            budget.acquire(10, reported::set);
        } catch (BufferFullException e) {
            thrown = e;
        }
        long callNanos = System.nanoTime() - start;
        assertThat(thrown).isNotNull();
        assertThat(reported.get()).isPositive().isLessThanOrEqualTo(callNanos);
        Matcher m = Pattern.compile("gave up after waiting (\\d+) ms").matcher(thrown.getMessage());
        assertThat(m.find()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(TimeUnit.NANOSECONDS.toMillis(callNanos));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private CompletableFuture<Long> waitingPut(BufferBudget budget, Share share, int size) throws InterruptedException {
        return waitingPut(budget, share, size, new Thread[1]);
    }

    /** Starts a put on its own thread (kept in {@code thread[0]}) and returns once it waits in line. */
    private CompletableFuture<Long> waitingPut(BufferBudget budget, Share share, int size, Thread[] thread)
            throws InterruptedException {
        int before = budget.waitingPuts();
        CompletableFuture<Long> result = new CompletableFuture<>();
        thread[0] = start(() -> {
            try {
                result.complete(budget.acquire(share, size, NO_OP, true));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        awaitTrue(() -> budget.waitingPuts() == before + 1 || result.isDone(), "the put to wait");
        assertThat(result).as("a put expected to wait").isNotDone();
        return result;
    }

    private Thread start(Runnable body) {
        Thread t = new Thread(body, "budget-edge-test");
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited too long for " + what).isNegative();
            Thread.sleep(1);
        }
    }
}
