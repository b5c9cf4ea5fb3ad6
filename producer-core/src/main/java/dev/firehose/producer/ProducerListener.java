package dev.firehose.producer;

import java.time.Duration;

/**
 * Receives the producer's events, for metrics and tracing. Every method has an empty default, so
 * an implementation overrides only what it needs. Attach with
 * {@link FirehoseProducer#addListener(ProducerListener)}, detach with
 * {@link FirehoseProducer#removeListener(ProducerListener)}; both work at any time.
 *
 * <p>Threads: {@link #onRecordAccepted} and {@link #onPutBlocked} run on the thread calling
 * {@code put}; the other methods run on the producer's own threads (the sender thread and the
 * request threads, several at once). Implementations must be thread-safe, fast and non-blocking.
 * An exception thrown by a listener is caught, logged and counted in
 * {@link ProducerStats#listenerErrors()}; it never affects a record.
 *
 * <p>How the CloudWatch {@code AWS/Firehose} metrics derive from {@link RequestCompletedEvent}, per
 * stream (the producer only uses PutRecordBatch):
 * <ul>
 *   <li>{@code IncomingRecords}, {@code IncomingBytes}: sums of {@link RequestCompletedEvent#acceptedRecords()}
 *       and {@link RequestCompletedEvent#acceptedBytes()};</li>
 *   <li>{@code IncomingPutRequests}: events with {@code !requestFailed()} (the service answered,
 *       even if some entries failed);</li>
 *   <li>{@code PutRecordBatch.Requests}: all events; {@code PutRecordBatch.Records},
 *       {@code PutRecordBatch.Bytes}, {@code PutRecordBatch.Latency}: {@link RequestCompletedEvent#records()},
 *       {@link RequestCompletedEvent#bytes()}, {@link RequestCompletedEvent#latency()};</li>
 *   <li>{@code ThrottledRecords}: sum of {@link RequestCompletedEvent#throttledRecords()}.</li>
 * </ul>
 * The endpoint's own counts can differ where a response was lost: records it stored but the
 * producer never heard about are not in {@code acceptedRecords}.
 */
public interface ProducerListener {

    /**
     * A record was accepted by {@code put} and is now buffered.
     *
     * @param stream the record's delivery stream
     * @param bytes the record's size in bytes
     */
    default void onRecordAccepted(String stream, int bytes) {
    }

    /**
     * A {@code put} had to wait for buffer space (called whether or not space was found in time).
     *
     * @param stream the record's delivery stream
     * @param blocked how long the caller waited
     */
    default void onPutBlocked(String stream, Duration blocked) {
    }

    /**
     * A PutRecordBatch request completed, successfully or not.
     *
     * @param event what was sent and what came back
     */
    default void onRequestCompleted(RequestCompletedEvent event) {
    }

    /**
     * Records were put back in the buffer to be sent again after a failed attempt.
     *
     * @param stream the delivery stream
     * @param records how many records will be sent again
     */
    default void onRecordsRetried(String stream, int records) {
    }

    /**
     * A record's future was completed, successfully or exceptionally. Called exactly once per
     * record accepted by {@code put}.
     *
     * @param event the record's outcome
     */
    default void onRecordSettled(RecordSettledEvent event) {
    }
}
