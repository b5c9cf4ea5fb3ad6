package dev.firehose.producer.appender.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Opens at most once per interval, for any number of threads: the first caller after the
 * interval has passed gets {@code true}, the others {@code false}. Opens at once the first time.
 * Lock-free, so that the thread of a logging call never waits on it.
 */
public final class ReportGate {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextOpen;

    /**
     * @param interval the least time between two openings
     * @param nanoClock the time in nanoseconds, as {@link System#nanoTime()}
     */
    public ReportGate(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.nextOpen = new AtomicLong(nanoClock.getAsLong());
    }

    /** @return true if the caller may report now */
    public boolean tryOpen() {
        long now = nanoClock.getAsLong();
        long next = nextOpen.get();
        return now - next >= 0 && nextOpen.compareAndSet(next, now + intervalNanos);
    }
}
