package dev.firehose.producer.internal;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The producer's request threads, which call the SDK client (which marshals, encodes and signs a
 * request on the calling thread) and handle the responses, so that this work is spread over
 * several cores instead of the sender thread's one: a fixed pool for an asynchronous client, one
 * thread per request for a synchronous one. Their queue holds at most the requests in flight,
 * which the sender bounds.
 *
 * <p>{@link #direct()} runs every task on the calling thread instead: tests and benchmarks that
 * drive the sender by hand use it, so that one thread does everything in a known order.
 *
 * <p>A task handed over after {@link #shutdown} runs on the calling thread: the only tasks that
 * can come that late handle a response to a request that close has already failed, and do nothing.
 */
final class RequestThreads implements Executor {

    private static final long IDLE_SECONDS = 60;

    private final String name;
    private final ThreadPoolExecutor pool;

    private RequestThreads(String name, ThreadPoolExecutor pool) {
        this.name = name;
        this.pool = pool;
    }

    /**
     * A pool of {@code threads} daemon threads named {@code <name>-request-<n>}, for an
     * asynchronous client, which only marshals and signs on the calling thread.
     */
    static RequestThreads pool(String name, int threads) {
        return create(name, threads);
    }

    /**
     * One thread per request being sent, at most {@code maxThreads} (the sender keeps at most that
     * many requests in flight), started as needed and stopped after a minute idle, for a
     * synchronous client, which holds the calling thread for the whole request. A request handed
     * over while every thread is still finishing its previous one waits in the queue for the first
     * thread free, never on the sender thread.
     */
    static RequestThreads perRequest(String name, int maxThreads) {
        return create(name, maxThreads);
    }

    private static RequestThreads create(String name, int threads) {
        BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        AtomicInteger number = new AtomicInteger();
        RequestThreads[] self = new RequestThreads[1];
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                queue, task -> {
                    Thread t = new RequestThread(self[0], task, name + "-request-" + number.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
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

    /**
     * Hands a task to a request thread, never running it on the caller.
     *
     * @return false if the threads have stopped and the task will not run
     */
    boolean submit(Runnable task) {
        if (pool == null) {
            task.run();
            return true;
        }
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** @return true on one of these request threads */
    boolean isRequestThread() {
        // A field of the thread, not a ThreadLocal: every put asks, and a ThreadLocal lookup that
        // misses (on the application's threads) costs more than the rest of the check.
        return pool != null && Thread.currentThread() instanceof RequestThread t && t.owner == this;
    }

    /** Lets the queued tasks finish, takes no new ones, and stops the threads once idle. */
    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /**
     * Takes no new tasks, drops the queued ones and interrupts the threads: close ran out of time,
     * and a thread stuck inside the client is abandoned if the interrupt does not free it.
     */
    void shutdownNow() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** @return how many threads are still running a task */
    int activeThreads() {
        return pool == null ? 0 : pool.getActiveCount();
    }

    /** @return true if the threads stopped within {@code timeout} after {@link #shutdown()} */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return pool == null || pool.awaitTermination(DefaultFirehoseProducer.saturatedNanos(timeout),
                TimeUnit.NANOSECONDS);
    }

    /** A request thread, which knows its pool. */
    private static final class RequestThread extends Thread {

        final RequestThreads owner;

        RequestThread(RequestThreads owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
        }
    }
}
