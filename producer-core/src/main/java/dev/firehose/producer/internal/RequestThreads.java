package dev.firehose.producer.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The producer's request threads: a fixed pool that calls the SDK client (which marshals, encodes
 * and signs a request on the calling thread) and handles the responses, so that this work is
 * spread over several cores instead of the sender thread's one. Its queue holds at most the
 * requests in flight, which the sender bounds.
 *
 * <p>{@link #direct()} runs every task on the calling thread instead: tests and benchmarks that
 * drive the sender by hand use it, so that one thread does everything in a known order.
 *
 * <p>A task handed over after {@link #shutdown} runs on the calling thread: the only tasks that
 * can come that late handle a response to a request that close has already failed, and do nothing.
 */
final class RequestThreads implements Executor {

    private static final ThreadLocal<RequestThreads> OWNER = new ThreadLocal<>();

    private final String name;
    private final ThreadPoolExecutor pool;

    private RequestThreads(String name, ThreadPoolExecutor pool) {
        this.name = name;
        this.pool = pool;
    }

    /** A pool of {@code threads} daemon threads named {@code <name>-request-<n>}. */
    static RequestThreads pool(String name, int threads) {
        AtomicInteger number = new AtomicInteger();
        RequestThreads[] self = new RequestThreads[1];
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.NANOSECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(() -> {
                        OWNER.set(self[0]);
                        task.run();
                    }, name + "-request-" + number.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        self[0] = new RequestThreads(name, pool);
        return self[0];
    }

    /** Runs every task on the calling thread. */
    static RequestThreads direct() {
        return new RequestThreads(null, null);
    }

    /** @return the name of the producer the threads belong to, or null for {@link #direct()} */
    String name() {
        return name;
    }

    @Override
    public void execute(Runnable task) {
        if (pool == null) {
            task.run();
            return;
        }
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** @return true on one of these request threads */
    boolean isRequestThread() {
        return pool != null && OWNER.get() == this;
    }

    /**
     * Lets the queued tasks finish and stops the threads.
     *
     * @return true if they stopped within {@code grace}
     */
    boolean shutdown(Duration grace) throws InterruptedException {
        if (pool == null) {
            return true;
        }
        pool.shutdown();
        return pool.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
    }
}
