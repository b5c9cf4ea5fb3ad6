package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BufferingHints.IntervalInSeconds 0: the records put within {@link FirehoseLocal#ZERO_BUFFERING_WINDOW}
 * of a buffer's oldest record (one request, or several) are delivered together at the window's end.
 * Each test keeps a ledger: the records it put, the records the endpoint stored, and the records in
 * the delivered objects, which must all agree.
 */
class ZeroBufferingTest {

    private static final Duration WINDOW = FirehoseLocal.ZERO_BUFFERING_WINDOW;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07Z"));
    private final List<String> put = new ArrayList<>();
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().dataDirectory(dir).clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
        createZeroBuffered(sync, "now");
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private static void createZeroBuffered(FirehoseClient client, String name) {
        client.createDeliveryStream(r -> r.deliveryStreamName(name).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(0))));
    }

    /** One PutRecordBatch of {@code n} records {@code prefix + i}, every one stored. */
    private void putBatch(String prefix, int n) {
        List<Record> records = Clients.records(prefix, n);
        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName("now").records(records));
        assertThat(res.failedPutCount()).isZero();
        assertThat(res.requestResponses()).allSatisfy(e -> assertThat(e.recordId()).isNotNull());
        records.forEach(r -> put.add(r.data().asUtf8String()));
    }

    /** One PutRecord of {@code data}, stored. */
    private void putOne(String data) {
        assertThat(sync.putRecord(r -> r.deliveryStreamName("now")
                .record(x -> x.data(SdkBytes.fromUtf8String(data)))).recordId()).isNotNull();
        put.add(data);
    }

    private static String joined(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(i);
        }
        return sb.toString();
    }

    /** Every record put was stored once and is in exactly one delivered object. */
    private void assertLedgerBalances() {
        assertThat(local.ledger().count("now")).isEqualTo(put.size());
        assertThat(local.ledger().records("now"))
                .extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(put);
        assertThat(String.join("", DeliveredObjects.read(dir).values()).length())
                .isEqualTo(put.stream().mapToInt(String::length).sum());
    }

    @Test
    void aRequestOf300RecordsBecomesOneObject() {
        putBatch("r", 300);
        assertThat(DeliveredObjects.read(dir)).isEmpty();

        clock.advance(WINDOW);
        local.deliverDue();

        Map<String, String> objects = DeliveredObjects.read(dir);
        assertThat(objects).hasSize(1);
        assertThat(objects.values()).containsExactly(joined("r", 300));
        assertLedgerBalances();
    }

    @Test
    void severalPutRecordCallsWithinTheWindowShareOneObject() {
        putOne("a");
        clock.advance(Duration.ofMillis(1));
        putOne("b");
        clock.advance(Duration.ofMillis(1));
        putBatch("c", 3);
        clock.advance(WINDOW.minusMillis(3));
        putOne("d");

        clock.advance(Duration.ofMillis(1));
        local.deliverDue();

        assertThat(DeliveredObjects.read(dir).values()).containsExactly("abc0c1c2d");
        assertLedgerBalances();
    }

    @Test
    void aRequestJustBeforeTheWindowsEndJoinsTheBuffer() {
        putBatch("a", 2);
        clock.advance(WINDOW.minusNanos(1));
        putBatch("b", 2);
        local.deliverDue();
        assertThat(DeliveredObjects.read(dir)).isEmpty();

        clock.advance(Duration.ofNanos(1));
        local.deliverDue();

        assertThat(DeliveredObjects.read(dir).values()).containsExactly("a0a1b0b1");
        assertLedgerBalances();
    }

    @Test
    void aRequestExactlyAtTheWindowsEndStartsTheNextObject() {
        putBatch("a", 2);
        clock.advance(WINDOW);
        putBatch("b", 3);

        // b's arrival closed a's window: a went out before b was buffered, without a delivery check.
        assertThat(DeliveredObjects.read(dir).values()).containsExactly("a0a1");

        clock.advance(WINDOW.minusNanos(1));
        local.deliverDue();
        assertThat(DeliveredObjects.read(dir).values()).containsExactly("a0a1");

        clock.advance(Duration.ofNanos(1));
        local.deliverDue();
        assertThat(DeliveredObjects.read(dir).values()).containsExactlyInAnyOrder("a0a1", "b0b1b2");
        assertLedgerBalances();
    }

    @Test
    void recordsAfterTheWindowGoToAnotherObject() {
        putOne("x");
        putOne("y");
        clock.advance(WINDOW.plusMillis(5));
        local.deliverDue();
        putOne("z");
        clock.advance(WINDOW);
        local.deliverDue();

        assertThat(DeliveredObjects.read(dir).values()).containsExactlyInAnyOrder("xy", "z");
        assertLedgerBalances();
    }

    @Test
    void closeDeliversWhatTheWindowHolds() {
        putBatch("a", 4);
        assertThat(DeliveredObjects.read(dir)).isEmpty();

        local.close();

        assertThat(DeliveredObjects.read(dir).values()).containsExactly("a0a1a2a3");
        assertLedgerBalances();
    }

    @Test
    void theWindowEndsWithoutADeliveryCheckByTheSystemClock() throws InterruptedException {
        Path realTimeDir = dir.resolve("real-time");
        // No periodic check within the test's time: only the window's timer can deliver.
        try (FirehoseLocal realTime = FirehoseLocal.builder().dataDirectory(realTimeDir)
                .deliveryCheckInterval(Duration.ofHours(1)).build().start();
             FirehoseClient client = Clients.syncNoRetry(realTime)) {
            createZeroBuffered(client, "now");
            List<Record> records = Clients.records("t", 5);
            assertThat(client.putRecordBatch(r -> r.deliveryStreamName("now").records(records)).failedPutCount())
                    .isZero();

            // A generous bound that only a missing timer can exceed; not a measure of speed.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (DeliveredObjects.read(realTimeDir).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            assertThat(DeliveredObjects.read(realTimeDir).values()).containsExactly(joined("t", 5));
            assertThat(realTime.ledger().count("now")).isEqualTo(5);
        }
    }

    @Test
    void sinkModeDeliversNothingAndCountsEveryRecord() {
        Path sinkDir = dir.resolve("sink");
        try (FirehoseLocal sinkLocal = FirehoseLocal.builder().dataDirectory(sinkDir).clock(clock).sinkMode(true)
                .build().start();
             FirehoseClient client = Clients.syncNoRetry(sinkLocal)) {
            createZeroBuffered(client, "now");
            List<Record> records = Clients.records("s", 7);
            assertThat(client.putRecordBatch(r -> r.deliveryStreamName("now").records(records)).failedPutCount())
                    .isZero();

            clock.advance(WINDOW);
            sinkLocal.deliverDue();
            sinkLocal.close();

            assertThat(DeliveredObjects.read(sinkDir)).isEmpty();
            assertThat(sinkLocal.ledger().count("now")).isEqualTo(7);
        }
    }
}
