package dev.firehose.local.cloudwatch;

import java.time.Instant;
import java.util.Map;

/**
 * Metric data points kept in one-minute buckets, the way CloudWatch stores standard-resolution
 * metrics. The Firehose side records its AWS/Firehose metrics here; the CloudWatch side serves
 * them and stores what PutMetricData sends. Thread-safe.
 */
public final class MetricStore {

    /**
     * Adds one sample to the one-minute bucket that holds {@code timestamp}.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions e.g. {@code DeliveryStreamName -> clicks}
     * @param value      the sample's value
     * @param unit       a CloudWatch unit name, e.g. {@code Count}, {@code Bytes}, {@code Milliseconds}
     */
    public void record(String namespace, String metricName, Map<String, String> dimensions,
                       Instant timestamp, double value, String unit) {
        // Implemented with the CloudWatch endpoint.
    }
}
