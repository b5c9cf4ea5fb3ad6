package dev.firehose.benchmarks;

import java.util.SplittableRandom;

/**
 * A pool of distinct record payloads of one size, shared by every contender of a scenario so that
 * all of them send the same bytes. The pool is a power of two in length and holds at most 16 MiB.
 */
final class Payloads {

    private static final int MAX_POOL_BYTES = 16 * 1024 * 1024;
    private static final int MAX_POOL_RECORDS = 4096;
    private static final byte[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,:{}\"".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);

    private final int recordSize;
    private final byte[][] records;
    private final int mask;

    private Payloads(int recordSize, byte[][] records) {
        this.recordSize = recordSize;
        this.records = records;
        this.mask = records.length - 1;
    }

    /** Text-like records (what web-traffic events look like), deterministic for a seed. */
    static Payloads of(int recordSize, long seed) {
        if (recordSize < 1) {
            throw new IllegalArgumentException("record size must be at least 1 byte, was " + recordSize);
        }
        int count = Integer.highestOneBit(Math.max(1, Math.min(MAX_POOL_RECORDS, MAX_POOL_BYTES / recordSize)));
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] records = new byte[count][];
        for (int i = 0; i < count; i++) {
            byte[] record = new byte[recordSize];
            for (int j = 0; j < recordSize; j++) {
                record[j] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            records[i] = record;
        }
        return new Payloads(recordSize, records);
    }

    int recordSize() {
        return recordSize;
    }

    int poolSize() {
        return records.length;
    }

    /** The payload for the {@code index}-th record sent; the pool wraps around. */
    byte[] get(long index) {
        return records[(int) (index & mask)];
    }
}
