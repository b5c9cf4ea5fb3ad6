package dev.firehose.producer.internal;

import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

/**
 * One PutRecordBatch request, from the sender handing it to a request thread until the sender has
 * dealt with its outcome. Identity semantics: equality and hash are the object's own, never the
 * batch's 500 entries.
 *
 * <p>Threads: the request thread that sends it sets the SDK's future; its outcome is handled once,
 * by whichever thread {@link #claim() claims} it first: the request thread with the response, or
 * the sender when close fails what is left. {@link #cancel()} may come from any thread, before or
 * after the future is known.
 */
final class InFlightRequest {

    private static final AtomicIntegerFieldUpdater<InFlightRequest> CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(InFlightRequest.class, "claimed");
    private static final AtomicIntegerFieldUpdater<InFlightRequest> HANDOVER =
            AtomicIntegerFieldUpdater.newUpdater(InFlightRequest.class, "handover");
    private static final int WAITING = 0;
    private static final int HANDED_TO_CLIENT = 1;
    private static final int WITHHELD = 2;

    final Batch batch;
    /** The request; built by the request thread that sends it when {@link #build} is set. */
    private PutRecordBatchRequest request;
    private java.util.function.Supplier<PutRecordBatchRequest> build;
    final long startNanos;
    /** Counts what the SDK transmits for this request. */
    final SdkAttempts.Tracker tracker;
    /**
     * The next time the sender must look at the request: the earliest deadline among its unsettled
     * records, or when its client call is overdue; sender thread only.
     */
    long nextDeadline;
    /** When the client call is overdue (its API call timeout and a grace have passed); sender thread only. */
    long overdueAt;
    /** The client call was cancelled for being overdue; sender thread only. */
    boolean overdueCancelled;

    private volatile CompletableFuture<PutRecordBatchResponse> future;
    private volatile boolean cancelled;
    /** The request thread inside a client call with this request, or null; guarded by {@code this}. */
    private Thread caller;
    private volatile int claimed;
    /** WAITING for a request thread, HANDED_TO_CLIENT, or WITHHELD: it will never be sent. */
    private volatile int handover;

    InFlightRequest(Batch batch, PutRecordBatchRequest request, long startNanos) {
        this(batch, request, startNanos, new SdkAttempts.Tracker());
    }

    InFlightRequest(Batch batch, PutRecordBatchRequest request, long startNanos, SdkAttempts.Tracker tracker) {
        this.batch = batch;
        this.request = request;
        this.startNanos = startNanos;
        this.tracker = tracker;
    }

    /** A request built by the request thread that sends it (packed records are built there too). */
    InFlightRequest(Batch batch, java.util.function.Supplier<PutRecordBatchRequest> build, long startNanos,
            SdkAttempts.Tracker tracker) {
        this(batch, (PutRecordBatchRequest) null, startNanos, tracker);
        this.build = build;
    }

    /** @return the request, built now if it is built by the request thread (request thread only) */
    PutRecordBatchRequest request() {
        if (request == null && build != null) {
            request = build.get();
            build = null;
        }
        return request;
    }

    /**
     * A request thread is about to call the client with it (request thread).
     *
     * @return false if the request was withheld meanwhile: it must not be sent
     */
    boolean handToClient() {
        return HANDOVER.compareAndSet(this, WAITING, HANDED_TO_CLIENT);
    }

    /**
     * Makes sure the request is never sent, if it has not been handed to the client yet (any thread).
     *
     * @return true if it will never be sent; false if the client has it already
     */
    boolean withhold() {
        return HANDOVER.compareAndSet(this, WAITING, WITHHELD) || handover == WITHHELD;
    }

    /**
     * @return true if the request may have reached the service: it was handed to the client (a
     *     client that is not the SDK's own says nothing more) or the SDK transmitted it
     */
    boolean mayHaveReachedService() {
        return handover == HANDED_TO_CLIENT || tracker.transmissions() > 0;
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** The client has taken the request (request thread). */
    void sent(CompletableFuture<PutRecordBatchResponse> f) {
        future = f;
        if (cancelled) {
            f.cancel(true);
        }
    }

    /** Cancels the SDK call, now or as soon as the request thread has it (any thread). */
    void cancel() {
        cancelled = true;
        CompletableFuture<PutRecordBatchResponse> f = future;
        if (f != null) {
            f.cancel(true);
        }
        synchronized (this) {
            // A synchronous client holds its calling thread for the whole call: interrupt it.
            if (caller != null) {
                caller.interrupt();
            }
        }
    }

    /** The calling request thread enters the client (request thread). */
    void enterClient() {
        synchronized (this) {
            caller = Thread.currentThread();
        }
    }

    /**
     * The calling request thread has left the client (request thread). An interrupt from
     * {@link #cancel()} that came too late for the call is cleared, so that it cannot hit the
     * thread's next task.
     */
    void leaveClient() {
        synchronized (this) {
            caller = null;
        }
        if (cancelled) {
            Thread.interrupted();
        }
    }

    /** @return true for the one caller that handles the outcome, false for every later caller */
    boolean claim() {
        return CLAIMED.compareAndSet(this, 0, 1);
    }
}
