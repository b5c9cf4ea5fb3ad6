package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.StreamStats;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packing's open packed record (each stream's records copied in as they are put), against the
 * README's promises, one test per defect a review of that change found: the memory the open packed
 * records hold, a record whose bytes change while its put waits to be copied, and a put with a
 * null stream name. Drives the sender by hand with a manual ticker and a scripted client; a real
 * thread only where the defect lives between threads, every wait bounded.
 */
@Timeout(60)
class PackingOpenPackTest {

    private static final Duration LINGER = Duration.ofMillis(100);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private DefaultFirehoseProducer producer;

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(Duration.ofMillis(200)))
                .deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10))
                .packing(RecordPacking.newlineDelimited());
    }

    private Sender sender(String defaultStream, ProducerConfig config) {
        producer = new DefaultFirehoseProducer(defaultStream, client, false, config, ticker);
        return producer.sender();
    }

    @AfterEach
    void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 20; i++) {
            sender.runOnce();
        }
    }

    private long openPackBytes() {
        return producer.accumulator().queues().values().stream().mapToLong(q -> q.open.capacity()).sum();
    }

    /**
     * README (Running it in production): "At most maxBufferedBytes of record data (32 MiB) ... are
     * held"; memory is bounded "whatever the endpoint does". Each stream's open packed record starts
     * with a 16 KiB buffer whatever its first record's size: 5,000 streams (a region's most) with
     * one 100-byte record each, 500 KB of data, hold 80 MiB of buffers, over twice the bound.
     */
    @Test
    void openPackedRecordsOfManyStreamsHoldMemoryInProportionToTheirRecordsWithinTheBufferBound() {
        ProducerConfig config = config().build();
        sender("s", config);
        byte[] record = new byte[100];
        Arrays.fill(record, (byte) 'x');
        for (int s = 0; s < 5_000; s++) {
            producer.put("stream-" + s, record);
        }
        long data = 5_000L * (record.length + 1);

        assertThat(openPackBytes()).as("bytes the open packed records hold for %,d bytes of records", data)
                .isLessThanOrEqualTo(config.maxBufferedBytes());
    }

    /**
     * The same promise for a stream that has nothing buffered: once its records have settled, the
     * stream keeps the buffer of its last packed record until it is retired (streamIdleTimeout, 5
     * minutes): about 1 MiB per stream that sent a burst of 2 KB records, for nothing.
     */
    @Test
    void aStreamWhoseRecordsHaveAllSettledHoldsNoPackingBuffer() {
        Sender sender = sender("s", config().build());
        byte[] record = new byte[2_000];
        Arrays.fill(record, (byte) 'x');
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {                    // 500 x 2,001 bytes: one packed record of 1,000,500
            futures.add(producer.put(record));
        }
        ticker.advance(LINGER);
        settle(sender);
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(producer.stats().total().bufferedRecords()).isZero();
        RecordAccumulator.StreamQueue q = producer.accumulator().queues().get("s");
        assertThat(q).as("the stream's state, kept until its idle timeout").isNotNull();

        assertThat(q.open.capacity()).as("bytes held by the open packed record of a stream with nothing buffered")
                .isZero();
        assertThat(q.open.partsCapacity()).as("entries held room for").isZero();
    }

    /**
     * Standards: "Anything a user supplies may throw or block: the code still settles every record."
     * A put measures its record (does it end with the delimiter?) before it takes the open packed
     * record's lock and copies it after: if the application changes the record's last byte
     * meanwhile (a bug of its own), the copy writes one byte more than was measured and put throws
     * an ArrayIndexOutOfBoundsException after the record was accepted. Its room in the buffer is
     * never given back and flush() never completes. Here the test holds the lock (as the sender
     * does while it seals the open packed record) to make the interleaving certain.
     */
    @Test
    void aRecordChangedWhileItsPutWaitsForTheOpenPackedRecordStillSettlesAndFlushCompletes() throws Exception {
        Sender sender = sender("s", config().build());
        CompletableFuture<PutResult> first = producer.put("first");   // the stream's state exists...
        producer.flush();
        settle(sender);                                      // ...and its open packed record is empty
        assertThat(first).isCompleted();

        byte[] record = new byte[16 * 1024];
        Arrays.fill(record, (byte) 'x');
        record[record.length - 1] = '\n';                    // ends with the delimiter: measured without one
        RecordAccumulator.StreamQueue q = producer.accumulator().queues().get("s");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                outcome.set(producer.put(record));
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "putter");
        synchronized (q.open) {
            putter.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (putter.getState() != Thread.State.BLOCKED) {
                assertThat(System.nanoTime() - end < 0).as("the put waits for the open packed record").isTrue();
                Thread.sleep(1);
            }
            record[record.length - 1] = 'y';                 // the application's own race
        }
        putter.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(putter.isAlive()).isFalse();

        CompletableFuture<Void> flushed = producer.flush();
        settle(sender);
        assertThat(flushed).as("flush after a put that returned or threw: %s", outcome.get()).isCompleted();
        StreamStats total = producer.stats().total();
        assertThat(total.bufferedRecords()).as("records accepted and never settled: %s", outcome.get()).isZero();
        assertThat(total.recordsPut()).isEqualTo(total.recordsAcknowledged() + total.recordsFailed());
    }

    /**
     * README (Bad input): "put(null), or a null stream name: NullPointerException from put", and
     * "Mistakes in a call fail that call only, with a typed exception that names the value". Since
     * the put to the default stream skips the name check, a null stream on a producer without a
     * default stream (null == null) skips it too, and the NullPointerException comes from a map
     * lookup deep inside, naming nothing.
     */
    @Test
    void aNullStreamNameOnAProducerWithoutADefaultStreamIsNamedInTheException() {
        sender(null, config().build());
        FirehoseProducer p = producer;

        assertThatThrownBy(() -> p.put((String) null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("delivery stream name");
        assertThatThrownBy(() -> p.put((String) null, new byte[1])).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("delivery stream name");
        assertThat(p.stats().total().recordsPut()).isZero();
    }
}
