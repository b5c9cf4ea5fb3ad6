package dev.firehose.producer.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The AWS/Firehose CloudWatch metrics that the producer can observe from the client side, each
 * paired with the Micrometer meter that mirrors it.
 *
 * <p>This is the one table that links the two views: {@link FirehoseProducerMetrics} registers a
 * meter under {@link #meterName()} for each constant, {@link FirehoseCloudWatchReader} reads
 * {@link #cloudWatchName()} from the {@value #NAMESPACE} namespace, and {@link Reconciliation}
 * compares the two.
 */
public enum FirehoseMetric {

    /** Records the service accepted: entries answered with a record id. */
    INCOMING_RECORDS("IncomingRecords", "firehose.incoming.records", Kind.COUNT, "Count", "records"),
    /** Data bytes of the records the service accepted. */
    INCOMING_BYTES("IncomingBytes", "firehose.incoming.bytes", Kind.COUNT, "Bytes", "bytes"),
    /** Put requests (PutRecord and PutRecordBatch) the service took in and answered with results. */
    INCOMING_PUT_REQUESTS("IncomingPutRequests", "firehose.incoming.put.requests", Kind.COUNT, "Count",
            "requests"),
    /** Records the service refused because the stream's quota was exceeded ("Slow down."). */
    THROTTLED_RECORDS("ThrottledRecords", "firehose.throttled.records", Kind.COUNT, "Count", "records"),
    /** Records sent in PutRecordBatch requests the service answered with results or refused as throttled. */
    PUT_RECORD_BATCH_RECORDS("PutRecordBatch.Records", "firehose.put.record.batch.records", Kind.COUNT,
            "Count", "records"),
    /** Data bytes sent in PutRecordBatch requests the service answered or refused as throttled. */
    PUT_RECORD_BATCH_BYTES("PutRecordBatch.Bytes", "firehose.put.record.batch.bytes", Kind.COUNT,
            "Bytes", "bytes"),
    /** PutRecordBatch requests the service answered with results or refused as throttled. */
    PUT_RECORD_BATCH_REQUESTS("PutRecordBatch.Requests", "firehose.put.record.batch.requests",
            Kind.COUNT, "Count", "requests"),
    /** Time per PutRecordBatch request. */
    PUT_RECORD_BATCH_LATENCY("PutRecordBatch.Latency", "firehose.put.record.batch.latency",
            Kind.LATENCY, "Milliseconds", null),
    /** Data bytes sent in PutRecord requests the service answered or refused as throttled. */
    PUT_RECORD_BYTES("PutRecord.Bytes", "firehose.put.record.bytes", Kind.COUNT, "Bytes", "bytes"),
    /** PutRecord requests the service answered or refused as throttled. */
    PUT_RECORD_REQUESTS("PutRecord.Requests", "firehose.put.record.requests", Kind.COUNT, "Count",
            "requests"),
    /** Time per PutRecord request. */
    PUT_RECORD_LATENCY("PutRecord.Latency", "firehose.put.record.latency", Kind.LATENCY,
            "Milliseconds", null);

    /** The CloudWatch namespace of the Firehose metrics. */
    public static final String NAMESPACE = "AWS/Firehose";

    /** The CloudWatch dimension that names the delivery stream. */
    public static final String STREAM_DIMENSION = "DeliveryStreamName";

    /** The Micrometer tag that names the delivery stream on every meter of this module. */
    public static final String STREAM_TAG = "stream";

    /** How a metric is aggregated. */
    public enum Kind {
        /** A count or a number of bytes: CloudWatch's {@code Sum} adds up, the client uses a counter. */
        COUNT,
        /** A duration per request: CloudWatch averages it, the client uses a timer. */
        LATENCY
    }

    private final String cloudWatchName;
    private final String meterName;
    private final Kind kind;
    private final String cloudWatchUnit;
    private final String baseUnit;

    FirehoseMetric(String cloudWatchName, String meterName, Kind kind, String cloudWatchUnit,
                   String baseUnit) {
        this.cloudWatchName = cloudWatchName;
        this.meterName = meterName;
        this.kind = kind;
        this.cloudWatchUnit = cloudWatchUnit;
        this.baseUnit = baseUnit;
    }

    /**
     * The metric's name in the {@value #NAMESPACE} namespace.
     *
     * @return the CloudWatch metric name, e.g. {@code IncomingRecords}; never {@code null}
     */
    public String cloudWatchName() {
        return cloudWatchName;
    }

    /**
     * The name of the Micrometer meter that mirrors the metric. {@link FirehoseProducerMetrics}
     * registers no meter for the {@code PutRecord.*} metrics, as the producer sends PutRecordBatch
     * only; their names are still reserved here.
     *
     * @return the meter name, lowercase and dot-separated, e.g. {@code firehose.incoming.records}
     */
    public String meterName() {
        return meterName;
    }

    /**
     * How the metric is aggregated.
     *
     * @return {@link Kind#COUNT} for a count, which the client and CloudWatch reconcile exactly, or
     *         {@link Kind#LATENCY} for a latency, which is not reconciled
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The CloudWatch unit of the metric's data points.
     *
     * @return {@code Count}, {@code Bytes} or {@code Milliseconds}
     */
    public String cloudWatchUnit() {
        return cloudWatchUnit;
    }

    /**
     * The base unit of the mirroring meter.
     *
     * @return {@code records}, {@code bytes} or {@code requests} for a count; {@code null} for a
     *         latency, whose timer has a time unit chosen by the registry
     */
    public String baseUnit() {
        return baseUnit;
    }

    /**
     * The count metrics, which the client and CloudWatch can agree on exactly.
     *
     * @return the constants of kind {@link Kind#COUNT}, in declaration order; unmodifiable
     */
    public static List<FirehoseMetric> counts() {
        return Arrays.stream(values()).filter(m -> m.kind == Kind.COUNT).toList();
    }

    /**
     * Looks a metric up by its CloudWatch name.
     *
     * @param cloudWatchName a metric name of the {@value #NAMESPACE} namespace, case-sensitive,
     *                       e.g. {@code PutRecordBatch.Records}
     * @return the constant with that name; empty if there is none (or for {@code null})
     */
    public static Optional<FirehoseMetric> ofCloudWatchName(String cloudWatchName) {
        return Arrays.stream(values()).filter(m -> m.cloudWatchName.equals(cloudWatchName)).findFirst();
    }
}
