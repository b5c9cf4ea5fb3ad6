package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Packing's invariants over many random inputs (record sizes from 0 bytes to the record limit,
 * delimiters, limits, GZIP, batch limits): every batch stays within the request limits, every
 * packed record within its own limits and the service's record limit, and the packed records of a
 * stream hold every record once, in put order, each followed by the delimiter unless it ends with it.
 */
class PackingPropertiesTest {

    private static final long T0 = 1_000_000_000L;
    private static final long DEADLINE = TimeUnit.MINUTES.toNanos(2);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void packedBatchesKeepEveryLimitAndEveryRecordInOrder(long seed) throws IOException {
        Random random = new Random(seed);
        RecordPacking packing = switch (random.nextInt(4)) {
            case 0 -> RecordPacking.newlineDelimited();
            case 1 -> RecordPacking.concatenated();
            case 2 -> RecordPacking.delimited("<|>");
            default -> RecordPacking.delimited(new byte[] {0});
        };
        if (random.nextBoolean()) {
            packing = packing.maxBytes(1_024 + random.nextInt(RecordPacking.MAX_BYTES - 1_024 + 1));
        }
        if (random.nextBoolean()) {
            packing = packing.maxRecords(1 + random.nextInt(random.nextBoolean() ? 10 : 2_000));
        }
        if (random.nextInt(4) == 0) {
            packing = packing.gzip();
        }
        int maxBatchRecords = random.nextBoolean() ? ProducerConfig.MAX_BATCH_RECORDS : 1 + random.nextInt(20);
        long maxBatchBytes = random.nextBoolean() ? ProducerConfig.MAX_BATCH_BYTES
                : ProducerConfig.MAX_RECORD_BYTES + random.nextInt(ProducerConfig.MAX_BATCH_BYTES - ProducerConfig.MAX_RECORD_BYTES);
        RecordAccumulator acc = new RecordAccumulator(maxBatchRecords, maxBatchBytes, 1,
                now -> new RateController(1_000, false, 0, 0, 0, now));
        acc.packing(new RecordPacker(packing), Long.MAX_VALUE, Long.MAX_VALUE);
        byte[] delimiter = packing.delimiter();
        int maxRecord = packing.maxUserRecordBytes();

        int n = 200 + random.nextInt(2_000);
        List<byte[]> records = new ArrayList<>(n);
        List<ProducerEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = switch (random.nextInt(20)) {
                case 0 -> 0;
                case 1 -> maxRecord - random.nextInt(3);   // the largest a put accepts, or just under
                case 2 -> 10_000 + random.nextInt(200_000);
                default -> 1 + random.nextInt(300);
            };
            byte[] data = new byte[size];
            random.nextBytes(data);
            if (size > 0 && delimiter.length > 0 && random.nextInt(5) == 0) {
                // Some already end with the delimiter.
                System.arraycopy(delimiter, 0, data, Math.max(0, size - delimiter.length),
                        Math.min(size, delimiter.length));
            }
            records.add(data);
            ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromByteArrayUnsafe(data)).build(),
                    size, T0, T0 + DEADLINE, new FlushTracker().enter());
            entries.add(e);
            acc.append(e);
        }

        List<ProducerEntry> order = new ArrayList<>();
        ByteArrayOutputStream packedStream = new ByteArrayOutputStream();
        long now = T0 + 10;
        for (int round = 0; order.size() < n && round < 100_000; round++) {
            for (Batch batch : acc.drain(now)) {
                assertThat(batch.entries()).hasSizeLessThanOrEqualTo(maxBatchRecords);
                long wire = 0;
                for (ProducerEntry e : batch.entries()) {
                    byte[] data = e.materialize().data().asByteArray();
                    assertThat(data.length).as("a Firehose record").isLessThanOrEqualTo(ProducerConfig.MAX_RECORD_BYTES)
                            .isEqualTo(e.size);
                    wire += e.size;
                    assertThat(e.parts).as("with packing every Firehose record is packed").isNotNull();
                    assertThat(e.parts).hasSizeLessThanOrEqualTo(packing.maxRecords());
                    byte[] plain = packing.gzipped() ? gunzip(data) : data;
                    if (e.parts.length > 1) {
                        assertThat(plain.length).isLessThanOrEqualTo(packing.maxUncompressedBytes());
                    }
                    packedStream.writeBytes(plain);
                    order.addAll(Arrays.asList(e.parts));
                }
                assertThat(wire).as("request bytes").isLessThanOrEqualTo(maxBatchBytes);
                // Settle, so that the stream's in-flight slot frees for the next drain.
                acc.requestCompleted(batch.stream());
            }
            now += 1;
        }
        assertThat(order).as("every record once, in put order").containsExactlyElementsOf(entries);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (ProducerEntry e : order) {
            byte[] data = records.get(entries.indexOf(e));
            expected.writeBytes(data);
            if (!endsWith(data, delimiter)) {
                expected.writeBytes(delimiter);
            }
        }
        assertThat(packedStream.toByteArray()).isEqualTo(expected.toByteArray());
    }

    private static boolean endsWith(byte[] data, byte[] suffix) {
        if (suffix.length == 0) {
            return true;
        }
        if (data.length < suffix.length) {
            return false;
        }
        return Arrays.equals(data, data.length - suffix.length, data.length, suffix, 0, suffix.length);
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }
}
