package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.StoredRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * Packing end to end against firehose-local: what the endpoint stores is exactly the user records
 * put, packed within the limits, each future pointing at the Firehose record that carried it; and
 * the settings refuse values out of range.
 */
@Timeout(120)
class RecordPackingTest {

    private static FirehoseLocal local;
    private static FirehoseAsyncClient client;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final List<FirehoseProducer> producers = new ArrayList<>();

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(7).build().start();
        RetryStrategy noRetries = AwsRetryStrategy.doNotRetry();
        client = local.asyncClientBuilder().overrideConfiguration(o -> o.retryStrategy(noRetries)).build();
    }

    @AfterAll
    static void stopEndpoint() {
        client.close();
        local.close();
    }

    @AfterEach
    void closeProducers() {
        producers.forEach(p -> p.close(Duration.ofSeconds(5)));
    }

    private static String newStream() {
        String name = "packed-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private FirehoseProducer producer(String stream, ProducerConfig config) {
        FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName(stream).client(client).config(config).build();
        producers.add(p);
        return p;
    }

    private static ProducerConfig.Builder config(RecordPacking packing) {
        return ProducerConfig.builder().lingerTime(Duration.ofMillis(20)).deliveryTimeout(Duration.ofSeconds(60))
                .packing(packing);
    }

    /** Records of 1 to 300 bytes, some ending with a newline of their own, all distinct. */
    private static List<byte[]> records(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder("{\"i\":").append(i).append(",\"pad\":\"");
            int pad = random.nextInt(250);
            for (int k = 0; k < pad; k++) {
                s.append((char) ('a' + random.nextInt(26)));
            }
            s.append("\"}");
            if (i % 5 == 0) {
                s.append('\n');
            }
            records.add(s.toString().getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    private static List<PutResult> putAll(FirehoseProducer p, List<byte[]> records) throws Exception {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (byte[] r : records) {
            futures.add(p.put(r));
        }
        p.flush().get(60, TimeUnit.SECONDS);
        List<PutResult> results = new ArrayList<>();
        for (CompletableFuture<PutResult> f : futures) {
            results.add(f.join());
        }
        return results;
    }

    private static Map<String, byte[]> storedById(String stream) {
        Map<String, byte[]> byId = new HashMap<>();
        for (StoredRecord r : local.ledger().records(stream)) {
            assertThat(byId.put(r.recordId(), r.data())).as("record id %s stored once", r.recordId()).isNull();
        }
        return byId;
    }

    /** The user records of each stored record, by RecordId, in their positions. */
    private static Map<String, List<Integer>> partsById(List<PutResult> results) {
        Map<String, List<Integer>> parts = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            parts.computeIfAbsent(results.get(i).recordId(), k -> new ArrayList<>()).add(i);
        }
        parts.values().forEach(l -> l.sort(Comparator.comparingInt(i -> results.get(i).position())));
        return parts;
    }

    private static byte[] withNewline(byte[] r) {
        if (r.length > 0 && r[r.length - 1] == '\n') {
            return r;
        }
        byte[] d = Arrays.copyOf(r, r.length + 1);
        d[r.length] = '\n';
        return d;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void newlineDelimitedStoresEveryUserRecordOnceInPutOrderWithinEachPackedRecord() throws Exception {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.newlineDelimited()).build());
        List<byte[]> records = records(5_000, 1);
        List<PutResult> results = putAll(p, records);

        Map<String, byte[]> stored = storedById(stream);
        Map<String, List<Integer>> parts = partsById(results);
        assertThat(parts.keySet()).as("every Firehose record a future names was stored").isEqualTo(stored.keySet());
        int userRecordsSeen = 0;
        for (Map.Entry<String, List<Integer>> e : parts.entrySet()) {
            List<Integer> indexes = e.getValue();
            byte[] data = stored.get(e.getKey());
            assertThat(data.length).isLessThanOrEqualTo(RecordPacking.MAX_BYTES);
            assertThat(indexes).hasSizeLessThanOrEqualTo(RecordPacking.DEFAULT_MAX_RECORDS);
            List<byte[]> expected = new ArrayList<>();
            for (int k = 0; k < indexes.size(); k++) {
                PutResult r = results.get(indexes.get(k));
                assertThat(r.position()).isEqualTo(k);
                assertThat(r.packedRecords()).isEqualTo(indexes.size());
                if (k > 0) {
                    assertThat(indexes.get(k)).as("put order within a packed record").isGreaterThan(indexes.get(k - 1));
                }
                expected.add(withNewline(records.get(indexes.get(k))));
            }
            assertThat(data).isEqualTo(concat(expected));
            // Splitting at the newlines gives back the user records.
            String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", -1);
            assertThat(lines).hasSize(indexes.size() + 1);
            userRecordsSeen += indexes.size();
        }
        assertThat(userRecordsSeen).isEqualTo(records.size());
        // Firehose's record deaggregation splits at most 500: the default limit binds, and holds.
        assertThat(parts.values()).anyMatch(l -> l.size() == RecordPacking.DEFAULT_MAX_RECORDS)
                .allMatch(l -> l.size() <= RecordPacking.DEFAULT_MAX_RECORDS);
        assertThat(stored.size()).as("packed: far fewer Firehose records than user records").isLessThan(records.size() / 20);

        StreamStats stats = p.stats().streams().get(stream);
        assertThat(stats.recordsAcknowledged()).isEqualTo(records.size());
        assertThat(stats.firehoseRecordsAcknowledged()).isEqualTo(stored.size());
        long billed = stored.values().stream().mapToLong(d -> (d.length + 5119L) / 5120 * 5120).sum();
        assertThat(stats.billedBytes()).isEqualTo(billed);
        assertThat(stats.bufferedRecords()).isZero();
        assertThat(stats.bufferedBytes()).isZero();
    }

    @Test
    void concatenatedAddsNothingSoTheStoredBytesAreTheUserBytes() throws Exception {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.concatenated()).build());
        List<byte[]> records = records(2_000, 2);
        List<PutResult> results = putAll(p, records);
        Map<String, byte[]> stored = storedById(stream);
        for (Map.Entry<String, List<Integer>> e : partsById(results).entrySet()) {
            List<byte[]> expected = new ArrayList<>();
            e.getValue().forEach(i -> expected.add(records.get(i)));
            assertThat(stored.get(e.getKey())).isEqualTo(concat(expected));
        }
        long userBytes = records.stream().mapToLong(r -> r.length).sum();
        assertThat(stored.values().stream().mapToLong(d -> d.length).sum()).isEqualTo(userBytes);
    }

    @Test
    void customDelimiterIsAddedUnlessTheRecordEndsWithIt() throws Exception {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.delimited("<|>")).build());
        List<byte[]> records = List.of("a".getBytes(StandardCharsets.UTF_8), "b<|>".getBytes(StandardCharsets.UTF_8),
                "c".getBytes(StandardCharsets.UTF_8));
        List<PutResult> results = putAll(p, records);
        assertThat(results).extracting(PutResult::recordId).containsOnly(results.get(0).recordId());
        assertThat(new String(storedById(stream).get(results.get(0).recordId()), StandardCharsets.UTF_8))
                .isEqualTo("a<|>b<|>c<|>");
    }

    @Test
    void packedRecordsStayWithinTheirLimitsAndATooBigRecordGoesInOneOfItsOwnStillDelimited() throws Exception {
        String stream = newStream();
        RecordPacking packing = RecordPacking.newlineDelimited().maxBytes(2_048).maxRecords(7);
        FirehoseProducer p = producer(stream, config(packing).build());
        List<byte[]> records = new ArrayList<>(records(600, 3));
        byte[] big = new byte[5_000];
        Arrays.fill(big, (byte) 'x');
        records.add(300, big);
        List<PutResult> results = putAll(p, records);
        Map<String, byte[]> stored = storedById(stream);
        for (Map.Entry<String, List<Integer>> e : partsById(results).entrySet()) {
            if (e.getValue().contains(300)) {
                assertThat(e.getValue()).containsExactly(300);
                assertThat(stored.get(e.getKey())).as("alone, with its delimiter").isEqualTo(withNewline(big));
            } else {
                assertThat(e.getValue()).hasSizeLessThanOrEqualTo(7);
                assertThat(stored.get(e.getKey()).length).isLessThanOrEqualTo(2_048);
            }
        }
    }

    @Test
    void gzipMakesEachPackedRecordOneGzipMemberAndTheirConcatenationAValidGzipFile() throws Exception {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.newlineDelimited().gzip()).build());
        List<byte[]> records = records(3_000, 4);
        List<PutResult> results = putAll(p, records);
        Map<String, byte[]> stored = storedById(stream);
        Map<String, List<Integer>> parts = partsById(results);
        List<String> order = new ArrayList<>(parts.keySet());
        order.sort(Comparator.comparingInt(id -> parts.get(id).get(0)));
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        List<byte[]> expectedAll = new ArrayList<>();
        for (String id : order) {
            List<byte[]> expected = new ArrayList<>();
            parts.get(id).forEach(i -> expected.add(withNewline(records.get(i))));
            assertThat(gunzip(stored.get(id))).isEqualTo(concat(expected));
            object.writeBytes(stored.get(id));
            expectedAll.addAll(expected);
        }
        // What an S3 object of several of them is: still one valid .gz file.
        assertThat(gunzip(object.toByteArray())).isEqualTo(concat(expectedAll));
        long userBytes = records.stream().mapToLong(r -> r.length).sum();
        assertThat(stored.values().stream().mapToLong(d -> d.length).sum()).isLessThan(userBytes);
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    @Test
    void underDroppedConnectionsEveryUserRecordIsAccountedForAndEveryOneStoredTwiceIsFlagged() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().dropAfterStoreRate(0.05).dropBeforeStoreRate(0.02).build());
        // Small packed records and batches, so that the faults, drawn per request, hit many requests.
        FirehoseProducer p = producer(stream, config(RecordPacking.newlineDelimited().maxRecords(10))
                .maxBatchRecords(5).build());
        List<byte[]> records = records(6_000, 5);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (byte[] r : records) {
            futures.add(p.put(r));
        }
        p.flush().get(60, TimeUnit.SECONDS);
        local.setFaults(stream, Faults.none());

        // How many times each user record was stored: count it in every stored packed record.
        Map<String, Integer> copies = new HashMap<>();
        for (StoredRecord r : local.ledger().records(stream)) {
            for (String line : new String(r.data(), StandardCharsets.UTF_8).split("\n")) {
                copies.merge(line, 1, Integer::sum);
            }
        }
        int acknowledged = 0;
        int failed = 0;
        int storedTwice = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String line = new String(records.get(i), StandardCharsets.UTF_8).strip();
            CompletableFuture<PutResult> f = futures.get(i);
            assertThat(f).as("record %d settled", i).isDone();
            int n = copies.getOrDefault(line, 0);
            boolean flagged;
            try {
                PutResult r = f.join();
                acknowledged++;
                flagged = r.mayBeDuplicated();
                if (n == 0) {
                    problems.add(i + " acknowledged but not stored");
                }
            } catch (CompletionException e) {
                failed++;
                RecordFailedException cause = (RecordFailedException) e.getCause();
                flagged = cause.mayBeDuplicated();
                if (n > 0 && !flagged) {
                    problems.add(i + " failed unflagged but stored");
                }
            }
            if (n > 1) {
                storedTwice++;
                if (!flagged) {
                    problems.add(i + " stored " + n + " times, not flagged");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(acknowledged + failed).isEqualTo(records.size());
        assertThat(storedTwice).as("the faults did store some packed records twice").isPositive();
        StreamStats stats = p.stats().streams().get(stream);
        assertThat(stats.recordsAcknowledged()).isEqualTo(acknowledged);
        assertThat(stats.recordsFailed()).isEqualTo(failed);
        assertThat(stats.bufferedRecords()).isZero();
    }

    @Test
    void aStreamWhoseBufferShareFillsSendsWithoutWaitingForTheLingerTime() throws Exception {
        // A full packed request holds tens of thousands of small records, more than a stream may
        // buffer: without sending under buffer pressure, puts would wait for the 40 s linger.
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.newlineDelimited())
                .lingerTime(Duration.ofSeconds(40)).maxBufferedRecords(2_000).maxBlockTime(Duration.ofSeconds(10))
                .build());
        List<byte[]> records = records(10_000, 6);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (byte[] r : records) {
            futures.add(p.put(r));   // throws BufferFullException after 10 s if nothing is sent
        }
        for (int i = 0; i < futures.size() - 2_000; i++) {
            assertThat(futures.get(i).get(30, TimeUnit.SECONDS).recordId()).isNotNull();
        }
    }

    @Test
    void putOwnedSendsTheArrayItWasGivenWithoutACopy() throws Exception {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.none()).lingerTime(Duration.ofSeconds(30)).build());
        byte[] owned = "owned".getBytes(StandardCharsets.UTF_8);
        byte[] copied = "copied".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<PutResult> a = p.putOwned(owned);
        CompletableFuture<PutResult> b = p.put(copied);
        // Changed while still buffered (the linger is long): what put copied is unaffected, what
        // putOwned took over is not a copy. An application must never do this; it shows the ownership.
        owned[0] = 'O';
        copied[0] = 'C';
        p.flush().get(30, TimeUnit.SECONDS);
        Map<String, byte[]> stored = storedById(stream);
        assertThat(new String(stored.get(a.join().recordId()), StandardCharsets.UTF_8)).isEqualTo("Owned");
        assertThat(new String(stored.get(b.join().recordId()), StandardCharsets.UTF_8)).isEqualTo("copied");
        assertThatThrownBy(() -> p.putOwned(new byte[RecordPacking.MAX_BYTES + 1]))
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void aRecordThatCannotFitOneFirehoseRecordWithItsDelimiterIsRefusedByPut() {
        String stream = newStream();
        FirehoseProducer p = producer(stream, config(RecordPacking.newlineDelimited()).build());
        assertThatThrownBy(() -> p.put(new byte[RecordPacking.MAX_BYTES]))
                .isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("1,024,000 bytes exceeds the 1,023,999-byte limit of a user record");
        FirehoseProducer gz = producer(stream, config(RecordPacking.newlineDelimited().gzip()).build());
        assertThatThrownBy(() -> gz.put(new byte[RecordPacking.MAX_BYTES - RecordPacking.GZIP_RESERVE]))
                .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("GZIP");
        assertThat(RecordPacking.none().maxUserRecordBytes()).isEqualTo(RecordPacking.MAX_BYTES);
    }

    @Test
    void settingsOutOfRangeAreRefusedWithTheSettingAndTheRange() {
        assertThatThrownBy(() -> RecordPacking.delimited(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delimiter")
                .hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> RecordPacking.delimited(new byte[65]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 65");
        assertThatThrownBy(() -> RecordPacking.newlineDelimited().maxBytes(1_023))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes must be between 1024 and 1024000, was 1023");
        assertThatThrownBy(() -> RecordPacking.newlineDelimited().maxBytes(1_024_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1024001");
        assertThatThrownBy(() -> RecordPacking.newlineDelimited().maxRecords(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecords must be between 1 and 100000, was 0");
        assertThatThrownBy(() -> RecordPacking.none().gzip()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none()");
        assertThat(ProducerConfig.defaults().packing()).isEqualTo(RecordPacking.none());
        assertThat(RecordPacking.newlineDelimited().gzip().maxUncompressedBytes())
                .isEqualTo(RecordPacking.MAX_BYTES - RecordPacking.GZIP_RESERVE);
    }
}
