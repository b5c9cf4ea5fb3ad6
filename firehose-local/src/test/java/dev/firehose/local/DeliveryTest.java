package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.Record;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to the local S3 directory: keys, contents, size and interval hints, GZIP, shutdown. */
class DeliveryTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().dataDirectory(dir).clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private void create(String name, String prefix, int sizeMb, int intervalSeconds, CompressionFormat compression) {
        sync.createDeliveryStream(r -> r.deliveryStreamName(name).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r").prefix(prefix)
                .bufferingHints(h -> h.sizeInMBs(sizeMb).intervalInSeconds(intervalSeconds))
                .compressionFormat(compression)));
    }

    private void put(String stream, String... data) {
        List<Record> records = new ArrayList<>();
        for (String d : data) {
            records.add(Clients.record(d.getBytes(StandardCharsets.UTF_8)));
        }
        put(stream, records);
    }

    private void put(String stream, List<Record> records) {
        assertThat(sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)).failedPutCount()).isZero();
    }

    /** Delivered objects (no temporary files), as paths relative to the data directory, sorted. */
    private List<Path> objects() {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(dir::relativize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] read(Path relative) {
        try {
            return Files.readAllBytes(dir.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recordsAreConcatenatedUnderTheS3KeyLayout() {
        create("clicks", "logs/", 5, 300, CompressionFormat.UNCOMPRESSED);
        put("clicks", "a", "bc", "def");
        put("clicks", "\n", "g");
        assertThat(objects()).isEmpty();

        local.deliverNow();

        assertThat(objects()).singleElement().satisfies(p -> {
            assertThat(p.toString().replace('\\', '/')).matches(
                    "my-bucket/logs/2026/03/04/05/clicks-1-2026-03-04-05-06-07-"
                            + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("abcdef\ng");
        });
    }

    @Test
    void sizeHintCutsObjectsWithoutSplittingRecords() {
        create("big", "", 1, 900, CompressionFormat.UNCOMPRESSED);
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            records.add(Clients.sized(300_000, (byte) ('A' + i)));
        }

        put("big", records);

        List<Path> delivered = objects();
        assertThat(delivered).hasSize(2);
        Set<String> contents = new HashSet<>();
        delivered.forEach(p -> contents.add(new String(read(p), StandardCharsets.ISO_8859_1)));
        assertThat(contents).containsExactlyInAnyOrder(runs("ABC"), runs("DEF"));

        local.deliverNow();

        List<Path> all = objects();
        assertThat(all).hasSize(3);
        Set<String> allContents = new HashSet<>();
        all.forEach(p -> allContents.add(new String(read(p), StandardCharsets.ISO_8859_1)));
        assertThat(allContents).containsExactlyInAnyOrder(runs("ABC"), runs("DEF"), runs("G"));
    }

    private static String runs(String letters) {
        StringBuilder sb = new StringBuilder();
        for (char c : letters.toCharArray()) {
            sb.append(String.valueOf(c).repeat(300_000));
        }
        return sb.toString();
    }

    @Test
    void intervalHintDeliversOnceTheIntervalHasPassedSinceTheFirstRecord() {
        create("timed", "", 128, 60, CompressionFormat.UNCOMPRESSED);
        put("timed", "first");
        clock.advance(Duration.ofSeconds(30));
        put("timed", "second");

        clock.advance(Duration.ofSeconds(29));
        local.deliverDue();
        assertThat(objects()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        local.deliverDue();

        assertThat(objects()).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).startsWith("timed-1-2026-03-04-05-06-07-");
            assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("firstsecond");
        });
    }

    @Test
    void recordArrivingAfterTheIntervalStartsTheNextObject() {
        create("late", "", 128, 60, CompressionFormat.UNCOMPRESSED);
        put("late", "old");
        clock.advance(Duration.ofMinutes(2));

        put("late", "new");

        assertThat(objects()).singleElement()
                .satisfies(p -> assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("old"));
        local.deliverNow();
        assertThat(objects()).hasSize(2).anySatisfy(p -> {
            assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("new");
            assertThat(p.getFileName().toString()).startsWith("late-1-2026-03-04-05-08-07-");
        });
    }

    @Test
    void zeroIntervalDeliversEachWindowOfRequestsTogether() {
        create("now", "", 5, 0, CompressionFormat.UNCOMPRESSED);

        put("now", "x");
        put("now", "y");
        assertThat(objects()).isEmpty();
        clock.advance(FirehoseLocal.ZERO_BUFFERING_WINDOW);
        put("now", "z");
        clock.advance(FirehoseLocal.ZERO_BUFFERING_WINDOW);
        local.deliverDue();

        assertThat(objects()).extracting(p -> new String(read(p), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("xy", "z");
    }

    @Test
    void gzipObjectsDecompressToTheRecords() throws IOException {
        create("zipped", "gz/", 5, 300, CompressionFormat.GZIP);
        put("zipped", "hello ", "gzip ", "world");

        local.deliverNow();

        Path object = objects().get(0);
        assertThat(object.getFileName().toString()).endsWith(".gz").startsWith("zipped-1-2026-03-04-05-06-07-");
        assertThat(object.toString().replace('\\', '/')).startsWith("my-bucket/gz/2026/03/04/05/");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(object)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello gzip world");
        }
        assertThat(read(object)).isNotEqualTo("hello gzip world".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void closeDeliversWhatIsBuffered() {
        create("closing", "", 5, 300, CompressionFormat.UNCOMPRESSED);
        put("closing", "kept");

        local.close();

        assertThat(objects()).singleElement()
                .satisfies(p -> assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("kept"));
    }

    @Test
    void deleteDeliversWhatIsBuffered() {
        create("deleting", "", 5, 300, CompressionFormat.UNCOMPRESSED);
        put("deleting", "last");

        sync.deleteDeliveryStream(r -> r.deliveryStreamName("deleting"));

        assertThat(objects()).singleElement()
                .satisfies(p -> assertThat(new String(read(p), StandardCharsets.UTF_8)).isEqualTo("last"));
    }

    @Test
    void failedEntriesAreNotDelivered() {
        create("partial", "", 5, 300, CompressionFormat.UNCOMPRESSED);
        local.setFaults("partial", Faults.builder().entryInternalFailureRate(0.5).build());
        List<Record> records = Clients.records("", 100);

        var res = sync.putRecordBatch(r -> r.deliveryStreamName("partial").records(records));
        local.deliverNow();

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            if (res.requestResponses().get(i).errorCode() == null) {
                expected.append(i);
            }
        }
        assertThat(res.failedPutCount()).isBetween(1, 99);
        assertThat(new String(read(objects().get(0)), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void deliveryAndPutMetricsAreRecorded() {
        create("measured", "", 5, 300, CompressionFormat.UNCOMPRESSED);
        put("measured", "abc", "de");
        sync.putRecord(r -> r.deliveryStreamName("measured").record(Clients.record(new byte[] {'f'})));

        local.deliverNow();

        java.util.Map<String, String> dims = java.util.Map.of("DeliveryStreamName", "measured");
        Instant from = T0.minusSeconds(60);
        Instant to = T0.plusSeconds(60);
        var store = local.metricStore();
        assertThat(store.sum("AWS/Firehose", "DeliveryToS3.Records", dims, from, to)).isEqualTo(3.0);
        assertThat(store.sum("AWS/Firehose", "DeliveryToS3.Bytes", dims, from, to)).isEqualTo(6.0);
        assertThat(store.sum("AWS/Firehose", "DeliveryToS3.Success", dims, from, to)).isEqualTo(1.0);
        assertThat(store.sum("AWS/Firehose", "IncomingRecords", dims, from, to)).isEqualTo(3.0);
        assertThat(store.sum("AWS/Firehose", "IncomingBytes", dims, from, to)).isEqualTo(6.0);
        assertThat(store.sum("AWS/Firehose", "IncomingPutRequests", dims, from, to)).isEqualTo(2.0);
        assertThat(store.sum("AWS/Firehose", "PutRecordBatch.Bytes", dims, from, to)).isEqualTo(5.0);
        assertThat(store.sum("AWS/Firehose", "PutRecord.Requests", dims, from, to)).isEqualTo(1.0);
        assertThat(store.sum("AWS/Firehose", "PutRecord.Bytes", dims, from, to)).isEqualTo(1.0);
    }

    @Test
    void sinkModeDeliversNothingAndKeepsCountsOnly() {
        try (FirehoseLocal sink = FirehoseLocal.builder().sinkMode(true).dataDirectory(dir.resolve("sink")).build().start();
             FirehoseClient client = Clients.syncNoRetry(sink)) {
            sink.createDeliveryStream("s");
            client.putRecordBatch(r -> r.deliveryStreamName("s").records(Clients.records("x", 10)));
            sink.deliverNow();

            assertThat(sink.ledger().count("s")).isEqualTo(10);
            assertThat(sink.ledger().records("s")).isEmpty();
            assertThat(objects()).isEmpty();
        }
    }
}
