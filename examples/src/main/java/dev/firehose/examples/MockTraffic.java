package dev.firehose.examples;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

/**
 * Mock web traffic: JSON records of {@code ip_address}, {@code timestamp} and {@code alert_level},
 * the same sequence for the same seed. Not thread-safe: each thread that generates needs its own.
 */
public final class MockTraffic {

    private static final String[] ALERT_LEVELS = {"Low", "Medium", "High", "Critical"};
    /** The alert levels' weights: most traffic is quiet. */
    private static final int[] ALERT_WEIGHTS = {60, 25, 11, 4};
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final long seed;

    public MockTraffic(long seed) {
        this.seed = seed;
    }

    /**
     * The record at {@code index}: a pure function of the seed and the index, so threads can
     * generate disjoint ranges and the whole sequence stays the same for a seed.
     */
    public String record(long index) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        String ip = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        Instant timestamp = START.plus(index * 250 + random.nextInt(250), ChronoUnit.MILLIS);
        return "{\"ip_address\":\"" + ip + "\",\"timestamp\":\"" + timestamp
                + "\",\"alert_level\":\"" + alertLevel(random.nextInt(100)) + "\"}\n";
    }

    /** The record at {@code index} as UTF-8 bytes. */
    public byte[] bytes(long index) {
        return record(index).getBytes(StandardCharsets.UTF_8);
    }

    private static String alertLevel(int percentile) {
        int bound = 0;
        for (int i = 0; i < ALERT_LEVELS.length; i++) {
            bound += ALERT_WEIGHTS[i];
            if (percentile < bound) {
                return ALERT_LEVELS[i];
            }
        }
        return ALERT_LEVELS[ALERT_LEVELS.length - 1];
    }
}
