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
     * @param billedBytes what Firehose bills for the acknowledged records (each Firehose record
     *     rounded up to 5 KB), or -1 when every record was its own Firehose record (then it is
     *     {@code acknowledged} times the record size rounded up to 5 KB)
     */
    record Outcome(long sent, long acknowledged, long failed, RequestCounter.Snapshot whileFeeding,
                   long billedBytes) {

        Outcome(long sent, long acknowledged, long failed) {
            this(sent, acknowledged, failed, null, -1);
        }

        Outcome(long sent, long acknowledged, long failed, RequestCounter.Snapshot whileFeeding) {
            this(sent, acknowledged, failed, whileFeeding, -1);
        }

        /** @return what Firehose bills per 1,000 acknowledged records of {@code recordSize} bytes */
        double billedPerThousand(int recordSize) {
            if (acknowledged == 0) {
                return 0;
            }
            long billed = billedBytes >= 0 ? billedBytes
                    : acknowledged * ((Math.max(recordSize, 1) + 5_119L) / 5_120 * 5_120);
            return billed * 1_000.0 / acknowledged;
        }
    }
}
