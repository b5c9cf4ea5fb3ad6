package dev.firehose.producer.internal;

import dev.firehose.producer.RequestCompletedEvent;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * Sends a request and handles its response on a request thread ({@link RequestThreads}): calls
 * the client, counts the request (stats, {@link RequestCompletedEvent}), settles the records that
 * got a RecordId, and hands what is left to the sender as an {@link Outcome}: the pacing, the
 * in-flight count and the failed entries belong to the sender thread.
 *
 * <p>A response the SDK completes on one of its I/O threads is handled on a request thread, so
 * that no callback and no exception ever runs on an I/O thread. Stateless and thread-safe.
 */
final class RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
    static final String OPERATION = "PutRecordBatch";

    /**
     * What the sender still has to do about a request.
     *
     * @param request the request
     * @param requestFailure why the request failed as a whole (every entry failed), or null if it
     *     was answered entry by entry
     * @param entryFailures per entry, why it failed, or null where it was acknowledged; null if the
     *     request failed as a whole or every entry was acknowledged
     * @param throttled records refused with "Slow down."
     * @param cause the exception of a request that failed as a whole, or null
     * @param withheld true if the request was never sent: its records settled before, or go back unflagged
     */
    record Outcome(InFlightRequest request, Classification requestFailure, Classification[] entryFailures,
            int throttled, Throwable cause, boolean withheld) {

        Outcome(InFlightRequest request, Classification requestFailure, Classification[] entryFailures,
                int throttled, Throwable cause) {
            this(request, requestFailure, entryFailures, throttled, cause, false);
        }

        static Outcome withheld(InFlightRequest request) {
            return new Outcome(request, null, null, 0, null, true);
        }
    }

    private final FirehoseAsyncClient client;
    private final RequestThreads threads;
    private final Settler settler;
    private final StatsRecorder stats;
    private final Listeners listeners;
    private final Ticker ticker;
    private final Consumer<Outcome> sender;

    RequestHandler(FirehoseAsyncClient client, RequestThreads threads, Settler settler, StatsRecorder stats,
            Listeners listeners, Ticker ticker, Consumer<Outcome> sender) {
        this.client = client;
        this.threads = threads;
        this.settler = settler;
        this.stats = stats;
        this.listeners = listeners;
        this.ticker = ticker;
        this.sender = sender;
    }

    /** Hands a request to a request thread (sender thread). */
    void send(InFlightRequest request) {
        if (!threads.submit(() -> call(request)) && request.withhold() && request.claim()) {
            // The request threads have stopped (a forced close): the request is never sent.
            stats.requestAbandoned(request.batch.stream());
            sender.accept(Outcome.withheld(request));
        }
    }

    private void call(InFlightRequest request) {
        CompletableFuture<PutRecordBatchResponse> future;
        if (!request.handToClient()) {
            // Withheld while it waited for a request thread: its records failed as never sent.
            if (request.claim()) {
                stats.requestAbandoned(request.batch.stream());
                sender.accept(Outcome.withheld(request));
            }
            return;
        }
        request.enterClient();
        try {
            future = client.putRecordBatch(request.request());
            if (future == null) {
                future = CompletableFuture.failedFuture(new IllegalStateException("client returned no future"));
            }
        } catch (Throwable t) {
            future = CompletableFuture.failedFuture(t);
        } finally {
            request.leaveClient();
        }
        request.sent(future);
        if (future.isDone()) {
            future.whenComplete((response, error) -> handle(request, response, error));
        } else {
            future.whenComplete((response, error) -> threads.execute(() -> handle(request, response, error)));
        }
    }

    /** Handles a request's outcome, unless close has failed its records already (request thread). */
    void handle(InFlightRequest request, PutRecordBatchResponse response, Throwable error) {
        if (!request.claim()) {
            return;
        }
        Outcome outcome = null;
        try {
            outcome = outcome(request, response, error);
        } catch (Throwable t) {
            // Never leave a request unanswered: the sender retries or fails whatever is not settled.
            log.atError().setCause(t).log("unexpected error handling a PutRecordBatch response");
            outcome = new Outcome(request, ErrorClassifier.classifyRequest(t), null, 0, t);
        } finally {
            sender.accept(outcome);
        }
    }

    private Outcome outcome(InFlightRequest request, PutRecordBatchResponse response, Throwable error) {
        Batch batch = request.batch;
        int n = batch.entries().size();
        Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - request.startNanos));
        Classification requestFailure = null;
        List<PutRecordBatchResponseEntry> responses = response == null ? null : response.requestResponses();
        if (request.tracker.transmissions() > 1) {
            // The client's own retries resent the request inside this attempt: an earlier
            // transmission may have been stored without its answer reaching us, whatever the last
            // transmission ended with.
            for (ProducerEntry e : batch.entries()) {
                e.mayBeDuplicated = true;
            }
        }
        Throwable cause = null;
        if (error != null || response == null) {
            cause = error != null ? error : new IllegalStateException("client returned no response");
            requestFailure = ErrorClassifier.classifyRequest(cause);
        } else if (responses == null || responses.size() != n) {
            requestFailure = new Classification("MalformedResponse", "expected " + n + " entry results, got "
                    + (responses == null ? 0 : responses.size()), true, false, true);
        }
        if (requestFailure != null) {
            int throttled = requestFailure.throttled() ? n : 0;
            completed(batch, latency, 0, 0, Map.of(requestFailure.code(), n), throttled, requestFailure.code());
            return new Outcome(request, requestFailure, null, throttled, cause);
        }
        // First the request's own outcome (stats, listeners), so that whoever sees a record's
        // future complete also sees its request counted; then the records.
        Classification[] failures = null;
        Map<String, Integer> failedByCode = Map.of();
        int accepted = 0;
        int acceptedUserRecords = 0;
        long acceptedBytes = 0;
        long billedBytes = 0;
        int throttled = 0;
        for (int i = 0; i < n; i++) {
            PutRecordBatchResponseEntry entry = responses.get(i);
            if (entry.errorCode() == null) {
                accepted++;
                acceptedUserRecords += batch.entries().get(i).userRecords();
                int size = batch.entries().get(i).size;
                acceptedBytes += size;
                billedBytes += billed(size);
                continue;
            }
            if (failures == null) {
                failures = new Classification[n];
                failedByCode = new TreeMap<>();
            }
            failures[i] = ErrorClassifier.classifyEntry(entry.errorCode(), entry.errorMessage());
            failedByCode.merge(failures[i].code(), 1, Integer::sum);
            if (failures[i].throttled()) {
                throttled++;
            }
        }
        completed(batch, latency, accepted, acceptedBytes, Collections.unmodifiableMap(failedByCode), throttled,
                null);
        if (accepted > 0) {
            stats.firehoseRecordsAcknowledged(batch.stream(), accepted, billedBytes);
            int settled = settler.succeed(batch.stream(), batch.entries(), responses);
            if (settled < acceptedUserRecords) {
                // Failed at their deadline (or by close) while the request was out: stored all the same.
                int late = acceptedUserRecords - settled;
                stats.recordsAcknowledgedLate(batch.stream(), late);
                log.atDebug().addKeyValue("stream", batch.stream()).addKeyValue("records", late)
                        .log("records acknowledged after they had failed at their deadline");
            }
        }
        return new Outcome(request, null, failures, throttled, null);
    }

    private void completed(Batch batch, Duration latency, int accepted, long acceptedBytes,
            Map<String, Integer> failedByCode, int throttled, String requestErrorCode) {
        int n = batch.entries().size();
        long bytes = batch.sentBytes();
        stats.requestCompleted(batch.stream(), n, bytes, requestErrorCode != null, throttled);
        if (!listeners.isEmpty()) {
            RequestCompletedEvent event = new RequestCompletedEvent(batch.stream(), OPERATION, n, bytes,
                    latency, accepted, acceptedBytes, failedByCode, throttled, requestErrorCode);
            listeners.fire("requestCompleted", l -> l.onRequestCompleted(event));
        }
    }

    /** Firehose's ingestion billing unit: every record is rounded up to the next 5 KB. */
    static final int BILLING_UNIT_BYTES = 5_120;

    /** @return what Firehose bills for one record of {@code size} bytes */
    static long billed(int size) {
        return ((long) Math.max(size, 1) + BILLING_UNIT_BYTES - 1) / BILLING_UNIT_BYTES * BILLING_UNIT_BYTES;
    }
}
