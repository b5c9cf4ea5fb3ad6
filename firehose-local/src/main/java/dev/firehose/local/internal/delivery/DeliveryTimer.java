package dev.firehose.local.internal.delivery;

import java.time.Duration;

/**
 * Runs a task once, after a delay in real time, on a thread of its own: how {@link Delivery} wakes
 * up at the end of a zero-buffering window. Implementations are thread-safe and never throw from
 * {@link #schedule}; once stopped, they drop what they are given (whoever stops the timer delivers
 * what is buffered).
 */
@FunctionalInterface
public interface DeliveryTimer {

    /** Runs {@code task} once, {@code delay} from now; does nothing once the timer has stopped. */
    void schedule(Duration delay, Runnable task);

    /** A timer that never runs anything: buffers wait for a delivery check or an explicit delivery. */
    static DeliveryTimer none() {
        return (delay, task) -> {
        };
    }
}
