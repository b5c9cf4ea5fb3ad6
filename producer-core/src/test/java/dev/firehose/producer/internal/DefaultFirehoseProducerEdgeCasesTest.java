package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.FirehoseProducerException;
import dev.firehose.producer.InvalidStreamNameException;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordTooLargeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * The facade's checks and its lifecycle at the edges: every character class of a stream name, the
 * put forms after close, a flush that ends, a blocked put heard of by listeners or overtaken by a
 * close, a close of a producer that never started or whose caller is interrupted. Most tests drive
 * the sender by hand on a manual ticker; those that need the real threads say so.
 */
@Timeout(30)
class DefaultFirehoseProducerEdgeCasesTest {

    private static final Duration LINGER = Duration.ofMillis(100);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private FirehoseProducer producer;

    private DefaultFirehoseProducer byHand(ProducerConfig config) {
        DefaultFirehoseProducer p = new DefaultFirehoseProducer("s", client, false, config, ticker);
        producer = p;
        return p;
    }

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER);
    }

    @AfterEach
    void close() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private static void rounds(Sender sender) {
        for (int i = 0; i < 10; i++) {
            sender.runOnce();
        }
    }

    @Test
    void aStreamNameMayHoldEveryLetterDigitAndTheThreeMarksButNothingNextToThem() {
        for (String ok : List.of("a", "z", "A", "Z", "0", "9", "_", ".", "-", "azAZ09_.-")) {
            assertThat(DefaultFirehoseProducer.checkStreamName(ok)).isEqualTo(ok);
        }
        for (String bad : List.of("`", "{", "@", "[", "/", ":", " ", "é", "a+b", "s/t")) {
            assertThatThrownBy(() -> DefaultFirehoseProducer.checkStreamName(bad))
                    .as("'%s'", bad).isInstanceOf(InvalidStreamNameException.class);
        }
    }

    @Test
    void aStreamsShareOfABoundIsTheShareButAtLeastOneBatchAndAtMostTheBound() {
        assertThat(DefaultFirehoseProducer.streamBound(32L << 20, 4L << 20, 0.25)).isEqualTo(8L << 20);
        assertThat(DefaultFirehoseProducer.streamBound(20_000, 500, 0.25)).isEqualTo(5_000);
        assertThat(DefaultFirehoseProducer.streamBound(1_000, 500, 0.25)).isEqualTo(500);
        assertThat(DefaultFirehoseProducer.streamBound(400, 500, 0.25)).isEqualTo(400);
        assertThat(DefaultFirehoseProducer.streamBound(1_000, 1, 1.0)).isEqualTo(1_000);
    }

    @Test
    void everyPutFormIsRefusedAfterCloseBeforeTakingAnyRoom() {
        DefaultFirehoseProducer p = byHand(config().build());
        p.close(Duration.ZERO);
        List<Runnable> puts = List.of(() -> p.put("x"), () -> p.put(new byte[1]), () -> p.put(ByteBuffer.allocate(1)),
                () -> p.put("s", "x"), () -> p.put("s", new byte[1]), () -> p.put("s", ByteBuffer.allocate(1)));
        for (Runnable put : puts) {
            assertThatThrownBy(put::run).isExactlyInstanceOf(PutAfterCloseException.class)
                    .isInstanceOf(FirehoseProducerException.class)
                    .hasMessage("producer " + p + " is closed; put is no longer accepted");
        }
        assertThat(p.stats().total().recordsPut()).isZero();
        assertThat(p.accumulator().queues()).isEmpty();
    }

    @Test
    void aByteBufferPutIsCheckedLikeTheOthers() {
        DefaultFirehoseProducer p = byHand(config().build());
        assertThatThrownBy(() -> p.put("bad name", ByteBuffer.allocate(1)))
                .isInstanceOf(InvalidStreamNameException.class);
        assertThatThrownBy(() -> p.put("s", ByteBuffer.allocate(ProducerConfig.MAX_RECORD_BYTES + 1)))
                .isInstanceOf(RecordTooLargeException.class);
        assertThat(p.stats().total().recordsPut()).isZero();
    }

    @Test
    void recordsPutAfterAFlushHasCompletedWaitForTheLingerAgain() {
        DefaultFirehoseProducer p = byHand(config().build());
        assertThat(p.flush()).as("nothing pending").isCompleted();
        CompletableFuture<PutResult> first = p.put("first");
        CompletableFuture<Void> flushed = p.flush();
        rounds(p.sender());
        assertThat(first).isCompleted();
        assertThat(flushed).isCompleted();

        CompletableFuture<PutResult> second = p.put("second");
        rounds(p.sender());
        assertThat(second).as("sent without its linger: the flush was never ended").isNotDone();
        ticker.advance(LINGER);
        rounds(p.sender());
        assertThat(second).isCompleted();
        assertThat(client.requests).hasSize(2);
    }

    @Test
    void removingAListenerThatWasNeverAddedSaysSo() {
        DefaultFirehoseProducer p = byHand(config().build());
        ProducerListener listener = new ProducerListener() { };
        assertThat(p.removeListener(listener)).isFalse();
        p.addListener(listener);
        assertThat(p.removeListener(listener)).isTrue();
        assertThat(p.removeListener(listener)).isFalse();
    }

    @Test
    void aPutThatHadToWaitForRoomIsCountedAndHeardOf() throws Exception {
        DefaultFirehoseProducer p = byHand(config().maxBatchRecords(1).maxBufferedRecords(1)
                .maxStreamBufferShare(1.0).maxBlockTime(Duration.ofMinutes(1)).build());
        List<String> blockedStreams = new CopyOnWriteArrayList<>();
        List<Duration> blockedFor = new CopyOnWriteArrayList<>();
        p.addListener(new ProducerListener() {
            @Override
            public void onPutBlocked(String stream, Duration blocked) {
                blockedStreams.add(stream);
                blockedFor.add(blocked);
            }
        });
        CompletableFuture<PutResult> a = p.put("a");
        AtomicReference<CompletableFuture<PutResult>> b = new AtomicReference<>();
        Thread putter = new Thread(() -> b.set(p.put("b")), "blocked-putter");
        putter.start();
        awaitWaiting(putter);

        rounds(p.sender());
        putter.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(a).isCompleted();
        assertThat(b.get()).isNotNull();
        assertThat(blockedStreams).containsExactly("s");
        assertThat(blockedFor).singleElement().satisfies(d -> assertThat(d).isPositive());
        assertThat(p.stats().putsBlocked()).isEqualTo(1);
    }

    @Test
    void aCloseWhileAPutWaitsForRoomRefusesThatPutAsClosedNotAsAdmitted() throws Exception {
        DefaultFirehoseProducer p = byHand(config().maxBatchRecords(1).maxBufferedRecords(1)
                .maxStreamBufferShare(1.0).maxBlockTime(Duration.ofMinutes(1)).build());
        CompletableFuture<PutResult> a = p.put("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                p.put("b");
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "blocked-putter");
        putter.start();
        awaitWaiting(putter);

        // Closing fails "a", which frees its room: the waiting put must not get it.
        p.close(Duration.ZERO);
        putter.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(thrown.get()).isExactlyInstanceOf(PutAfterCloseException.class)
                .isInstanceOf(FirehoseProducerException.class)
                .hasMessageStartingWith("producer closed while put waited for buffer space (a record of 1 bytes,");
        assertThat(a).isCompletedExceptionally();
        assertThat(p.stats().total().recordsPut()).isEqualTo(1);
    }

    @Test
    void aPutThatTheProducerClosedUnderGivesItsRoomBack() throws Exception {
        DefaultFirehoseProducer p = byHand(config().maxBatchRecords(1).maxBufferedRecords(1)
                .maxStreamBufferShare(1.0).maxBlockTime(Duration.ofMinutes(1)).build());
        // The blocked put's own listener closes the producer after the put got its room, before
        // it is appended: the put is refused, and the room it had goes back.
        p.addListener(new ProducerListener() {
            @Override
            public void onPutBlocked(String stream, Duration blocked) {
                p.close(Duration.ZERO);
            }
        });
        p.put("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                p.put("b");
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "blocked-putter");
        putter.start();
        awaitWaiting(putter);
        rounds(p.sender());
        putter.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(thrown.get()).isExactlyInstanceOf(PutAfterCloseException.class)
                .isInstanceOf(FirehoseProducerException.class)
                .hasMessage("producer " + p + " closed while put was in progress");
        BufferBudget.Share share = p.accumulator().queues().get("s").share;
        assertThat(share.usedRecords()).isZero();
        assertThat(share.usedBytes()).isZero();
        assertThat(p.stats().total().recordsPut()).isEqualTo(1);
    }

    @Test
    void closingAProducerWhoseSenderNeverStartedFailsWhatIsPendingAndLogsItsTotals() {
        Logger logger = (Logger) LoggerFactory.getLogger(DefaultFirehoseProducer.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            DefaultFirehoseProducer p = byHand(config().build());
            CompletableFuture<PutResult> pending = p.put("x");
            p.close(Duration.ofSeconds(20));
            producer = null;
            assertThat(pending).isCompletedExceptionally();
            assertThat(pending.handle((r, t) -> t).join()).isInstanceOf(ProducerClosedException.class);
            assertThat(appender.list).extracting(ILoggingEvent::getLevel).doesNotContain(Level.ERROR);
            assertThat(appender.list).extracting(ILoggingEvent::getMessage).contains("Firehose producer closed");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void theSenderThreadOfAStartedProducerIsADaemon() {
        producer = FirehoseProducer.builder().deliveryStreamName("s").client(client).config(config().build()).build();
        List<Thread> senders = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(producer.toString() + "-sender")).toList();
        assertThat(senders).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());
    }

    @Test
    void aCloseWhoseCallerIsInterruptedFailsWhatIsPendingAndKeepsTheInterrupt() throws Exception {
        client.behaviour = request -> new CompletableFuture<>();
        producer = FirehoseProducer.builder().deliveryStreamName("s").client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(1)).build()).build();
        CompletableFuture<PutResult> sent = producer.put("sent");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.requests.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(client.requests).hasSize(1);

        Thread.currentThread().interrupt();
        producer.close(Duration.ofMinutes(1));
        boolean interrupted = Thread.interrupted();
        FirehoseProducer closed = producer;
        producer = null;

        assertThat(interrupted).as("the caller's interrupt is kept").isTrue();
        assertThat(sent.handle((r, t) -> t).join()).isInstanceOfSatisfying(ProducerClosedException.class,
                e -> assertThat(e.mayBeDuplicated()).isTrue());
        assertThat(closed.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void aSyncClientTheProducerOwnsIsClosedIfTheProducerCannotBeBuilt() {
        ClosableSyncClient owned = new ClosableSyncClient();
        assertThatThrownBy(() -> DefaultFirehoseProducer.createOnSyncClient("bad name", owned, true,
                config().build())).isInstanceOf(InvalidStreamNameException.class);
        assertThat(owned.closed).isTrue();

        ClosableSyncClient borrowed = new ClosableSyncClient();
        assertThatThrownBy(() -> DefaultFirehoseProducer.createOnSyncClient("bad name", borrowed, false,
                config().build())).isInstanceOf(InvalidStreamNameException.class);
        assertThat(borrowed.closed).isFalse();
    }

    @Test
    void aNormalCloseOfAStartedProducerLogsItsTotalsAndNoError() {
        Logger logger = (Logger) LoggerFactory.getLogger(DefaultFirehoseProducer.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName("s").client(client)
                    .config(config().build()).build();
            CompletableFuture<PutResult> f = p.put("x");
            p.flush().join();
            p.close(Duration.ofSeconds(10));
            assertThat(f.join().recordId()).isEqualTo("id-x");
            // This producer's lines only: another test's threads may still be winding down.
            List<ILoggingEvent> mine = appender.list.stream().filter(e -> e.getKeyValuePairs() != null
                    && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("producer")
                            && p.toString().equals(kv.value))).toList();
            assertThat(mine).extracting(ILoggingEvent::getLevel).doesNotContain(Level.ERROR);
            assertThat(mine).extracting(ILoggingEvent::getMessage).contains("Firehose producer closed");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aCloseThatGivesUpOnASenderStuckInACallbackInterruptsIt() throws Exception {
        client.behaviour = request -> CompletableFuture.failedFuture(
                software.amazon.awssdk.services.firehose.model.ResourceNotFoundException.builder()
                        .statusCode(400).message("no stream").build());
        producer = FirehoseProducer.builder().deliveryStreamName("s").client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(1)).build()).build();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        // Refused for good, the record fails on the sender thread, which runs this callback.
        producer.put("x").whenComplete((r, t) -> {
            callbackThread.set(Thread.currentThread().getName());
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callbackThread.get()).endsWith("-sender");
            producer.close(Duration.ofMillis(100));
            producer = null;
            // The interrupt comes before close returns; the interrupted thread may run a little later.
            assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the stuck sender thread was interrupted").isTrue();
        } finally {
            release.countDown();
        }
    }

    private static final class ClosableSyncClient implements FirehoseClient {
        volatile boolean closed;

        @Override
        public String serviceName() {
            return "firehose";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Waits until a putting thread waits for buffer room (the budget's timed wait). */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(t.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    }
}
