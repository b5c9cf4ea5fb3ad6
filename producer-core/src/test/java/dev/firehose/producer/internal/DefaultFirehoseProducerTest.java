package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.FirehoseProducerException;
import dev.firehose.producer.InvalidStreamNameException;
import dev.firehose.producer.NoDefaultStreamException;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutInterruptedException;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordTooLargeException;
import dev.firehose.producer.StreamStats;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

/** The facade with its real sender thread, against a scripted client. */
@Timeout(60)
class DefaultFirehoseProducerTest {

    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private FirehoseProducer producer;

    private FirehoseProducer producer(ProducerConfig config) {
        producer = FirehoseProducer.builder().deliveryStreamName("s").client(client).config(config).build();
        return producer;
    }

    private static ProducerConfig.Builder fast() {
        return ProducerConfig.builder().lingerTime(Duration.ofMillis(5));
    }

    @AfterEach
    void close() {
        if (producer != null) {
            producer.close(Duration.ofMillis(500));
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        return f.handle((v, t) -> t).join();
    }

    @Test
    void badInputIsRejectedAtOnceWithAClearErrorAndOtherRecordsAreUnaffected() {
        FirehoseProducer p = producer(fast().build());
        CompletableFuture<PutResult> before = p.put("before");

        assertThatThrownBy(() -> p.put((byte[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("record data");
        assertThatThrownBy(() -> p.put((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.put((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.put(new byte[1_024_001])).isInstanceOf(RecordTooLargeException.class)
                .hasMessage("record of 1,024,001 bytes exceeds the 1,024,000-byte Firehose limit");
        assertThatThrownBy(() -> p.put("bad name", "x")).isInstanceOf(InvalidStreamNameException.class)
                .hasMessage("invalid delivery stream name 'bad name': a name must be 1-64 characters of [a-zA-Z0-9_.-]");
        assertThatThrownBy(() -> p.put("", "x")).isInstanceOf(InvalidStreamNameException.class);
        assertThatThrownBy(() -> p.put("a".repeat(65), "x")).isInstanceOf(InvalidStreamNameException.class);
        assertThatThrownBy(() -> p.put((String) null, "x")).isInstanceOf(NullPointerException.class);

        String longest = "Az09_.-" + "x".repeat(57);
        assertThat(p.put(longest, "legal name").join().stream()).isEqualTo(longest);

        CompletableFuture<PutResult> empty = p.put(new byte[0]);
        CompletableFuture<PutResult> largest = p.put(new byte[1_024_000]);
        CompletableFuture<PutResult> after = p.put("after");

        assertThat(before.join().recordId()).isEqualTo("id-before");
        assertThat(after.join().recordId()).isEqualTo("id-after");
        assertThat(empty.join().attempts()).isEqualTo(1);
        assertThat(largest.join().attempts()).isEqualTo(1);
        StreamStats s = p.stats().stream("s");
        assertThat(s.recordsPut()).isEqualTo(4);
        assertThat(p.stats().total().recordsPut()).isEqualTo(5);
        assertThat(s.bytesPut()).isEqualTo(6 + 5 + 1_024_000);
    }

    @Test
    void everyPutFormSendsTheSameBytes() {
        FirehoseProducer p = producer(fast().build());
        ByteBuffer buffer = ByteBuffer.wrap("xxbufferyy".getBytes(StandardCharsets.UTF_8), 2, 6);
        byte[] array = "array".getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<PutResult>> fs = List.of(p.put(array), p.put("héllo"), p.put(buffer),
                p.put("other", "to-other"));
        array[0] = 'X';
        fs.forEach(CompletableFuture::join);

        assertThat(buffer.position()).isEqualTo(2);
        assertThat(client.sentData()).containsExactlyInAnyOrder("array", "héllo", "buffer", "to-other");
        assertThat(fs.get(3).join().stream()).isEqualTo("other");
    }

    @Test
    void putWithoutADefaultStreamNeedsAStream() {
        producer = FirehoseProducer.builder().client(client).config(fast().build()).build();
        for (Runnable put : List.<Runnable>of(() -> producer.put("x"), () -> producer.put(new byte[1]),
                () -> producer.put(ByteBuffer.allocate(1)))) {
            assertThatThrownBy(put::run).isExactlyInstanceOf(NoDefaultStreamException.class)
                    .isInstanceOf(FirehoseProducerException.class)
                    .hasMessage("producer " + producer + " has no default delivery stream: set deliveryStreamName"
                            + " on the builder, or call put(stream, data)");
        }
        assertThat(producer.stats().total().recordsPut()).isZero();
        assertThat(producer.put("s2", "x").join().stream()).isEqualTo("s2");
    }

    @Test
    void putAfterCloseThrowsPutAfterCloseException() {
        FirehoseProducer p = producer(fast().build());
        p.close();
        assertThatThrownBy(() -> p.put("x")).isExactlyInstanceOf(PutAfterCloseException.class)
                .isInstanceOf(FirehoseProducerException.class)
                .hasMessage("producer " + p + " is closed; put is no longer accepted");
        assertThat(client.closed).isFalse();
        p.close();
    }

    @Test
    void flushSettlesEveryRecordPutBeforeItWithoutWaitingForTheLinger() {
        FirehoseProducer p = producer(ProducerConfig.builder().lingerTime(Duration.ofMinutes(5))
                .deliveryTimeout(Duration.ofMinutes(10)).build());
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        for (int i = 0; i < 1234; i++) {
            fs.add(p.put("r" + i));
        }
        p.flush().join();
        assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(client.requests).extracting(r -> r.records().size()).containsExactlyInAnyOrder(500, 500, 234);
        assertThat(p.flush()).isCompleted();
    }

    @Test
    void closeSendsWhatIsBufferedAndSettlesEverything() {
        FirehoseProducer p = producer(ProducerConfig.builder().lingerTime(Duration.ofMinutes(5))
                .deliveryTimeout(Duration.ofMinutes(10)).build());
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(p.put("r" + i));
        }
        p.close(Duration.ofSeconds(10));
        assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(p.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void whenTheEndpointIsDownEveryRecordFailsByItsDeadlineAndCloseReturns() {
        client.behaviour = request -> CompletableFuture.failedFuture(
                SdkClientException.create("Unable to execute HTTP request", new ConnectException("Connection refused")));
        FirehoseProducer p = producer(fast().deliveryTimeout(Duration.ofMillis(700)).build());
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(p.put("r" + i));
        }
        p.close(Duration.ofSeconds(30));

        assertThat(fs).allSatisfy(f -> assertThat(failure(f)).isInstanceOfSatisfying(RecordFailedException.class, e -> {
            assertThat(e.errorCode()).isIn(RecordFailedException.DELIVERY_TIMEOUT, RecordFailedException.IO_ERROR);
            assertThat(e.attempts()).isPositive();
            assertThat(e.mayBeDuplicated()).isFalse();
        }));
        assertThat(client.requests.size()).isGreaterThan(1);
    }

    @Test
    void whenTheEndpointNeverAnswersCloseFailsPendingRecordsWhenItsTimeRunsOut() {
        List<CompletableFuture<PutRecordBatchResponse>> calls = new ArrayList<>();
        client.behaviour = request -> {
            CompletableFuture<PutRecordBatchResponse> f = new CompletableFuture<>();
            synchronized (calls) {
                calls.add(f);
            }
            return f;
        };
        FirehoseProducer p = producer(fast().build());
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(p.put("r" + i));
        }
        p.close(Duration.ofMillis(200));

        assertThat(fs).allSatisfy(f -> assertThat(failure(f)).isInstanceOf(ProducerClosedException.class)
                .hasMessageContaining("when the producer closed (close waited 200 ms)"));
        synchronized (calls) {
            assertThat(calls).isNotEmpty().allMatch(CompletableFuture::isCancelled);
        }
        assertThat(p.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void aFullBufferFailsAtOnceUnderTheFailPolicy() {
        client.behaviour = request -> new CompletableFuture<>();
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(2).maxStreamBufferShare(1.0)
                .bufferFullPolicy(BufferFullPolicy.FAIL).build());
        CompletableFuture<PutResult> a = p.put("a");
        CompletableFuture<PutResult> b = p.put("b");
        assertThatThrownBy(() -> p.put("c")).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("2 of 2 records (maxBufferedRecords)");
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(p.stats().total().recordsPut()).isEqualTo(2);
    }

    @Test
    void aFullBufferBlocksThenFailsUnderTheBlockPolicy() {
        client.behaviour = request -> new CompletableFuture<>();
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(1).maxStreamBufferShare(1.0)
                .maxBlockTime(Duration.ofMillis(50)).build());
        p.put("a");
        assertThatThrownBy(() -> p.put("b")).isInstanceOf(BufferFullException.class)
                .hasMessageContaining("after waiting");
        assertThat(p.stats().putsBlocked()).isEqualTo(1);
    }

    @Test
    void aBlockedPutProceedsOnceARecordSettles() throws Exception {
        CompletableFuture<PutRecordBatchResponse> first = new CompletableFuture<>();
        client.behaviour = request -> client.requests.size() == 1 ? first : FakeFirehoseClient.acceptAll(request);
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(1).maxStreamBufferShare(1.0).build());
        CompletableFuture<PutResult> a = p.put("a");
        CompletableFuture<CompletableFuture<PutResult>> b = CompletableFuture.supplyAsync(() -> p.put("b"));
        Thread.sleep(50);
        assertThat(b).isNotDone();

        first.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());

        assertThat(a.join().recordId()).isEqualTo("id-a");
        assertThat(b.get(10, TimeUnit.SECONDS).join().recordId()).isEqualTo("id-b");
    }

    @Test
    void aPutInterruptedWhileBlockedThrowsAndKeepsTheInterruptFlag() throws Exception {
        client.behaviour = request -> new CompletableFuture<>();
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(1).maxStreamBufferShare(1.0).build());
        p.put("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                p.put("b");
            } catch (Throwable e) {
                thrown.set(e);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        t.interrupt();
        t.join(10_000);

        assertThat(thrown.get()).isInstanceOf(PutInterruptedException.class);
        assertThat(interrupted.get()).isTrue();
        assertThat(p.stats().total().recordsPut()).isEqualTo(1);
    }

    @Test
    void aPutFromACallbackOnAProducerThreadFailsAtOnceInsteadOfWaitingForItself() {
        CompletableFuture<PutRecordBatchResponse> answerToA = new CompletableFuture<>();
        client.behaviour = request -> switch (request.records().get(0).data().asUtf8String()) {
            case "a" -> answerToA;
            case "c" -> FakeFirehoseClient.acceptAll(request);
            // Not answered: "b" keeps its slot even if another request thread sends it at once.
            default -> new CompletableFuture<>();
        };
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(2).maxStreamBufferShare(1.0)
                .maxBlockTime(Duration.ofMinutes(5)).build());
        p.put("stuck");
        CompletableFuture<Throwable> nested = p.put("a").thenApply(r -> {
            // "a" has given its slot back: "b" takes it, and the buffer is full again.
            p.put("b");
            try {
                p.put("c");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        // The callback is attached before "a" is answered, so it runs on a request thread.
        answerToA.complete(FakeFirehoseClient.response(List.of(
                software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry.builder()
                        .recordId("id-a").build())));
        assertThat(nested.join()).isInstanceOf(BufferFullException.class);
    }

    @Test
    void closeWakesAPutBlockedOnAFullBuffer() throws Exception {
        client.behaviour = request -> new CompletableFuture<>();
        FirehoseProducer p = producer(fast().maxBatchRecords(1).maxBufferedRecords(1).maxStreamBufferShare(1.0).build());
        CompletableFuture<PutResult> a = p.put("a");
        CompletableFuture<CompletableFuture<PutResult>> b = CompletableFuture.supplyAsync(() -> p.put("b"));
        Thread.sleep(50);
        p.close(Duration.ofMillis(50));

        assertThat(failure(b)).cause().isExactlyInstanceOf(PutAfterCloseException.class)
                .isInstanceOf(FirehoseProducerException.class);
        assertThat(failure(a)).isInstanceOf(ProducerClosedException.class);
    }

    /** A producer whose pool has {@code threads} request threads, whatever the machine's cores. */
    private FirehoseProducer producerWithRequestThreads(ProducerConfig config, int threads) {
        DefaultFirehoseProducer p = new DefaultFirehoseProducer("s", client, false, config, Ticker.system(),
                RequestThreads.pool("test-producer", threads));
        p.start();
        producer = p;
        return p;
    }

    @Test
    void requestsAreSentFromSeveralRequestThreadsAtOnce() {
        CountDownLatch bothCalling = new CountDownLatch(2);
        Set<String> callers = ConcurrentHashMap.newKeySet();
        client.behaviour = request -> {
            callers.add(Thread.currentThread().getName());
            bothCalling.countDown();
            try {
                // Returns only once another request thread is inside the client too.
                if (!bothCalling.await(10, TimeUnit.SECONDS)) {
                    return CompletableFuture.failedFuture(new IllegalStateException("called one at a time"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeFirehoseClient.acceptAll(request);
        };
        FirehoseProducer p = producerWithRequestThreads(fast().maxBatchRecords(1).build(), 2);
        CompletableFuture<PutResult> a = p.put("a");
        CompletableFuture<PutResult> b = p.put("b");

        assertThat(a.join().recordId()).isEqualTo("id-a");
        assertThat(b.join().recordId()).isEqualTo("id-b");
        assertThat(callers).hasSize(2).allMatch(name -> name.startsWith("test-producer-request-"));
    }

    @Test
    void flushWaitsForEveryRecordPutBeforeItWhileOthersSettleConcurrently() throws Exception {
        ExecutorService answering = Executors.newFixedThreadPool(3);
        try {
            // Answers come back on other threads, out of order, while the putting goes on.
            client.behaviour = request -> CompletableFuture.supplyAsync(() -> {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
                return FakeFirehoseClient.acceptAll(request).join();
            }, answering);
            FirehoseProducer p = producerWithRequestThreads(ProducerConfig.builder().lingerTime(Duration.ofMillis(1))
                    .maxBatchRecords(7).build(), 2);
            List<CompletableFuture<PutResult>> all = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> background = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3000; i++) {
                    all.add(p.put("bg" + i));
                }
            }, answering);
            AtomicInteger violations = new AtomicInteger();
            List<CompletableFuture<Void>> checked = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 20; i++) {
                    all.add(p.put("r" + round + "-" + i));
                }
                List<CompletableFuture<PutResult>> before = List.copyOf(all);
                checked.add(p.flush().thenRun(() -> {
                    violations.addAndGet((int) before.stream().filter(f -> !f.isDone()).count());
                }));
            }
            background.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(checked.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            p.flush().get(30, TimeUnit.SECONDS);

            assertThat(violations).hasValue(0);
            assertThat(all).hasSize(4000).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        } finally {
            answering.shutdownNow();
        }
    }

    @Test
    void oneResponseUnblocksEveryPutWaitingForItsRoom() throws Exception {
        CompletableFuture<PutRecordBatchResponse> first = new CompletableFuture<>();
        client.behaviour = request -> client.requests.size() == 1 ? first : FakeFirehoseClient.acceptAll(request);
        FirehoseProducer p = producer(ProducerConfig.builder().lingerTime(Duration.ofMillis(5)).maxBatchRecords(3)
                .maxBufferedRecords(3).maxStreamBufferShare(1.0).build());
        List<CompletableFuture<PutResult>> firstBatch = List.of(p.put("a"), p.put("b"), p.put("c"));
        ExecutorService putting = Executors.newFixedThreadPool(3);
        try {
            List<Future<CompletableFuture<PutResult>>> blocked = new ArrayList<>();
            for (String data : List.of("x", "y", "z")) {
                blocked.add(putting.submit(() -> p.put(data)));
            }
            Thread.sleep(50);
            assertThat(blocked).noneMatch(Future::isDone);

            first.complete(FakeFirehoseClient.acceptAll(client.requests.get(0)).join());

            for (Future<CompletableFuture<PutResult>> f : blocked) {
                assertThat(f.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            assertThat(firstBatch).allMatch(f -> f.join().attempts() == 1);
        } finally {
            putting.shutdownNow();
        }
    }

    @Test
    void closeFromACallbackOnARequestThreadDoesNotWaitForItself() {
        CompletableFuture<PutRecordBatchResponse> answerToA = new CompletableFuture<>();
        client.behaviour = request -> request.records().get(0).data().asUtf8String().equals("a")
                ? answerToA : new CompletableFuture<>();
        FirehoseProducer p = producer(fast().maxBatchRecords(1).build());
        CompletableFuture<PutResult> stuck = p.put("stuck");
        // Attached before "a" is answered, so it runs on a request thread.
        CompletableFuture<Void> closed = p.put("a").thenRun(p::close);
        answerToA.complete(FakeFirehoseClient.response(List.of(
                software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry.builder()
                        .recordId("id-a").build())));

        assertThat(closed).succeedsWithin(Duration.ofSeconds(10));
        assertThat(failure(stuck)).isInstanceOf(ProducerClosedException.class);
    }

    /** A synchronous client that answers once {@code together} calls are inside it at once, or fails when closed. */
    private static final class BlockingSyncClient implements FirehoseClient {
        final CountDownLatch together;
        final CountDownLatch closed = new CountDownLatch(1);
        final Set<String> callers = ConcurrentHashMap.newKeySet();

        BlockingSyncClient(int together) {
            this.together = new CountDownLatch(together);
        }

        @Override
        public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
            callers.add(Thread.currentThread().getName());
            together.countDown();
            try {
                while (!together.await(10, TimeUnit.MILLISECONDS)) {
                    if (closed.getCount() == 0) {
                        throw SdkClientException.create("connection pool shut down");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SdkClientException.create("interrupted", e);
            }
            return FakeFirehoseClient.acceptAll(request).join();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void aSynchronousClientIsCalledFromOneRequestThreadPerRequestInFlight() {
        BlockingSyncClient sync = new BlockingSyncClient(3);
        producer = DefaultFirehoseProducer.createOnSyncClient("s", sync, true, fast().maxBatchRecords(1).build());
        List<CompletableFuture<PutResult>> fs = List.of(producer.put("a"), producer.put("b"), producer.put("c"));

        assertThat(fs).allSatisfy(f -> assertThat(f.join().attempts()).isEqualTo(1));
        assertThat(sync.callers).hasSize(3).allMatch(name -> name.matches("firehose-producer-\\d+-request-\\d+"));
        producer.close();
        assertThat(sync.closed.getCount()).isZero();
    }

    @Test
    void aForcedCloseStopsACallStillOnTheWireByClosingTheClientItBuilt() {
        BlockingSyncClient sync = new BlockingSyncClient(2);
        producer = DefaultFirehoseProducer.createOnSyncClient("s", sync, true, fast().build());
        CompletableFuture<PutResult> f = producer.put("never answered");

        producer.close(Duration.ofMillis(100));

        assertThat(failure(f)).isInstanceOf(ProducerClosedException.class);
        assertThat(sync.closed.getCount()).isZero();
        assertThat(producer.stats().total().bufferedRecords()).isZero();
    }

    @Test
    void sixteenThreadsPuttingAtOnceGetEveryRecordSettledExactlyOnce() throws Exception {
        FirehoseProducer p = producer(fast().maxBufferedRecords(2000).build());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<CompletableFuture<PutResult>>>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                List<CompletableFuture<PutResult>> fs = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    fs.add(p.put(thread % 2 == 0 ? "even" : "odd", thread + "-" + i));
                }
                return fs;
            }));
        }
        start.countDown();
        List<CompletableFuture<PutResult>> all = new ArrayList<>();
        for (Future<List<CompletableFuture<PutResult>>> r : results) {
            all.addAll(r.get());
        }
        pool.shutdown();
        p.flush().join();

        assertThat(all).hasSize(16_000).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        Set<String> ids = new HashSet<>();
        all.forEach(f -> ids.add(f.join().recordId()));
        assertThat(ids).hasSize(16_000);
        assertThat(client.sentData()).hasSize(16_000).doesNotHaveDuplicates();
        assertThat(client.requests).allSatisfy(r -> {
            assertThat(r.records().size()).isLessThanOrEqualTo(500);
            String parity = r.deliveryStreamName().equals("even") ? "even" : "odd";
            assertThat(r.records()).allMatch(rec -> (Integer.parseInt(rec.data().asUtf8String().split("-")[0]) % 2 == 0
                    ? "even" : "odd").equals(parity));
        });
        StreamStats total = p.stats().total();
        assertThat(total.recordsPut()).isEqualTo(16_000);
        assertThat(total.recordsAcknowledged()).isEqualTo(16_000);
        assertThat(total.bufferedRecords()).isZero();
    }

    /** Threads of the producer named {@code name} still alive. */
    /**
     * The producer's threads still alive once each has had a second to finish exiting: a pool
     * reports itself terminated as its last thread leaves its work loop, a moment before the thread
     * ends. (Less than the 3 s a blocking client below holds its caller: a thread close failed to
     * interrupt is still alive.)
     */
    private static List<Thread> threadsStillAliveAfterExiting(String name) throws InterruptedException {
        for (Thread t : threadsOf(name)) {
            t.join(1_000);
        }
        return threadsOf(name);
    }

    private static List<Thread> threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(name + "-")).toList();
    }

    @Test
    void aCallbackThatLeavesTheInterruptFlagSetOnTheSenderThreadDoesNotMakeItSpin() throws Exception {
        client.behaviour = request -> CompletableFuture.failedFuture(
                software.amazon.awssdk.services.firehose.model.ResourceNotFoundException.builder()
                        .statusCode(400).message("no stream").build());
        FirehoseProducer p = producer(fast().build());
        AtomicReference<Thread> senderThread = new AtomicReference<>();
        // A fatal error fails the record on the sender thread, which runs this callback.
        p.put("x").whenComplete((r, t) -> {
            senderThread.set(Thread.currentThread());
            Thread.currentThread().interrupt();
        }).handle((r, t) -> null).join();
        Thread sender = senderThread.get();
        assertThat(sender.getName()).endsWith("-sender");

        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadCpuTime(sender.getId());
        Thread.sleep(1000);
        long cpuMillis = TimeUnit.NANOSECONDS.toMillis(mx.getThreadCpuTime(sender.getId()) - before);
        // Idle, the sender wakes about once a second; spinning, it burns the whole second.
        assertThat(cpuMillis).isLessThan(300);
        assertThat(p.put("y")).isNotNull();
    }

    @Test
    void closeReturnsWithinItsTimeoutPlusTheMarginWhenTheClientBlocksItsCaller() throws InterruptedException {
        client.behaviour = request -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new CompletableFuture<>();
        };
        FirehoseProducer p = producer(fast().build());
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fs.add(p.put("r" + i));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));

        long start = System.nanoTime();
        p.close(Duration.ofMillis(100));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        producer = null;

        assertThat(tookMillis).isLessThan(100 + FirehoseProducer.CLOSE_MARGIN.toMillis());
        assertThat(fs).allSatisfy(f -> assertThat(failure(f)).isInstanceOf(ProducerClosedException.class));
        // The records whose request the client had taken may have been stored.
        assertThat(fs).anySatisfy(f -> assertThat(((RecordFailedException) failure(f)).mayBeDuplicated()).isTrue());
        assertThat(threadsStillAliveAfterExiting(p.toString())).isEmpty();
    }

    @Test
    void theProducersOwnRequestThreadsAreBoundedByTheTotalInFlightLimit() {
        BlockingSyncClient sync = new BlockingSyncClient(100);
        producer = DefaultFirehoseProducer.createOnSyncClient(null, sync, true, fast().maxBatchRecords(1)
                .maxInFlightRequests(12).maxInFlightRequestsPerStream(4).build());
        for (int stream = 0; stream < 10; stream++) {
            for (int i = 0; i < 10; i++) {
                producer.put("s" + stream, "r" + i);
            }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        List<Thread> requestThreads = threadsOf(producer.toString()).stream()
                .filter(t -> t.getName().contains("-request-")).toList();
        assertThat(requestThreads).hasSize(12);
        assertThat(sync.callers).hasSize(12);
    }

    @Test
    void closeDoesNotWaitForRequestsWhoseRecordsHaveAllSettled() throws InterruptedException {
        client.behaviour = request -> new CompletableFuture<>();
        FirehoseProducer p = producer(fast().deliveryTimeout(Duration.ofMillis(300)).build());
        CompletableFuture<PutResult> f = p.put("never answered");
        assertThat(failure(f)).isInstanceOfSatisfying(dev.firehose.producer.DeliveryTimeoutException.class,
                e -> assertThat(e.mayBeDuplicated()).isTrue());

        long start = System.nanoTime();
        p.close(Duration.ofSeconds(20));
        producer = null;
        // Nothing is left to settle: close returns without waiting out its 20 s for the request.
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        assertThat(threadsStillAliveAfterExiting(p.toString())).isEmpty();
    }
}
