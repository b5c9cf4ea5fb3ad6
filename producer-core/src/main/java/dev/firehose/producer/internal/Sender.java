package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import dev.firehose.producer.internal.RequestHandler.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The sender thread: drains ready batches from the {@link RecordAccumulator} and hands each, as
 * one PutRecordBatch request, to a request thread ({@link RequestHandler}), which calls the client,
 * settles the acknowledged records and hands back an {@link Outcome}. The sender then deals with
 * the rest: failed entries go to the {@link RetryPolicy} (requeued or failed), and the stream's
 * {@link RateController} and in-flight count hear about the request.
 *
 * <p>Threads: one thread runs {@link #run()}, and it alone touches the retry queues, the
 * in-flight counts, the rate controllers and the entries' attempt state (handing an entry's state
 * to a request thread with its request, and getting a failed entry back with the outcome).
 * Request threads only enqueue an {@link Outcome} and wake the sender. No lock is held while a
 * request is sent.
 *
 * <p>{@link #runOnce()} does one round of work with the time from the injected {@link Ticker} and
 * returns how long to sleep, so tests drive the sender by hand without the thread (with
 * {@link RequestThreads#direct()}, requests are then sent on the calling thread as well).
 */
final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_REQUEST_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordAccumulator accumulator;
    private final RequestHandler requests;
    private final RetryPolicy retryPolicy;
    private final Settler settler;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;
    private final long requestTimeoutNanos;
    /** Puts between their closed check and their append; the sender finishes only when it is zero. */
    private final AtomicInteger appendsInProgress;
    private final Runnable onTerminated;

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /**
     * Requests from dispatch until the sender has handled their outcome. Changed by the sender
     * thread only; concurrent so that a closing thread can fail their records if the sender is stuck.
     */
    private final Set<InFlightRequest> inFlight = ConcurrentHashMap.newKeySet();

    private volatile Thread thread;
    private volatile boolean closing;
    private volatile boolean forceClosed;
    private volatile Duration closeTimeout = Duration.ZERO;

    /**
     * @param client the client to send with
     * @param requestThreads where requests are sent and their responses handled
     */
    Sender(RecordAccumulator accumulator, FirehoseAsyncClient client, RequestThreads requestThreads,
            RetryPolicy retryPolicy, Settler settler, StatsRecorder stats, Listeners listeners, Ticker ticker,
            Duration requestTimeout, AtomicInteger appendsInProgress, Runnable onTerminated) {
        this.accumulator = accumulator;
        this.requests = new RequestHandler(client, requestThreads, settler, stats, listeners, ticker,
                this::completed);
        this.retryPolicy = retryPolicy;
        this.settler = settler;
        this.stats = stats;
        this.listeners = listeners;
        this.ticker = ticker;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.appendsInProgress = appendsInProgress;
        this.onTerminated = onTerminated;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (true) {
                long sleepNanos;
                try {
                    sleepNanos = runOnce();
                } catch (Throwable t) {
                    // Never let the loop die: a record would be left incomplete.
                    log.atError().setCause(t).log("unexpected error in the sender loop; continuing");
                    sleepNanos = TimeUnit.MILLISECONDS.toNanos(10);
                }
                if (sleepNanos < 0) {
                    break;
                }
                park(sleepNanos);
            }
        } finally {
            try {
                onTerminated.run();
            } finally {
                terminated.countDown();
            }
        }
    }

    /**
     * One round: handle the outcomes of completed requests, fail expired records, send ready batches.
     *
     * @return nanoseconds to wait before the next round, or -1 once the sender has finished
     */
    long runOnce() {
        Outcome o;
        while ((o = outcomes.poll()) != null) {
            handle(o, ticker.read());
        }
        if (forceClosed) {
            failPending();
            return -1;
        }
        long now = ticker.read();
        accumulator.expire(now, e -> settler.fail(e, retryPolicy.deliveryTimeout(e)));
        for (Batch batch : accumulator.drain(now)) {
            send(batch, now);
        }
        if (closing && appendsInProgress.get() == 0 && accumulator.isIdle() && outcomes.isEmpty()) {
            return -1;
        }
        return Math.max(0, accumulator.nextWakeup(now, MAX_IDLE_NANOS) - now);
    }

    /** Wakes the sender thread (any thread). */
    void wakeup() {
        if (!wakeupRequested.getAndSet(true)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Stop once everything is sent and settled (the accumulator sends without lingering). */
    void initiateClose() {
        closing = true;
        accumulator.beginClose();
        wakeup();
    }

    /** Fail everything still pending with {@link ProducerClosedException} and stop. */
    void forceClose(Duration waited) {
        closeTimeout = waited;
        closing = true;
        forceClosed = true;
        wakeup();
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        return nanos <= 0 ? terminated.getCount() == 0 : terminated.await(nanos, TimeUnit.NANOSECONDS);
    }

    boolean isSenderThread() {
        return Thread.currentThread() == thread;
    }

    private void park(long nanos) {
        if (wakeupRequested.getAndSet(false) || nanos == 0) {
            return;
        }
        LockSupport.parkNanos(this, nanos);
        wakeupRequested.set(false);
    }

    private void send(Batch batch, long now) {
        long remaining = batch.earliestDeadline() - now;
        // The SDK's API call timeout ends the attempt no later than the batch's earliest deadline.
        Duration timeout = Duration.ofNanos(
                Math.max(MIN_REQUEST_TIMEOUT_NANOS, Math.min(requestTimeoutNanos, remaining)));
        List<Record> records = new ArrayList<>(batch.entries().size());
        for (ProducerEntry e : batch.entries()) {
            e.attempts++;
            records.add(e.record);
        }
        PutRecordBatchRequest request = PutRecordBatchRequest.builder()
                .deliveryStreamName(batch.stream())
                .records(records)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                .build();
        InFlightRequest inFlightRequest = new InFlightRequest(batch, request, now);
        inFlight.add(inFlightRequest);
        stats.requestSent(batch.stream());
        log.atDebug().addKeyValue("stream", batch.stream()).addKeyValue("records", records.size())
                .addKeyValue("bytes", batch.bytes()).addKeyValue("timeoutMs", timeout.toMillis()).log("batch sent");
        requests.send(inFlightRequest);
    }

    /** A request thread has handled what it could of a request (any thread). */
    private void completed(Outcome outcome) {
        outcomes.add(outcome);
        wakeup();
    }

    private void handle(Outcome o, long now) {
        InFlightRequest request = o.request();
        if (!inFlight.contains(request)) {
            return;
        }
        Batch batch = request.batch;
        accumulator.requestCompleted(batch.stream());
        RateController rate = accumulator.queues().get(batch.stream()).rate;
        int n = batch.entries().size();
        Classification cls = o.requestFailure();
        if (cls != null) {
            if (cls.throttled()) {
                rate.onThrottled(request.startNanos, now, 1.0);
            }
            int retried = 0;
            for (ProducerEntry entry : batch.entries()) {
                if (retryOrFail(entry, cls, now)) {
                    retried++;
                }
            }
            if (cls.retryable()) {
                log.atWarn().addKeyValue("stream", batch.stream()).addKeyValue("records", n)
                        .addKeyValue("errorCode", cls.code()).addKeyValue("errorMessage", cls.message())
                        .addKeyValue("retried", retried).addKeyValue("failed", n - retried)
                        .addKeyValue("mayBeStored", cls.ambiguous()).log("PutRecordBatch failed; retrying its records");
            } else {
                log.atError().addKeyValue("stream", batch.stream()).addKeyValue("records", n)
                        .addKeyValue("errorCode", cls.code()).addKeyValue("errorMessage", cls.message())
                        .log("PutRecordBatch failed with an error retrying cannot fix; its records failed");
            }
            retried(batch.stream(), retried);
        } else {
            if (o.throttled() > 0) {
                rate.onThrottled(request.startNanos, now, (double) o.throttled() / n);
            } else {
                rate.onSuccess();
            }
            Classification[] failures = o.entryFailures();
            if (failures != null) {
                int retried = 0;
                int failed = 0;
                Map<String, Integer> failedByCode = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    if (failures[i] != null) {
                        failed++;
                        failedByCode.merge(failures[i].code(), 1, Integer::sum);
                        if (retryOrFail(batch.entries().get(i), failures[i], now)) {
                            retried++;
                        }
                    }
                }
                log.atWarn().addKeyValue("stream", batch.stream()).addKeyValue("records", n)
                        .addKeyValue("failedByCode", failedByCode).addKeyValue("retried", retried)
                        .addKeyValue("failed", failed - retried)
                        .addKeyValue("inFlightLimit", rate.inFlightLimit())
                        .log("partial failure of PutRecordBatch");
                retried(batch.stream(), retried);
            }
        }
        // Only now: until its failed entries are requeued, a closing thread finds them here.
        inFlight.remove(request);
    }

    /** @return true if the entry was requeued, false if it was failed (or had already settled) */
    private boolean retryOrFail(ProducerEntry entry, Classification cls, long now) {
        if (entry.isSettled()) {
            return false;
        }
        RetryPolicy.Decision decision = retryPolicy.onFailure(entry, cls, now);
        if (decision.retry()) {
            accumulator.requeue(entry, decision.retryAtNanos());
            return true;
        }
        settler.fail(entry, decision.failure());
        return false;
    }

    private void retried(String stream, int records) {
        if (records == 0) {
            return;
        }
        stats.recordsRetried(stream, records);
        log.atDebug().addKeyValue("stream", stream).addKeyValue("records", records).log("records requeued for retry");
        if (!listeners.isEmpty()) {
            listeners.fire("recordsRetried", l -> l.onRecordsRetried(stream, records));
        }
    }

    /**
     * Close ran out of time: cancel the requests in flight and fail every pending record with
     * {@link ProducerClosedException}. Waits for puts that passed their closed check to finish
     * appending, so none is left behind. Runs on the sender thread; the closing thread calls it
     * only as a last resort, when the sender thread is stuck in a callback, and then leaves the
     * sender's own state alone (it only looks at the waiting records and the requests in flight;
     * the settler is thread-safe and settles each record once).
     */
    void failPending() {
        Thread t = thread;
        // Without a thread (tests drive runOnce by hand) the caller is the sender.
        boolean onSender = t == null || t == Thread.currentThread();
        while (appendsInProgress.get() > 0) {
            Thread.onSpinWait();
        }
        int[] failed = {0};
        for (InFlightRequest r : inFlight) {
            // Claimed here, a response that arrives later is ignored.
            if (r.claim()) {
                stats.requestAbandoned(r.batch.stream());
            }
            r.cancel();
            for (ProducerEntry e : r.batch.entries()) {
                failed[0] += failClosed(e);
            }
        }
        if (onSender) {
            inFlight.clear();
            for (ProducerEntry e : accumulator.removeAll()) {
                failed[0] += failClosed(e);
            }
            outcomes.clear();
        } else {
            accumulator.forEachWaiting(e -> failed[0] += failClosed(e));
        }
        if (failed[0] > 0) {
            log.atWarn().addKeyValue("records", failed[0]).addKeyValue("closeTimeoutMs", closeTimeout.toMillis())
                    .log("producer closed with records pending; they failed");
        }
    }

    private int failClosed(ProducerEntry e) {
        if (e.isSettled()) {
            return 0;
        }
        return settler.fail(e, new ProducerClosedException(e.stream, e.attempts, e.mayBeDuplicated, closeTimeout))
                ? 1 : 0;
    }
}
