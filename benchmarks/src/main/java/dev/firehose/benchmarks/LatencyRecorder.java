package dev.firehose.benchmarks;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Put-to-acknowledgement latencies of one run, in microseconds, recorded from any thread without a
 * lock. A latency can be recorded once for many records (all records of one request share it).
 */
final class LatencyRecorder {

    private final Recorder recorder = new Recorder(3);

    /** Records that {@code records} records took {@code nanos} from put to acknowledgement. */
    void record(long nanos, long records) {
        if (records > 0) {
            recorder.recordValueWithCount(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)), records);
        }
    }

    /** Forgets what was recorded so far. */
    void reset() {
        recorder.reset();
    }

    /** What was recorded since the last call or {@link #reset()}. */
    Histogram takeInterval() {
        return recorder.getIntervalHistogram();
    }
}
