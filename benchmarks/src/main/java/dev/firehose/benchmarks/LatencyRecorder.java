package dev.firehose.benchmarks;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Put-to-acknowledgement latencies of one run, in microseconds, recorded from any thread without a
 * lock. A latency can be recorded once for many records (all records of one request share it).
 *
 * <p>Each recording thread has a recorder of its own, so that measuring a latency per record (the
 * producer's contenders, from their futures' callbacks) does not make the threads that settle
 * records contend on one histogram: the measurement costs a contender little, whichever way it
 * records.
 */
final class LatencyRecorder {

    private final CopyOnWriteArrayList<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(() -> {
        SingleWriterRecorder r = new SingleWriterRecorder(3);
        recorders.add(r);
        return r;
    });

    /** Records that {@code records} records took {@code nanos} from put to acknowledgement. */
    void record(long nanos, long records) {
        if (records > 0) {
            mine.get().recordValueWithCount(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)), records);
        }
    }

    /** Forgets what was recorded so far. */
    void reset() {
        for (SingleWriterRecorder r : recorders) {
            r.reset();
        }
    }

    /** What was recorded since the last call or {@link #reset()}, by every thread. */
    Histogram takeInterval() {
        Histogram all = new Histogram(3);
        for (SingleWriterRecorder r : recorders) {
            all.add(r.getIntervalHistogram());
        }
        return all;
    }
}
