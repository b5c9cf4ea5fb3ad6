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

    final Batch batch;
    final PutRecordBatchRequest request;
    final long startNanos;
    /** Counts what the SDK transmits for this request. */
    final SdkAttempts.Tracker tracker;
    /** The earliest deadline among the request's unsettled records; sender thread only. */
    long nextDeadline;

    private volatile CompletableFuture<PutRecordBatchResponse> future;
    private volatile boolean cancelled;
    private volatile int claimed;
    private volatile boolean handedToClient;

    InFlightRequest(Batch batch, PutRecordBatchRequest request, long startNanos) {
        this(batch, request, startNanos, new SdkAttempts.Tracker());
    }

    InFlightRequest(Batch batch, PutRecordBatchRequest request, long startNanos, SdkAttempts.Tracker tracker) {
        this.batch = batch;
        this.request = request;
        this.startNanos = startNanos;
        this.tracker = tracker;
    }

    /** A request thread is about to call the client with it. */
    void handedToClient() {
        handedToClient = true;
    }

    /**
     * @return true if the request may have reached the service: it was handed to the client (a
     *     client that is not the SDK's own says nothing more) or the SDK transmitted it
     */
    boolean mayHaveReachedService() {
        return handedToClient || tracker.transmissions() > 0;
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
    }

    /** @return true for the one caller that handles the outcome, false for every later caller */
    boolean claim() {
        return CLAIMED.compareAndSet(this, 0, 1);
    }
}
