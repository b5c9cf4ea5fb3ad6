package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordPacking;
import io.github.resilience4j.core.IntervalFunction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Packing's promises that an adversarial review found broken at first, one test each: a record too
 * big to share is still delimited and compressed, settings that cannot work are refused, deadlines
 * hold per record, late acknowledgements count user records, a full buffer is sent at once, and
 * the Retry counts packed records as documented. Drives the sender by hand with a manual ticker and
 * a scripted client.
 */
class PackingFixesTest {

    private static final Duration LINGER = Duration.ofMillis(100);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private DefaultFirehoseProducer producer;

    private ProducerConfig.Builder config(RecordPacking packing) {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(Duration.ofMillis(200)))
                .deliveryTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(10)).packing(packing);
    }

    private Sender sender(ProducerConfig config) {
        producer = new DefaultFirehoseProducer("s", client, false, config, ticker);
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

    /** Every Firehose record sent, in order, concatenated: what an S3 object of the stream holds. */
    private byte[] s3Object() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.requests.forEach(r -> r.records().forEach(rec -> out.writeBytes(rec.data().asByteArray())));
        return out.toByteArray();
    }

    private static List<String> split(String data, String delimiter) {
        List<String> parts = new ArrayList<>(Arrays.asList(data.split(java.util.regex.Pattern.quote(delimiter), -1)));
        if (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        return parts;
    }

    /**
     * Issue: "with the delimiter modes, splitting the objects by the delimiter gives back every user
     * record once". A record too big to share a packed record is sent without a delimiter, so in the
     * S3 object it runs into the next packed record's first user record.
     */
    @Test
    void aRecordTooBigToShareIsStillDelimitedSoSplittingGivesEveryRecordBack() {
        Sender sender = sender(config(RecordPacking.newlineDelimited().maxBytes(1_024)).build());
        String big = "A".repeat(1_024);   // 1,025 bytes with its newline: goes alone
        producer.put(big);
        producer.put("b");
        producer.put("c");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests).isNotEmpty();

        assertThat(split(new String(s3Object(), StandardCharsets.UTF_8), "\n"))
                .as("the S3 object split at the newlines")
                .extracting(PackingFixesTest::shortly)
                .containsExactly(shortly(big), "b", "c");
    }

    /**
     * README: "`.gzip()` ... the packed record compressed into one complete GZIP member; S3 objects of
     * several are valid `.gz` files". A record too big to share (with GZIP anything over
     * maxBytes - 1,024 bytes) is sent uncompressed, so the S3 object is no longer a GZIP file.
     */
    @Test
    void withGzipEveryFirehoseRecordIsAGzipMemberEvenARecordThatGoesAlone() {
        Sender sender = sender(config(RecordPacking.newlineDelimited().maxBytes(2_048).gzip()).build());
        producer.put("x".repeat(1_500));   // packable without GZIP, not with it (2,048 - 1,024 kept back)
        producer.put("y");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests).isNotEmpty();

        for (Record r : client.requests.stream().flatMap(q -> q.records().stream()).toList()) {
            byte[] data = r.data().asByteArray();
            assertThat(data.length).isGreaterThanOrEqualTo(2);
            assertThat(new int[] {data[0] & 0xff, data[1] & 0xff}).as("GZIP magic of every Firehose record")
                    .containsExactly(0x1f, 0x8b);
        }
    }

    /**
     * Issue: "a limit out of range gets a clear error from the builder naming the setting and the
     * range". With GZIP, maxBytes(1024) leaves 0 bytes for packing: nothing is ever packed (and every
     * record goes alone, uncompressed), silently.
     */
    @Test
    void gzipWithAMaxBytesThatLeavesNoRoomForAnyRecordIsRefused() {
        assertThatThrownBy(() -> RecordPacking.newlineDelimited().maxBytes(1_024).gzip())
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A delimiter that begins with what it ends with ("|#|", "\n\n") would appear early after a
     * record ending with part of it, so splitting would not give the records back: it is refused.
     */
    @Test
    void aDelimiterThatBeginsWithWhatItEndsWithIsRefused() {
        assertThatThrownBy(() -> RecordPacking.delimited("|#|")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not begin with what it ends with");
        assertThatThrownBy(() -> RecordPacking.delimited("\n\n")).isInstanceOf(IllegalArgumentException.class);
        RecordPacker packer = new RecordPacker(RecordPacking.delimited("<|>"));
        byte[] x = "x<|".getBytes(StandardCharsets.UTF_8);
        byte[] y = "y".getBytes(StandardCharsets.UTF_8);
        int xSize = packer.packedSize(x, 0, x.length);
        int ySize = packer.packedSize(y, 0, y.length);
        byte[] data = new byte[xSize + ySize];
        packer.copy(y, 0, y.length, ySize, data, packer.copy(x, 0, x.length, xSize, data, 0));
        ProducerEntry pack = packer.pack("s", new ProducerEntry[] {entry("x<|"), entry("y")}, data);
        pack.materialize();
        assertThat(split(pack.record.data().asUtf8String(), "<|>")).containsExactly("x<|", "y");
    }

    /**
     * README: "Deadlines ... work per user record, as without packing". A packed record's deadline is
     * its earliest part's, and it fails every part then: a record put 3 s ago fails with a
     * DeliveryTimeoutException 27 s before its own deadline (here: a backlog behind a slow request).
     */
    @Test
    void aYoungRecordPackedWithAnOldOneDoesNotFailAtTheOldOnesDeadline() {
        List<CompletableFuture<PutRecordBatchResponse>> answers = new CopyOnWriteArrayList<>();
        client.behaviour = request -> {
            CompletableFuture<PutRecordBatchResponse> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        };
        Sender sender = sender(config(RecordPacking.newlineDelimited()).maxInFlightRequestsPerStream(1)
                .requestTimeout(Duration.ofSeconds(30)).build());
        producer.put("a");                                 // t = 0
        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests).hasSize(1);

        ticker.advance(Duration.ofMillis(900));            // t = 1 s
        CompletableFuture<PutResult> b = producer.put("b");
        ticker.advance(Duration.ofSeconds(27));            // t = 28 s
        CompletableFuture<PutResult> c = producer.put("c");
        settle(sender);
        assertThat(client.requests).hasSize(1);            // the stream's one request slot is taken

        ticker.advance(Duration.ofMillis(500));            // t = 28.5 s: the first request is answered
        answers.get(0).complete(FakeFirehoseClient.response(
                client.requests.get(0).records().stream().map(FakeFirehoseClient::ok).toList()));
        settle(sender);
        assertThat(client.requests).hasSize(2);            // b and c, packed, unanswered

        ticker.advance(Duration.ofMillis(2_600));          // t = 31.1 s: past b's deadline, c has until 58 s
        settle(sender);
        assertThat(b).isCompletedExceptionally();
        assertThat(c).as("c, put 3.1 s ago with a 30 s delivery timeout").isNotDone();
    }

    /**
     * ProducerStats: "recordsAcknowledgedLate: records the service acknowledged after the producer had
     * already failed them at their delivery deadline". A packed record of three user records failed
     * at its deadline and stored after all counts as one.
     */
    @Test
    void recordsAcknowledgedLateCountsUserRecords() {
        List<CompletableFuture<PutRecordBatchResponse>> answers = new CopyOnWriteArrayList<>();
        client.behaviour = request -> {
            CompletableFuture<PutRecordBatchResponse> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        };
        Sender sender = sender(config(RecordPacking.newlineDelimited()).deliveryTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10)).build());
        List<CompletableFuture<PutResult>> futures = List.of(producer.put("a"), producer.put("b"), producer.put("c"));
        ticker.advance(LINGER);
        settle(sender);
        assertThat(client.requests).hasSize(1);
        assertThat(client.requests.get(0).records()).hasSize(1);

        ticker.advance(Duration.ofSeconds(10));            // past the deadline, not yet overdue
        settle(sender);
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedExceptionally());

        answers.get(0).complete(FakeFirehoseClient.response(
                client.requests.get(0).records().stream().map(FakeFirehoseClient::ok).toList()));
        settle(sender);
        assertThat(producer.stats().recordsAcknowledgedLate()).isEqualTo(3);
    }

    /**
     * README (packing): "A packed request is sent as soon as it would be full or the stream's fresh
     * records fill half its share of the buffer, so puts never wait for the linger time." With
     * several streams the buffer fills while no stream reaches half its share: nothing is sent, and
     * puts wait (or, with FAIL, are refused) until the linger time has passed.
     */
    @Test
    void aFullBufferIsSentWithoutWaitingForTheLingerTimeWithSeveralStreams() {
        Sender sender = sender(config(RecordPacking.newlineDelimited()).maxBufferedRecords(1_000)
                .bufferFullPolicy(dev.firehose.producer.BufferFullPolicy.FAIL).build());
        // Each stream's share: max(one batch of 500, 25% of 1,000) = 500 records; half of it: 250.
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < 200; i++) {
                producer.put("s" + s, "r" + i);
            }
        }
        assertThatThrownBy(() -> producer.put("s0", "one more"))
                .isInstanceOf(dev.firehose.producer.BufferFullException.class);
        settle(sender);                                    // no time passes
        assertThat(client.requests).as("requests sent while the buffer is full, before the linger time")
                .isNotEmpty();
    }

    /**
     * README (retry policy): with packing, the Retry sees one call per packed record (its attempts
     * are the packed record's), while the producer's stats count user records.
     */
    @Test
    void withPackingTheRetryCountsPackedRecordsAndTheStatsUserRecords() {
        io.github.resilience4j.retry.Retry retry = io.github.resilience4j.retry.Retry.of("r",
                io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(3)
                        .intervalFunction(IntervalFunction.of(Duration.ofMillis(200))).build());
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(FakeFirehoseClient.response(request.records().stream()
                        .map(r -> FakeFirehoseClient.error("InternalFailure", "internal")).toList()))
                : FakeFirehoseClient.acceptAll(request);
        Sender sender = sender(config(RecordPacking.newlineDelimited()).retry(retry).build());
        List<CompletableFuture<PutResult>> futures = List.of(producer.put("a"), producer.put("b"), producer.put("c"));
        ticker.advance(LINGER);
        settle(sender);
        ticker.advance(Duration.ofMillis(300));
        settle(sender);
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(producer.stats().total().recordsRetried()).isEqualTo(3);

        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt())
                .as("packed records that succeeded after a retry, as the Retry counts them").isEqualTo(1);
    }

    private static String shortly(String s) {
        return s.length() <= 20 ? s : s.substring(0, 3) + "...(" + s.length() + " chars)..." + s.substring(s.length() - 3);
    }

    private static ProducerEntry entry(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return new ProducerEntry("s", Record.builder().data(SdkBytes.fromByteArrayUnsafe(bytes)).build(), bytes.length,
                1L, 2L, new FlushTracker().enter());
    }
}
