package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import io.github.resilience4j.core.IntervalFunction;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Races and corner cases of the producer's fault handling that a second adversarial review found
 * broken in an earlier version, one test each (each comment says which promise broke and how):
 * records failed by a close that gave up on the sender are never sent, a normal close does not
 * interrupt callbacks, overdue calls are cancelled or withheld, streams take turns, retry sets cost
 * no scan, records that failed together stay together. Driven by hand on the manual ticker where
 * possible; real threads only where the defect lives between threads, every wait bounded.
 */
@Timeout(60)
class ProducerRacesTest {

    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private static final long LINGER_NANOS = LINGER.toNanos();
    private static final long T0 = 1_000_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).run();
            } catch (RuntimeException e) {
                // best effort
            }
        }
    }

    private ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(BACKOFF))
                .deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10));
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 20; i++) {
            sender.runOnce();
        }
    }

    private static CompletableFuture<PutRecordBatchResponse> failed(String code, int status) {
        return CompletableFuture.failedFuture(new CompletionException(FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg").build()).build()));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, t) -> t).join();
    }

    private static ProducerEntry entry(String stream, long now) {
        return new ProducerEntry(stream, Record.builder().data(SdkBytes.fromByteArrayUnsafe(new byte[1])).build(),
                1, now, now + TimeUnit.MINUTES.toNanos(2), new FlushTracker().enter());
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(20, TimeUnit.SECONDS)).as(what).isTrue();
    }

    /** Waits for a condition on real time, at most 20 s. */
    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end < 0).as("timed out waiting: " + what).isTrue();
            Thread.sleep(5);
        }
    }

    /** Waits on a latch, ignoring interrupts (a callback that keeps its thread busy), at most 20 s. */
    private static boolean awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (latch.getCount() > 0 && System.nanoTime() - end < 0) {
            try {
                latch.await(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    // ---- 1. Sender.failPending from the closing thread vs the sender thread ------------------------

    /**
     * README: a record that fails with {@code mayBeDuplicated() == false} was never sent ("Firehose
     * may store a record twice only when ..."); the fix "records failed as never sent are never
     * sent". When close runs out of time while the sender thread is held in an application callback,
     * the closing thread fails the waiting records with ProducerClosedException(mayBeDuplicated ==
     * false) but leaves them in the accumulator. When the callback returns, the sender finishes its
     * round: drain() takes the already-failed records (take() never looks at isSettled) and
     * dispatches them; the request pool has been shut down, so RequestThreads.execute runs the call on
     * the sender thread, and the client receives the records. An application that re-puts its
     * "never sent" failures stores them twice, unflagged.
     */
    @Test
    void aRecordFailedAsNeverSentByACloseThatGaveUpOnTheSenderIsNotSentAfterwards() throws Exception {
        CompletableFuture<PutRecordBatchResponse> hung = new CompletableFuture<>();
        client.behaviour = request -> request.deliveryStreamName().equals("a") ? hung
                : FakeFirehoseClient.acceptAll(request);
        RequestThreads threads = RequestThreads.pool("second-review-stuck", 2);
        DefaultFirehoseProducer p = new DefaultFirehoseProducer(null, client, false,
                config().deliveryTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(2)).build(),
                ticker, threads);
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(release::countDown);
        p.start();

        CompletableFuture<PutResult> a = p.put("a", "x");                 // deadline T0 + 5 s
        CountDownLatch inCallback = new CountDownLatch(1);
        a.whenComplete((r, t) -> {
            inCallback.countDown();
            awaitUninterruptibly(release);                                 // a slow application callback
        });
        ticker.advance(LINGER);
        awaitTrue(() -> client.requests.size() == 1, "a's request sent (and hung)");
        CompletableFuture<PutResult> b = p.put("b", "y");                 // deadline T0 + 5.1 s
        // One step: a's deadline passes (failed in flight, its callback holds the sender) in the same
        // round in which b, lingered, is ready to go.
        ticker.advance(Duration.ofSeconds(5).minus(LINGER));
        await(inCallback, "a failed at its deadline, its callback runs on the sender thread");

        p.close(Duration.ofMillis(100));                                   // gives up on the stuck sender
        assertThat(failure(b)).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.mayBeDuplicated()).as("b said never sent").isFalse());

        release.countDown();                                               // the callback returns
        assertThat(p.sender().awaitTermination(Duration.ofSeconds(20))).isTrue();

        assertThat(client.sentData()).as("records sent after close failed them as never sent")
                .doesNotContain("y");
    }

    // ---- 2. Sender.abandonInFlight: a normal close interrupts a callback -------------------------

    /**
     * README: close interrupts the request threads only when it runs out of time ("Within the margin
     * it fails what is pending, stops the sender and interrupts the request threads"). Settler.succeed
     * claims a response's records before it completes their futures, so while an application callback
     * of an acknowledged record runs on a request thread, the sender already sees every record in
     * flight settled: a plain close() then "abandons" the request being handled
     * (abandonedRequests = true), and shutdownNow() interrupts the request thread inside the
     * application's callback, with all the time in the world left.
     */
    @Test
    void aNormalCloseDoesNotInterruptACallbackOfAnAcknowledgedRecord() throws Exception {
        FirehoseProducer started = FirehoseProducer.builder().deliveryStreamName("s").client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(1)).build()).build();
        CountDownLatch release = new CountDownLatch(1);
        cleanups.add(() -> started.close(Duration.ofMillis(200)));
        cleanups.add(release::countDown);
        CountDownLatch inCallback = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean callbackDone = new AtomicBoolean();
        CompletableFuture<PutResult> f = started.put("x");
        f.whenComplete((r, t) -> {
            inCallback.countDown();
            try {
                release.await(2, TimeUnit.SECONDS);                        // the application's work
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            callbackDone.set(true);
        });
        await(inCallback, "the acknowledged record's callback runs on a request thread");

        started.close(Duration.ofSeconds(10));

        assertThat(interrupted.get()).as("callback interrupted by a close that had 10 s left").isFalse();
        assertThat(callbackDone.get()).isTrue();
    }

    // ---- 3. close from a callback on a request thread ---------------------------------------------

    /**
     * The fix: "overdue client calls (API call timeout + 5 s) are cancelled ... so that its slot is
     * freed". With a synchronous client (BlockingFirehoseClient: the path of the client the producer
     * builds itself, and of createOnSyncClient) the call runs on the request thread and the future is
     * only known when the call returns: cancel() just sets a flag, nothing interrupts the thread, and
     * the request keeps its slot (q.inFlight / totalInFlight) for as long as the client blocks.
     */
    @Test
    void anOverdueCallOfTheSynchronousClientIsCancelledAndFreesItsSlot() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch called = new CountDownLatch(1);
        cleanups.add(release::countDown);
        FirehoseClient sync = new FirehoseClient() {
            @Override
            public software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse putRecordBatch(
                    PutRecordBatchRequest request) {
                called.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);                   // ignores its API call timeout
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
                return FakeFirehoseClient.acceptAll(request).join();
            }

            @Override
            public String serviceName() {
                return "firehose";
            }

            @Override
            public void close() {
            }
        };
        RequestThreads threads = RequestThreads.perRequest("second-review-sync", 2);
        DefaultFirehoseProducer p = new DefaultFirehoseProducer("s", new BlockingFirehoseClient(sync), false,
                config().requestTimeout(Duration.ofSeconds(1)).build(), ticker, threads);
        cleanups.add(() -> p.close(Duration.ZERO));
        cleanups.add(threads::shutdownNow);
        Sender sender = p.sender();
        p.put("x");
        ticker.advance(LINGER);
        sender.runOnce();
        await(called, "the request thread is inside the client call");
        assertThat(p.accumulator().totalInFlight()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(1).plusNanos(Sender.OVERDUE_GRACE_NANOS).plusMillis(1));
        sender.runOnce();                                                  // overdue: cancelled
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (p.accumulator().totalInFlight() > 0 && System.nanoTime() - end < 0) {
            sender.runOnce();
            Thread.sleep(10);
        }

        assertThat(p.accumulator().totalInFlight()).as("requests in flight 3 s after the overdue call was cancelled")
                .isZero();
    }

    // ---- 5. Overdue cancel of a request still waiting for a request thread ------------------------

    /**
     * Before the fix, RequestHandler.call did not send a cancelled request; now only a withheld one is
     * skipped. An overdue request still waiting for a request thread is "cancelled" (a flag; it has no
     * future yet) but not withheld: when a thread frees up it is handed to the client anyway, and only
     * then cancelled. The attempt is burnt and, the cancel being ambiguous, its records are flagged
     * mayBeDuplicated, although nothing needed to be sent at all: withholding it would retry them
     * unflagged.
     */
    @Test
    void anOverdueRequestThatNeverReachedARequestThreadIsNotSent() throws Exception {
        RequestThreads threads = RequestThreads.pool("second-review-queued", 1);
        CountDownLatch busy = new CountDownLatch(1);
        cleanups.add(busy::countDown);
        cleanups.add(threads::shutdownNow);
        threads.execute(() -> {
            try {
                busy.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        client.behaviour = request -> new CompletableFuture<>();          // a call that would hang
        DefaultFirehoseProducer p = new DefaultFirehoseProducer("s", client, false,
                config().requestTimeout(Duration.ofSeconds(1)).build(), ticker, threads);
        cleanups.add(() -> p.close(Duration.ZERO));
        Sender sender = p.sender();
        p.put("x");
        ticker.advance(LINGER);
        sender.runOnce();                                                  // waits for the request thread
        ticker.advance(Duration.ofSeconds(1).plusNanos(Sender.OVERDUE_GRACE_NANOS).plusMillis(1));
        sender.runOnce();                                                  // overdue: cancelled

        busy.countDown();
        CountDownLatch drained = new CountDownLatch(1);
        threads.execute(drained::countDown);
        await(drained, "the request thread ran the queued request");

        assertThat(client.requests).as("requests handed to the client after they were cancelled").isEmpty();
    }

    // ---- 6. RecordAccumulator.drain: turns ------------------------------------------------------------

    /**
     * README: "streams take turns for free request slots". The turn advances once per drain() call,
     * not once per slot handed out: when the sender runs two rounds per freed slot (one that sends,
     * one woken by a put or a timer that finds no slot), the start index keeps its parity, and with two
     * busy streams and one free slot at a time, the same stream gets every slot.
     */
    @Test
    void streamsTakeTurnsWhenTheSenderRunsAnEmptyRoundBetweenSlots() {
        RecordAccumulator acc = new RecordAccumulator(1, ProducerConfig.MAX_BATCH_BYTES, LINGER_NANOS, 0, 1,
                Long.MAX_VALUE / 4, null, now -> new RateController(1, false, 0, 0, 0, now), stream -> { });
        for (String stream : List.of("a", "b")) {
            for (int i = 0; i < 500; i++) {
                acc.append(entry(stream, T0));
            }
        }
        Deque<String> inFlight = new ArrayDeque<>();
        for (Batch b : acc.drain(T0)) {
            inFlight.add(b.stream());
        }
        Map<String, Integer> sent = new TreeMap<>(Map.of("a", 0, "b", 0));
        for (int step = 0; step < 200; step++) {
            acc.requestCompleted(inFlight.poll());
            for (Batch b : acc.drain(T0)) {
                inFlight.add(b.stream());
                sent.merge(b.stream(), 1, Integer::sum);
            }
            assertThat(acc.drain(T0)).isEmpty();                          // a round with no free slot
        }

        assertThat(sent).as("slots handed out to two equally busy streams")
                .allSatisfy((stream, n) -> assertThat(n).as("stream " + stream).isGreaterThan(50));
    }

    // ---- 7. RecordAccumulator: O(log n) per record --------------------------------------------------

    /** Counts the elements that size() walks (ConcurrentSkipListSet.size() is a full traversal). */
    static final class CountingSkipListSet extends ConcurrentSkipListSet<ProducerEntry> {
        final AtomicLong walked = new AtomicLong();

        CountingSkipListSet(Comparator<? super ProducerEntry> order) {
            super(order);
        }

        @Override
        public int size() {
            int n = super.size();
            walked.addAndGet(n);
            return n;
        }
    }

    /**
     * README: "Retries are kept in heaps by retry time and by deadline, so a throttled stream with a
     * long backlog costs O(log n) per record and no scan per round." requeue() and expire() set
     * {@code retryRecords = q.retries.size()} after every record, and ConcurrentSkipListSet.size() walks
     * the whole set: requeueing or expiring n records costs O(n^2) (20,000 records: 400 million steps
     * on the sender thread, which all streams share).
     */
    @Test
    void requeueingAndExpiringABacklogCostsNoScanPerRecord() throws Exception {
        RecordAccumulator acc = new RecordAccumulator(500, ProducerConfig.MAX_BATCH_BYTES, LINGER_NANOS,
                r -> new RateController(10, false, 0, 0, 0, r));
        ProducerEntry first = entry("s", T0);
        acc.append(first);
        RecordAccumulator.StreamQueue q = acc.queues().get("s");
        Field retriesField = RecordAccumulator.StreamQueue.class.getDeclaredField("retries");
        retriesField.setAccessible(true);
        CountingSkipListSet counting = new CountingSkipListSet(q.retries.comparator());
        retriesField.set(q, counting);
        acc.expire(T0 + TimeUnit.MINUTES.toNanos(3));                     // drop the fresh one
        int n = 5_000;
        List<ProducerEntry> backlog = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            backlog.add(entry("s", T0));
        }

        acc.requeue(backlog, T0 + TimeUnit.SECONDS.toNanos(1));
        acc.expire(T0 + TimeUnit.MINUTES.toNanos(3));                     // the whole backlog times out

        assertThat(counting).isEmpty();
        assertThat(counting.walked.get()).as("elements walked by size() to requeue and expire %d records", n)
                .isLessThanOrEqualTo(20L * n);
    }

    // ---- 8. Sender.retryOrFail: records that failed together retry together ----------------------

    /**
     * README: "Records that failed together ... are retried together, at one retry time". The fix
     * for early delivery timeouts sends every member whose deadline comes before the group's retry
     * time back alone, at its own jittered time: ten older records that failed with a fresher one go
     * out in ten one-record requests, although all ten could go together at the latest of their own
     * retry times (190 ms away, 850 ms before any of their deadlines).
     */
    @Test
    void olderRecordsThatFailedTogetherWithAFresherOneStillRetryTogether() {
        ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 10; i++) {
            waits.add(29_000L);
        }
        for (int i = 0; i < 10; i++) {
            waits.add(100L + 10L * i);                                     // the old ones, jittered
        }
        waits.add(5_000L);                                                 // the fresh one
        DefaultFirehoseProducer p = new DefaultFirehoseProducer("s", client, false,
                config().deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofMillis(100))
                        .retryInterval(attempt -> waits.isEmpty() ? 100L : waits.poll()).build(), ticker);
        cleanups.add(() -> p.close(Duration.ZERO));
        Sender sender = p.sender();
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            int call = calls.getAndIncrement();
            if (call == 0) {
                return CompletableFuture.completedFuture(FakeFirehoseClient.response(request.records().stream()
                        .map(r -> FakeFirehoseClient.error("InternalFailure", "internal")).toList()));
            }
            return call == 1 ? failed("InternalFailure", 500) : FakeFirehoseClient.acceptAll(request);
        };
        List<CompletableFuture<PutResult>> old = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            old.add(p.put("old" + i));                                     // deadlines T + 30 s
        }
        ticker.advance(LINGER);
        settle(sender);                                                    // all fail; retry in 29 s
        ticker.advance(Duration.ofSeconds(29).minus(Duration.ofMillis(50)));
        p.put("fresh");
        ticker.advance(Duration.ofMillis(50));
        settle(sender);
        ticker.advance(Duration.ofMillis(50));
        settle(sender);                                                    // 10 old + fresh fail with a 500
        assertThat(client.requests).hasSize(2);
        assertThat(client.requests.get(1).records()).hasSize(11);

        for (int i = 0; i < 30; i++) {                                     // 300 ms, the sender's wake-ups
            ticker.advance(Duration.ofMillis(10));
            settle(sender);
        }

        assertThat(old).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(client.requests.subList(2, client.requests.size())).extracting(r -> r.records().size())
                .as("requests that retried the 10 records that had failed together").containsExactly(10);
    }
}
