package dev.firehose.producer.internal;

/** A source of monotonic nanoseconds; injected so tests can move time by hand. */
@FunctionalInterface
public interface Ticker {

    /** @return the current time in nanoseconds, from an arbitrary origin */
    long read();

    /** @return the JVM's {@link System#nanoTime()} */
    static Ticker system() {
        return System::nanoTime;
    }
}
