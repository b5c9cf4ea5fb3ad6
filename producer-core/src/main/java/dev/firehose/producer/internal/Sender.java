package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.RecordFailedException;
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
 * the rest: failed entries go to the {@link RetryPolicy} (requeued together, or failed), and the
 * stream's {@link RateController} and in-flight counts hear about the request.
 *
 * <p>Deadlines: the sender fails every record at its delivery deadline itself, whether it waits
 * in the accumulator or travels in a request that has not been answered (then it may have reached
 * the service, and says {@code mayBeDuplicated}); an answer that comes later is ignored and counted.
 *
 * <p>Threads: one thread runs {@link #run()}, and it alone touches the retry queues, the
 * in-flight counts, the rate controllers and the entries' attempt state (handing an entry's state
 * to a request thread with its request, and getting a failed entry back with the outcome).
 * Request threads only enqueue an {@link Outcome} and wake the sender. No lock is held while a
 * request is sent. Each outcome, expiry and batch is handled in its own try block: an exception
 * (from the application's retry policy, say) fails the records concerned with it as the cause, and
 * leaves no counter or queue half-changed.
 *
 * <p>{@link #runOnce()} does one round of work with the time from the injected {@link Ticker} and
 * returns how long to sleep, so tests drive the sender by hand without the thread (with
 * {@link RequestThreads#direct()}, requests are then sent on the calling thread as well).
 */
final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_REQUEST_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Why the records of a request that was never handed to the client are retried. */
    private static final Classification NOT_SENT = new Classification(RecordFailedException.CLIENT_ERROR,
            "the request was withheld before any request thread sent it", true, false, false);
    /** How long after its API call timeout a client call still unanswered is cancelled: 5 s. */
    static final long OVERDUE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RecordAccumulator accumulator;
    private final RequestHandler requests;
    private final RetryPolicy retryPolicy;
    private final Settler settler;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;
    private final SenderLog senderLog;
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
    /** The earliest {@link InFlightRequest#nextDeadline} in flight, or now + a day; sender thread only. */
    private long nextInFlightDeadline;

    /** The client was built with the SDK's retries off: requests need no plugin to turn them off. */
    private volatile boolean clientRetriesOff;
    private volatile boolean abandonedRequests;
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
        this.senderLog = new SenderLog(log);
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
                // A callback that ran here may have left the interrupt flag set: parking would
                // then return at once, round after round.
                Thread.interrupted();
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
     * One round: handle the outcomes of completed requests, fail expired records (waiting or in
     * flight), send ready batches.
     *
     * @return nanoseconds to wait before the next round, or -1 once the sender has finished
     */
    long runOnce() {
        Outcome o;
        while ((o = outcomes.poll()) != null) {
            handleSafely(o, ticker.read());
        }
        if (forceClosed) {
            failPending();
            return -1;
        }
        long now = ticker.read();
        accumulator.expire(now, e -> failSafely(e, retryPolicy.deliveryTimeout(e)));
        expireInFlight(now);
        if (forceClosed) {
            // A callback that ran above closed the producer: send nothing more.
            failPending();
            return -1;
        }
        for (Batch batch : accumulator.drain(now)) {
            InFlightRequest request;
            try {
                request = prepare(batch, now);
            } catch (Throwable t) {
                // Nothing was sent and nothing is in flight: fail the records and free the slot.
                log.atError().setCause(t).log("could not build a PutRecordBatch request; failing its records");
                accumulator.requestCompleted(batch.stream());
                failBatch(batch, t);
                continue;
            }
            dispatch(request);
        }
        senderLog.flush(now);
        if (closing && appendsInProgress.get() == 0 && outcomes.isEmpty() && !accumulator.hasWaiting()
                && everyRecordInFlightSettled()) {
            // Every record has settled: requests still out (their records failed at their
            // deadlines) have nothing left to say, so close need not wait for them.
            if (abandonInFlight()) {
                return -1;
            }
        }
        long next = accumulator.nextWakeup(now, MAX_IDLE_NANOS);
        if (!inFlight.isEmpty() && nextInFlightDeadline - next < 0) {
            next = nextInFlightDeadline;
        }
        return Math.max(0, next - now);
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

    private boolean everyRecordInFlightSettled() {
        for (InFlightRequest r : inFlight) {
            for (ProducerEntry e : r.batch.entries()) {
                if (!e.isSettled()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Gives up on the requests still out, whose records have all settled (sender thread, closing).
     * A request a request thread is handling (completing its records' futures, running their
     * callbacks) is waited for instead.
     *
     * @return true if none is left in flight
     */
    private boolean abandonInFlight() {
        for (InFlightRequest r : inFlight) {
            if (r.claim()) {
                stats.requestAbandoned(r.batch.stream());
                r.cancel();
                abandonedRequests = true;
                inFlight.remove(r);
                accumulator.requestCompleted(r.batch.stream());
            }
        }
        return inFlight.isEmpty();
    }

    /** @return true if the sender stopped with requests still out, whose threads may need an interrupt */
    boolean abandonedRequests() {
        return abandonedRequests;
    }

    /** The client has the SDK's retries off already (the client the producer builds). */
    void clientRetriesOff() {
        clientRetriesOff = true;
    }

    boolean isForceClosed() {
        return forceClosed;
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = DefaultFirehoseProducer.saturatedNanos(timeout);
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

    /** Builds the request of a batch: counts the attempt, sets the timeout, turns the SDK's retries off. */
    private InFlightRequest prepare(Batch batch, long now) {
        // The request's own timeout; only a batch of records close to their deadlines (which the
        // accumulator never mixes with fresher ones) gets less: the time left to the latest of them.
        long timeoutNanos = Math.max(MIN_REQUEST_TIMEOUT_NANOS,
                Math.min(requestTimeoutNanos, batch.latestDeadline() - now));
        Duration timeout = Duration.ofNanos(timeoutNanos);
        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        boolean retriesOff = clientRetriesOff;
        // Packed records are built (copied, compressed) by the request thread that sends them, off
        // the sender thread; so is then the request.
        boolean buildLater = false;
        for (ProducerEntry e : batch.entries()) {
            e.attempts++;
            buildLater |= e.record == null;
        }
        InFlightRequest inFlightRequest = buildLater
                ? new InFlightRequest(batch, () -> buildRequest(batch, timeout, tracker, retriesOff), now, tracker)
                : new InFlightRequest(batch, buildRequest(batch, timeout, tracker, retriesOff), now, tracker);
        inFlightRequest.overdueAt = now + timeoutNanos + OVERDUE_GRACE_NANOS;
        inFlightRequest.nextDeadline = earlier(batch.earliestDeadline(), inFlightRequest.overdueAt);
        return inFlightRequest;
    }

    private static PutRecordBatchRequest buildRequest(Batch batch, Duration timeout, SdkAttempts.Tracker tracker,
            boolean retriesOff) {
        List<Record> records = new ArrayList<>(batch.entries().size());
        for (ProducerEntry e : batch.entries()) {
            records.add(e.materialize());
        }
        PutRecordBatchRequest.Builder builder = PutRecordBatchRequest.builder()
                .deliveryStreamName(batch.stream())
                .records(records);
        return retriesOff
                ? builder.overrideConfiguration(o -> o.apiCallTimeout(timeout)).build()
                : SdkAttempts.prepare(builder, timeout, tracker);
    }

    /** Counts the request in flight and hands it to a request thread. */
    private void dispatch(InFlightRequest request) {
        Batch batch = request.batch;
        if (inFlight.isEmpty() || request.nextDeadline - nextInFlightDeadline < 0) {
            nextInFlightDeadline = request.nextDeadline;
        }
        inFlight.add(request);
        stats.requestSent(batch.stream());
        log.atDebug().addKeyValue("stream", batch.stream()).addKeyValue("records", batch.entries().size())
                .addKeyValue("bytes", batch.bytes()).log("batch sent");
        requests.send(request);
    }

    /** A request thread has handled what it could of a request (any thread). */
    private void completed(Outcome outcome) {
        outcomes.add(outcome);
        wakeup();
    }

    private void handleSafely(Outcome o, long now) {
        try {
            handle(o, now);
        } catch (Throwable t) {
            // handle has taken the request out of flight (in a finally block): fail what is left.
            log.atError().setCause(t).log("unexpected error handling a PutRecordBatch outcome; failing its records");
            failBatch(o.request().batch, t);
        }
    }

    private void handle(Outcome o, long now) {
        InFlightRequest request = o.request();
        if (!inFlight.contains(request)) {
            return;
        }
        Batch batch = request.batch;
        String stream = batch.stream();
        int n = batch.entries().size();
        Classification cls = o.requestFailure();
        try {
            accumulator.requestCompleted(stream);
            RateController rate = accumulator.queues().get(stream).rate;
            if (o.withheld()) {
                // Never sent: whatever has not settled goes back to be retried, unflagged.
                List<ProducerEntry> unsent = new ArrayList<>();
                List<Classification> why = new ArrayList<>();
                for (ProducerEntry e : batch.entries()) {
                    if (!e.isSettled()) {
                        unsent.add(e);
                        why.add(NOT_SENT);
                    }
                }
                retryOrFail(stream, unsent, why, null, now, rate, true);
                return;
            }
            if (cls != null) {
                if (cls.throttled()) {
                    rate.onThrottled(request.startNanos, now, 1.0);
                    senderLog.throttled(stream, n, now);
                }
                List<ProducerEntry> failed = new ArrayList<>(n);
                List<Classification> why = new ArrayList<>(n);
                for (ProducerEntry entry : batch.entries()) {
                    if (!entry.isSettled()) {
                        failed.add(entry);
                        why.add(cls);
                    }
                }
                if (!cls.retryable()) {
                    senderLog.requestFailedForGood(stream, failed.size(), cls, now);
                }
                // A request refused for good is one ERROR line, not also a WARN per record.
                retryOrFail(stream, failed, why, o.cause(), now, rate, cls.retryable());
            } else {
                if (o.throttled() > 0) {
                    rate.onThrottled(request.startNanos, now, (double) o.throttled() / n);
                    senderLog.throttled(stream, o.throttled(), now);
                } else {
                    rate.onSuccess();
                }
                Classification[] failures = o.entryFailures();
                if (failures != null) {
                    retryFailedEntries(stream, batch, failures, now, rate);
                }
            }
        } finally {
            // Only now: until its failed entries are requeued, a closing thread finds them here.
            inFlight.remove(request);
        }
    }

    /** The failed entries of a partly failed request: retried together, whatever each failed with. */
    private void retryFailedEntries(String stream, Batch batch, Classification[] failures, long now,
            RateController rate) {
        List<ProducerEntry> failed = new ArrayList<>();
        List<Classification> why = new ArrayList<>();
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] != null && !batch.entries().get(i).isSettled()) {
                failed.add(batch.entries().get(i));
                why.add(failures[i]);
            }
        }
        retryOrFail(stream, failed, why, null, now, rate, true);
    }

    /**
     * Asks the retry policy about each record that failed together ({@code why} holds what each
     * failed with); those it retries go back together, at the latest retry time it gave any of them
     * (no record is retried sooner than its policy asks). A record whose deadline comes before
     * that time goes back alone, at its own retry time.
     */
    private void retryOrFail(String stream, List<ProducerEntry> failed, List<Classification> why, Throwable cause,
            long now, RateController rate, boolean logFailures) {
        List<ProducerEntry> retry = new ArrayList<>(failed.size());
        long[] retryAts = new long[failed.size()];
        long groupRetryAt = now;
        Map<String, Integer> requeuedByCode = new TreeMap<>();
        for (int i = 0; i < failed.size(); i++) {
            ProducerEntry entry = failed.get(i);
            Classification cls = why.get(i);
            try {
                RetryPolicy.Decision decision = retryPolicy.onFailure(entry, cls, cause, now);
                if (decision.retry()) {
                    retryAts[retry.size()] = decision.retryAtNanos();
                    retry.add(entry);
                    requeuedByCode.merge(cls.code(), 1, Integer::sum);
                    groupRetryAt = later(groupRetryAt, decision.retryAtNanos());
                } else {
                    failSafely(entry, decision.failure(), logFailures);
                }
            } catch (Throwable t) {
                fail(entry, cls, t);
            }
        }
        // Records whose deadline comes before the group's time go back together too, at the
        // latest of their own times (each before its deadline, as the policy checked) if that is
        // before all their deadlines, else each at its own.
        List<ProducerEntry> group = new ArrayList<>(retry.size());
        List<ProducerEntry> early = new ArrayList<>();
        long earlyRetryAt = now;
        long earlyDeadline = Long.MAX_VALUE;
        boolean anyEarly = false;
        for (int i = 0; i < retry.size(); i++) {
            ProducerEntry entry = retry.get(i);
            if (groupRetryAt - entry.deadlineNanos >= 0) {
                earlyRetryAt = later(earlyRetryAt, retryAts[i]);
                earlyDeadline = anyEarly ? earlier(earlyDeadline, entry.deadlineNanos) : entry.deadlineNanos;
                anyEarly = true;
                early.add(entry);
            } else {
                group.add(entry);
            }
        }
        if (!group.isEmpty()) {
            accumulator.requeue(group, groupRetryAt);
        }
        if (anyEarly && earlyRetryAt - earlyDeadline < 0) {
            accumulator.requeue(early, earlyRetryAt);
        } else if (anyEarly) {
            for (int i = 0, k = 0; i < retry.size(); i++) {
                if (k < early.size() && retry.get(i) == early.get(k)) {
                    accumulator.requeue(early.get(k++), retryAts[i]);
                }
            }
        }
        int requeued = retry.stream().mapToInt(ProducerEntry::userRecords).sum();
        requeuedByCode.forEach((code, records) -> senderLog.retried(stream, code, records, rate.inFlightLimit(), now));
        if (requeued > 0) {
            stats.recordsRetried(stream, requeued);
            if (!listeners.isEmpty()) {
                listeners.fire("recordsRetried", l -> l.onRecordsRetried(stream, requeued));
            }
        }
    }

    /**
     * Fails the unsettled records of requests in flight whose deadline has passed: the request
     * may have reached the service, so they say {@code mayBeDuplicated}. The request stays in flight
     * (it still holds a request thread and a connection) until it is answered or times out. The
     * requests in flight are at most {@code maxInFlightRequests}, so a scan costs little, and it
     * runs only when the earliest of their deadlines has passed.
     */
    private void expireInFlight(long now) {
        if (inFlight.isEmpty() || now - nextInFlightDeadline < 0) {
            return;
        }
        long earliest = now + TimeUnit.DAYS.toNanos(1);
        for (InFlightRequest r : inFlight) {
            if (now - r.nextDeadline >= 0) {
                r.nextDeadline = expire(r, now);
            }
            if (r.nextDeadline - earliest < 0) {
                earliest = r.nextDeadline;
            }
        }
        nextInFlightDeadline = earliest;
    }

    /**
     * Fails the records of a request in flight whose deadline has passed, and cancels its client
     * call once overdue.
     *
     * @return the next time to look at the request
     */
    private long expire(InFlightRequest r, long now) {
        long next = now + TimeUnit.DAYS.toNanos(1);
        boolean allExpire = true;
        for (ProducerEntry e : r.batch.entries()) {
            if (!e.isSettled() && e.deadlineNanos - now > 0) {
                allExpire = false;
                next = earlier(next, e.deadlineNanos);
            }
        }
        // Records that fail as never sent must never be sent: withhold the request if it still
        // waits for a request thread; if it cannot be withheld, it may be sent, so they may be stored.
        boolean mayBeSent = r.mayHaveReachedService() || !allExpire || !r.withhold();
        for (ProducerEntry e : r.batch.entries()) {
            if (!e.isSettled() && now - e.deadlineNanos >= 0) {
                failSafely(e, retryPolicy.deliveryTimeoutInFlight(e, mayBeSent));
            }
        }
        if (!r.overdueCancelled) {
            if (now - r.overdueAt >= 0) {
                r.overdueCancelled = true;
                if (r.withhold() && r.claim()) {
                    // Still waiting for a request thread (all of them busy): it will not be sent;
                    // its records go back to be retried, unflagged.
                    // The same outcome as a request thread that finds it withheld would hand over.
                    stats.requestAbandoned(r.batch.stream());
                    handleSafely(Outcome.withheld(r), now);
                    return now + TimeUnit.DAYS.toNanos(1);
                }
                // The client ignores its API call timeout: cancel the call, so that its slot is freed.
                log.atWarn().addKeyValue("stream", r.batch.stream())
                        .addKeyValue("overdueMs", TimeUnit.NANOSECONDS.toMillis(now - r.startNanos))
                        .log("a PutRecordBatch call outlived its API call timeout; cancelling it");
                r.cancel();
            } else {
                next = earlier(next, r.overdueAt);
            }
        }
        return next;
    }

    private void failSafely(ProducerEntry entry, RecordFailedException failure) {
        failSafely(entry, failure, true);
    }

    private void failSafely(ProducerEntry entry, RecordFailedException failure, boolean logIt) {
        try {
            if (settler.fail(entry, failure) && logIt) {
                senderLog.failed(entry.stream, failure.errorCode(), ticker.read());
            }
        } catch (Throwable t) {
            // The settler completes the future before anything that could throw after it.
            log.atError().setCause(t).log("unexpected error failing a record");
        }
    }

    private void fail(ProducerEntry entry, Classification cls, Throwable cause) {
        RecordFailedException failure = new RecordFailedException(entry.stream,
                cls == null ? RecordFailedException.CLIENT_ERROR : cls.code(),
                "the producer could not handle the record's outcome: " + cause, entry.attempts,
                entry.mayBeDuplicated);
        failure.initCause(cause);
        failSafely(entry, failure);
    }

    private void failBatch(Batch batch, Throwable cause) {
        for (ProducerEntry e : batch.entries()) {
            if (!e.isSettled()) {
                fail(e, null, cause);
            }
        }
    }

    /**
     * Close ran out of time: cancel the requests in flight and fail every pending record with
     * {@link ProducerClosedException}; a record whose request was handed to the client says
     * {@code mayBeDuplicated}. Waits for puts that passed their closed check to finish appending,
     * so none is left behind. Runs on the sender thread; the closing thread calls it only as a last
     * resort, when the sender thread is stuck in a callback, and then leaves the sender's own state
     * alone (it only looks at the waiting records and the requests in flight; the settler is
     * thread-safe and settles each record once).
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
            boolean sent = !r.withhold();
            r.cancel();
            for (ProducerEntry e : r.batch.entries()) {
                failed[0] += failClosed(e, sent);
            }
        }
        if (onSender) {
            inFlight.clear();
            for (ProducerEntry e : accumulator.removeAll()) {
                failed[0] += failClosed(e, false);
            }
            outcomes.clear();
        } else {
            accumulator.forEachWaiting(e -> failed[0] += failClosed(e, false));
        }
        if (failed[0] > 0) {
            log.atWarn().addKeyValue("records", failed[0]).addKeyValue("closeTimeoutMs", closeTimeout.toMillis())
                    .log("producer closed with records pending; they failed");
        }
    }

    private int failClosed(ProducerEntry e, boolean sent) {
        if (e.isSettled()) {
            return 0;
        }
        try {
            return settler.fail(e, new ProducerClosedException(e.stream, e.attempts, e.mayBeDuplicated || sent,
                    closeTimeout)) ? 1 : 0;
        } catch (Throwable t) {
            log.atError().setCause(t).log("unexpected error failing a record at close");
            return 0;
        }
    }

    private static long later(long a, long b) {
        return b - a > 0 ? b : a;
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }
}
