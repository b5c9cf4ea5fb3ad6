package dev.firehose.producer.appender.internal;

/**
 * What the current thread is doing for the appenders, one lookup per event: whether it is one of
 * an appender's producer threads (anything logged there is the appender's own work), and whether
 * it is inside a shipper already (anything logged then was caused by shipping an event).
 */
public final class ThreadRole {

    /** The name prefix of every thread a {@code FirehoseProducer} starts. */
    public static final String PRODUCER_THREAD_PREFIX = "firehose-producer-";

    private static final ThreadLocal<ThreadRole> CURRENT = ThreadLocal.withInitial(ThreadRole::new);

    /** Set on a thread that an appender's producer called back on. Owned by that thread. */
    public boolean producerThread;
    /** Set while the thread encodes or puts an event. Owned by that thread. */
    public boolean shipping;

    private ThreadRole() {
    }

    /** @return the current thread's role */
    public static ThreadRole current() {
        return CURRENT.get();
    }

    /**
     * Marks the current thread as a producer thread, if it is one (an application thread that
     * closes a producer also runs its callbacks, and stays an application thread).
     */
    public static void markProducerThread() {
        ThreadRole role = CURRENT.get();
        if (!role.producerThread && Thread.currentThread().getName().startsWith(PRODUCER_THREAD_PREFIX)) {
            role.producerThread = true;
        }
    }
}
