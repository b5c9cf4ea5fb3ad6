package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.RequestCompletedEvent;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The sender thread: drains ready batches from the {@link RecordAccumulator}, sends each as one
 * PutRecordBatch request, and handles every response: acknowledged entries are settled, failed
 * entries go to the {@link RetryPolicy} (requeued or failed), and the stream's
 * {@link RateController} hears about throttling.
 *
 * <p>Threads: one thread runs {@link #run()}, and it alone touches the retry queues, the
 * requests in flight and the entries' attempt state. SDK completions arrive on I/O threads; they
 * only enqueue a {@link Completion} and wake the sender, so no producer state is touched and
 * nothing is thrown on an I/O thread. No lock is held while a request is sent.
 *
 * <p>{@link #runOnce()} does one round of work with the time from the injected {@link Ticker} and
 * returns how long to sleep, so tests drive the sender by hand without the thread.
 */
final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final String OPERATION = "PutRecordBatch";
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_REQUEST_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A request in flight. */
    record InFlightRequest(Batch batch, long startNanos, CompletableFuture<PutRecordBatchResponse> future) {
    }

    /** A request's outcome, handed from an I/O thread to the sender thread. */
    record Completion(InFlightRequest request, PutRecordBatchResponse response, Throwable error) {
    }

    private final RecordAccumulator accumulator;
    private final FirehoseAsyncClient client;
    private final RetryPolicy retryPolicy;
    private final Settler settler;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;
    private final long requestTimeoutNanos;
    /** Puts between their closed check and their append; the sender finishes only when it is zero. */
    private final AtomicInteger appendsInProgress;
    private final Runnable onTerminated;

    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Sender thread only. */
    private final Set<InFlightRequest> inFlight = new HashSet<>();

    private volatile Thread thread;
    private volatile boolean closing;
    private volatile boolean forceClosed;
    private volatile Duration closeTimeout = Duration.ZERO;

    Sender(RecordAccumulator accumulator, FirehoseAsyncClient client, RetryPolicy retryPolicy, Settler settler,
            StatsRecorder stats, Listeners listeners, Ticker ticker, Duration requestTimeout,
            AtomicInteger appendsInProgress, Runnable onTerminated) {
        this.accumulator = accumulator;
        this.client = client;
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
     * One round: handle completed requests, fail expired records, send ready batches.
     *
     * @return nanoseconds to wait before the next round, or -1 once the sender has finished
     */
    long runOnce() {
        Completion c;
        while ((c = completions.poll()) != null) {
            handle(c, ticker.read());
        }
        if (forceClosed) {
            failPending();
            return -1;
        }
        long now = ticker.read();
        for (ProducerEntry e : accumulator.expire(now)) {
            settler.fail(e, retryPolicy.deliveryTimeout(e));
        }
        for (Batch batch : accumulator.drain(now)) {
            send(batch, now);
        }
        if (closing && appendsInProgress.get() == 0 && accumulator.isIdle() && completions.isEmpty()) {
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
        CompletableFuture<PutRecordBatchResponse> future;
        try {
            future = client.putRecordBatch(request);
            if (future == null) {
                future = CompletableFuture.failedFuture(new IllegalStateException("client returned no future"));
            }
        } catch (Throwable t) {
            future = CompletableFuture.failedFuture(t);
        }
        InFlightRequest inFlightRequest = new InFlightRequest(batch, now, future);
        inFlight.add(inFlightRequest);
        log.atDebug().addKeyValue("stream", batch.stream()).addKeyValue("records", records.size())
                .addKeyValue("bytes", batch.bytes()).addKeyValue("timeoutMs", timeout.toMillis()).log("batch sent");
        future.whenComplete((response, error) -> {
            completions.add(new Completion(inFlightRequest, response, error));
            wakeup();
        });
    }

    private void handle(Completion c, long now) {
        if (!inFlight.remove(c.request())) {
            return;
        }
        Batch batch = c.request().batch();
        accumulator.requestCompleted(batch.stream());
        Duration latency = Duration.ofNanos(Math.max(0, now - c.request().startNanos()));
        if (c.error() != null || c.response() == null) {
            Throwable error = c.error() != null ? c.error() : new IllegalStateException("no response");
            handleRequestFailure(batch, ErrorClassifier.classifyRequest(error), c.request().startNanos(), latency, now);
            return;
        }
        List<PutRecordBatchResponseEntry> responses = c.response().requestResponses();
        if (responses == null || responses.size() != batch.entries().size()) {
            handleRequestFailure(batch, new Classification("MalformedResponse", "expected " + batch.entries().size()
                    + " entry results, got " + (responses == null ? 0 : responses.size()), true, false, true),
                    c.request().startNanos(), latency, now);
            return;
        }
        handleResponse(batch, responses, c.request().startNanos(), latency, now);
    }

    private void handleResponse(Batch batch, List<PutRecordBatchResponseEntry> responses, long startNanos,
            Duration latency, long now) {
        // First the request's own outcome (stats, listeners, pacing), so that whoever sees a
        // record's future complete also sees its request counted; then the records.
        Classification[] failures = new Classification[responses.size()];
        Map<String, Integer> failedByCode = new TreeMap<>();
        int accepted = 0;
        long acceptedBytes = 0;
        int throttled = 0;
        for (int i = 0; i < responses.size(); i++) {
            PutRecordBatchResponseEntry response = responses.get(i);
            if (response.errorCode() == null) {
                accepted++;
                acceptedBytes += batch.entries().get(i).size;
                continue;
            }
            failures[i] = ErrorClassifier.classifyEntry(response.errorCode(), response.errorMessage());
            failedByCode.merge(failures[i].code(), 1, Integer::sum);
            if (failures[i].throttled()) {
                throttled++;
            }
        }
        RateController rate = accumulator.queues().get(batch.stream()).rate;
        if (throttled > 0) {
            rate.onThrottled(startNanos, now, (double) throttled / responses.size());
        } else {
            rate.onSuccess();
        }
        completed(batch, latency, accepted, acceptedBytes, Collections.unmodifiableMap(failedByCode), throttled,
                null);

        int retried = 0;
        for (int i = 0; i < responses.size(); i++) {
            ProducerEntry entry = batch.entries().get(i);
            if (failures[i] == null) {
                settler.succeed(entry, responses.get(i).recordId());
            } else if (retryOrFail(entry, failures[i], now)) {
                retried++;
            }
        }
        if (!failedByCode.isEmpty()) {
            log.atWarn().addKeyValue("stream", batch.stream()).addKeyValue("records", batch.entries().size())
                    .addKeyValue("failedByCode", failedByCode).addKeyValue("retried", retried)
                    .addKeyValue("failed", batch.entries().size() - accepted - retried)
                    .addKeyValue("inFlightLimit", rate.inFlightLimit())
                    .log("partial failure of PutRecordBatch");
        }
        retried(batch.stream(), retried);
    }

    private void handleRequestFailure(Batch batch, Classification cls, long startNanos, Duration latency,
            long now) {
        RateController rate = accumulator.queues().get(batch.stream()).rate;
        if (cls.throttled()) {
            rate.onThrottled(startNanos, now, 1.0);
        }
        int n = batch.entries().size();
        completed(batch, latency, 0, 0, Map.of(cls.code(), n), cls.throttled() ? n : 0, cls.code());
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

    private void completed(Batch batch, Duration latency, int accepted, long acceptedBytes,
            Map<String, Integer> failedByCode, int throttled, String requestErrorCode) {
        int n = batch.entries().size();
        stats.requestCompleted(batch.stream(), n, batch.bytes(), requestErrorCode != null, throttled);
        if (!listeners.isEmpty()) {
            RequestCompletedEvent event = new RequestCompletedEvent(batch.stream(), OPERATION, n, batch.bytes(),
                    latency, accepted, acceptedBytes, failedByCode, throttled, requestErrorCode);
            listeners.fire("requestCompleted", l -> l.onRequestCompleted(event));
        }
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
     * sender's own state alone (the settler is thread-safe and settles each record once).
     */
    void failPending() {
        Thread t = thread;
        // Without a thread (tests drive runOnce by hand) the caller is the sender.
        if (t == null || t == Thread.currentThread()) {
            for (InFlightRequest r : inFlight) {
                r.future().cancel(true);
            }
            inFlight.clear();
            accumulator.removeAll();
            completions.clear();
        }
        while (appendsInProgress.get() > 0) {
            Thread.onSpinWait();
        }
        int failed = 0;
        for (ProducerEntry e : new ArrayList<>(settler.pending())) {
            if (settler.fail(e, new ProducerClosedException(e.stream, e.attempts, e.mayBeDuplicated, closeTimeout))) {
                failed++;
            }
        }
        if (failed > 0) {
            log.atWarn().addKeyValue("records", failed).addKeyValue("closeTimeoutMs", closeTimeout.toMillis())
                    .log("producer closed with records pending; they failed");
        }
    }
}
