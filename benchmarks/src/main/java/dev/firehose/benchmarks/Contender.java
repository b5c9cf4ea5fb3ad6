package dev.firehose.benchmarks;

import java.time.Duration;

/**
 * One way of sending records, set up for one scenario (endpoint and record size). A run sends for
 * about the given time, then waits until every record sent is settled, so that a run's figures
 * cover records that were acknowledged, not merely handed over.
 */
interface Contender extends AutoCloseable {

    /** A short stable id, used in the chart and in logs. */
    String key();

    /** What it is, for the table. */
    String description();

    /** Watches every request this contender's client transmits. */
    RequestCounter counter();

    /** Sends for about {@code duration}, then waits until everything sent is settled. */
    Outcome drive(Duration duration, LatencyRecorder latency) throws Exception;

    @Override
    void close();

    /**
     * Counts of one run.
     *
     * @param sent records handed to the client or producer
     * @param acknowledged records Firehose acknowledged with a RecordId
     * @param failed records given up on
     * @param whileFeeding the request counts when the application stopped feeding, before the
     *     closing flush (whose last batch is partial by nature), or null when every request of the
     *     run was sent while feeding
     */
    record Outcome(long sent, long acknowledged, long failed, RequestCounter.Snapshot whileFeeding) {

        Outcome(long sent, long acknowledged, long failed) {
            this(sent, acknowledged, failed, null);
        }
    }
}
