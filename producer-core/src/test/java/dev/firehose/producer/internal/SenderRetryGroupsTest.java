package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.PutResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * How the sender schedules records that failed together when their deadlines differ, how a close
 * gives up on requests whose records have all settled, and what happens to a request that is
 * overdue before any request thread took it. Driven by hand on a manual ticker.
 */
@Timeout(60)
class SenderRetryGroupsTest {

    private static final long T0 = 1_000_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private DefaultFirehoseProducer producer;

    @AfterEach
    void close() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 10; i++) {
            sender.runOnce();
        }
    }

    /** Moves the manual ticker to {@code T0 + offset}. */
    private void at(Duration offset) {
        long target = T0 + offset.toNanos();
        ticker.advance(Duration.ofNanos(target - ticker.read()));
    }

    private static List<String> data(PutRecordBatchRequest r) {
        return r.records().stream().map(x -> x.data().asUtf8String()).toList();
    }

    /** The first answer fails every entry; every later one acknowledges them all. */
    private void firstAnswerFailsEveryEntry() {
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            request.records().forEach(r -> entries.add(FakeFirehoseClient.error("InternalFailure", "internal")));
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
    }

    /**
     * Three records put 5 s apart with a delivery timeout of 30 s go in one request at T0 + 10 s and
     * fail together; the retry policy gives them the waits in {@code waitsMillis}, in put order.
     */
    private List<CompletableFuture<PutResult>> threeFailTogether(long... waitsMillis) {
        AtomicInteger asked = new AtomicInteger();
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder()
                .lingerTime(Duration.ofSeconds(20)).maxBatchRecords(3).deliveryTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(10))
                .retryInterval(attempt -> waitsMillis[Math.min(asked.getAndIncrement(), waitsMillis.length - 1)])
                .build(), ticker);
        firstAnswerFailsEveryEntry();
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        at(Duration.ZERO);
        fs.add(producer.put("a1"));
        at(Duration.ofSeconds(5));
        fs.add(producer.put("a2"));
        at(Duration.ofSeconds(10));
        fs.add(producer.put("b"));
        settle(producer.sender());
        assertThat(client.requests).hasSize(1);
        return fs;
    }

    /** Runs the sender at {@code T0 + seconds} and returns the requests sent at that moment. */
    private List<List<String>> sentAt(double seconds) {
        int before = client.requests.size();
        at(Duration.ofMillis((long) (seconds * 1000)));
        settle(producer.sender());
        return client.requests.subList(before, client.requests.size()).stream().map(SenderRetryGroupsTest::data)
                .toList();
    }

    @Test
    void recordsWhoseDeadlineComesBeforeTheGroupsRetryGoTogetherAtTheLatestOfTheirOwnTimes() {
        // a1 at T0 + 25 s (deadline 30), a2 at 28 s (deadline 35), b at 36 s: a1 and a2 cannot wait for b.
        List<CompletableFuture<PutResult>> fs = threeFailTogether(15_000, 18_000, 26_000);
        assertThat(sentAt(27.999)).isEmpty();
        assertThat(sentAt(28)).containsExactly(List.of("a1", "a2"));
        assertThat(sentAt(35.999)).isEmpty();
        assertThat(sentAt(36)).containsExactly(List.of("b"));
        assertThat(fs).allSatisfy(f -> assertThat(f.join().attempts()).isEqualTo(2));
    }

    @Test
    void aRecordWhoseDeadlineIsExactlyTheGroupsRetryTimeGoesOnItsOwn() {
        // b's retry at T0 + 30 s is a1's deadline: a1 goes at its own 25 s; a2 waits for b (and then
        // goes in a request of its own, being close to its deadline, as b is not).
        List<CompletableFuture<PutResult>> fs = threeFailTogether(15_000, 18_000, 20_000);
        assertThat(sentAt(24.999)).isEmpty();
        assertThat(sentAt(25)).containsExactly(List.of("a1"));
        assertThat(sentAt(29.999)).isEmpty();
        assertThat(sentAt(30)).containsExactly(List.of("a2"), List.of("b"));
        assertThat(fs).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(fs).noneMatch(CompletableFuture::isCompletedExceptionally);
    }

    @Test
    void earlyRecordsThatCannotAllWaitForTheLatestOfThemGoEachAtItsOwnTime() {
        // a1 at 25 s (deadline 30), a2 at 32 s (deadline 35), b at 36 s: a2's time is past a1's deadline.
        List<CompletableFuture<PutResult>> fs = threeFailTogether(15_000, 22_000, 26_000);
        assertThat(sentAt(25)).containsExactly(List.of("a1"));
        assertThat(sentAt(31.999)).isEmpty();
        assertThat(sentAt(32)).containsExactly(List.of("a2"));
        assertThat(sentAt(36)).containsExactly(List.of("b"));
        assertThat(fs).noneMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(fs).allMatch(CompletableFuture::isDone);
    }

    @Test
    void earlyRecordsWhoseLatestTimeIsExactlyTheEarliestOfTheirDeadlinesGoEachAtItsOwnTime() {
        // a1 at 25 s (deadline 30), a2 at 30 s (deadline 35), b at 36 s.
        List<CompletableFuture<PutResult>> fs = threeFailTogether(15_000, 20_000, 26_000);
        assertThat(sentAt(25)).containsExactly(List.of("a1"));
        assertThat(sentAt(30)).containsExactly(List.of("a2"));
        assertThat(sentAt(36)).containsExactly(List.of("b"));
        assertThat(fs).noneMatch(CompletableFuture::isCompletedExceptionally);
    }

    @Test
    void aGroupGoesAtTheLatestWaitGivenWhicheverRecordWasGivenIt() {
        long[] waits = {300, 100};
        AtomicInteger asked = new AtomicInteger();
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder()
                .lingerTime(Duration.ofMillis(100)).retryInterval(attempt -> waits[Math.min(asked.getAndIncrement(), 1)])
                .build(), ticker);
        firstAnswerFailsEveryEntry();
        producer.put("x");
        producer.put("y");
        ticker.advance(Duration.ofMillis(100));
        settle(producer.sender());
        ticker.advance(Duration.ofMillis(299));
        settle(producer.sender());
        assertThat(client.requests).hasSize(1);
        ticker.advance(Duration.ofMillis(1));
        settle(producer.sender());
        assertThat(client.requests).hasSize(2);
        assertThat(data(client.requests.get(1))).containsExactly("x", "y");
    }

    @Test
    void recordsThatAreNotRetriedAreNotReportedAsRetried() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder()
                .lingerTime(Duration.ofMillis(100)).build(), ticker);
        List<Integer> retried = new CopyOnWriteArrayList<>();
        producer.addListener(new ProducerListener() {
            @Override
            public void onRecordsRetried(String stream, int records) {
                retried.add(records);
            }
        });
        client.behaviour = request -> CompletableFuture.failedFuture(
                software.amazon.awssdk.services.firehose.model.ResourceNotFoundException.builder()
                        .statusCode(400).message("no stream").build());
        CompletableFuture<PutResult> f = producer.put("x");
        ticker.advance(Duration.ofMillis(100));
        settle(producer.sender());
        assertThat(f).isCompletedExceptionally();
        assertThat(retried).isEmpty();
        assertThat(producer.stats().total().recordsRetried()).isZero();
    }

    @Test
    void aClosingSenderGivesUpOnRequestsWhoseRecordsHaveAllSettledAndStops() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder()
                .lingerTime(Duration.ofMillis(100)).deliveryTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(60)).build(), ticker);
        Sender sender = producer.sender();
        CompletableFuture<PutRecordBatchResponse> never = new CompletableFuture<>();
        CompletableFuture<PutRecordBatchResponse> answer = new CompletableFuture<>();
        client.behaviour = request -> data(request).contains("expired") ? never : answer;
        CompletableFuture<PutResult> expired = producer.put("expired");
        ticker.advance(Duration.ofMillis(100));
        settle(sender);
        ticker.advance(Duration.ofSeconds(4));
        CompletableFuture<PutResult> pending = producer.put("pending");
        ticker.advance(Duration.ofMillis(100));
        settle(sender);
        ticker.advance(Duration.ofMillis(900));
        settle(sender);
        assertThat(expired.handle((r, t) -> t).join()).isInstanceOf(DeliveryTimeoutException.class);
        assertThat(producer.stats().total().requestsInFlight()).isEqualTo(2);

        sender.initiateClose();
        assertThat(sender.runOnce()).as("a record in flight is still pending").isNotNegative();
        assertThat(sender.abandonedRequests()).isFalse();
        assertThat(never).isNotCancelled();

        answer.complete(FakeFirehoseClient.acceptAll(client.requests.get(1)).join());
        assertThat(pending.join().recordId()).isEqualTo("id-pending");
        assertThat(sender.runOnce()).as("nothing left to wait for").isEqualTo(-1);
        assertThat(sender.abandonedRequests()).isTrue();
        assertThat(never).isCancelled();
        assertThat(producer.stats().total().requestsInFlight()).isZero();
        assertThat(producer.accumulator().totalInFlight()).isZero();
        assertThat(sender.isForceClosed()).isFalse();
    }

    @Test
    void aRequestOverdueBeforeAnyRequestThreadTookItIsNeverSentAndItsRecordsAreRetried() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        RequestThreads oneThread = RequestThreads.pool("overdue-test", 1);
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder()
                .lingerTime(Duration.ofMillis(100)).maxBatchRecords(1).deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(10)).retryInterval(attempt -> 200L).build(), ticker, oneThread);
        Sender sender = producer.sender();
        client.behaviour = request -> {
            if (data(request).contains("blocker")) {
                // Holds the only request thread, deaf to the interrupt of an overdue cancel.
                blocking.countDown();
                boolean interrupted = false;
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeFirehoseClient.acceptAll(request);
        };
        try {
            CompletableFuture<PutResult> blocker = producer.put("blocker");
            sender.runOnce();
            assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
            ticker.advance(Duration.ofMillis(1));
            CompletableFuture<PutResult> queued = producer.put("queued");
            sender.runOnce();
            assertThat(producer.stats().total().requestsInFlight()).isEqualTo(2);

            // 10 s of API call timeout and 5 s of grace after it was sent, "queued" still waits for the thread.
            ticker.advance(Duration.ofSeconds(15));
            assertThat(sender.runOnce()).as("sleeps until the retry of the withheld request's records")
                    .isEqualTo(Duration.ofMillis(200).toNanos());
            assertThat(queued).isNotDone();
            assertThat(producer.stats().total().requestsInFlight()).as("the blocker only").isEqualTo(1);
            assertThat(producer.accumulator().totalInFlight()).isEqualTo(1);
            assertThat(producer.stats().stream("s").recordsRetried()).isEqualTo(1);

            release.countDown();
            awaitTrue(() -> {
                sender.runOnce();
                return blocker.isDone();
            });
            ticker.advance(Duration.ofMillis(200));
            awaitTrue(() -> {
                sender.runOnce();
                return queued.isDone();
            });
            assertThat(queued.join().mayBeDuplicated()).isFalse();
            assertThat(client.sentData()).containsExactly("blocker", "queued");
        } finally {
            release.countDown();
            producer.close(Duration.ZERO);
            producer = null;
            oneThread.shutdownNow();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited too long").isNegative();
            Thread.sleep(1);
        }
    }

}
