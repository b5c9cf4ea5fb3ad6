package dev.firehose.local.internal.metrics;

import dev.firehose.local.cloudwatch.MetricStore;

import java.time.Instant;
import java.util.Map;

/** Records the AWS/Firehose metrics the service publishes into the endpoint's {@link MetricStore}. */
public final class FirehoseMetrics {

    static final String NAMESPACE = "AWS/Firehose";
    static final String DIMENSION = "DeliveryStreamName";

    private final MetricStore store;

    public FirehoseMetrics(MetricStore store) {
        this.store = store;
    }

    /**
     * One accepted Put call (it passed validation, reached the stream and was not refused whole).
     *
     * @param batch     PutRecordBatch or PutRecord
     * @param records   entries in the request
     * @param bytes     decoded data bytes in the request
     * @param incoming  entries stored
     * @param inBytes   decoded bytes of the stored entries
     * @param throttled entries refused by the quota
     */
    public void put(String stream, Instant at, boolean batch, int records, long bytes, int incoming, long inBytes,
             int throttled, double latencyMillis) {
        Map<String, String> dims = call(stream, at, batch, records, bytes, latencyMillis);
        store.record(NAMESPACE, "IncomingPutRequests", dims, at, 1, "Count");
        store.record(NAMESPACE, "IncomingRecords", dims, at, incoming, "Count");
        store.record(NAMESPACE, "IncomingBytes", dims, at, inBytes, "Bytes");
        store.record(NAMESPACE, "ThrottledRecords", dims, at, throttled, "Count");
    }

    /** One Put call refused whole by the request quota (or a PutRecord by the record quota). */
    public void throttledRequest(String stream, Instant at, boolean batch, int records, long bytes, double latencyMillis) {
        Map<String, String> dims = call(stream, at, batch, records, bytes, latencyMillis);
        store.record(NAMESPACE, "ThrottledRecords", dims, at, records, "Count");
    }

    /** Records the PutRecord.* or PutRecordBatch.* metrics of one call; returns the stream's dimensions. */
    private Map<String, String> call(String stream, Instant at, boolean batch, int records, long bytes,
                                     double latencyMillis) {
        Map<String, String> dims = Map.of(DIMENSION, stream);
        String api = batch ? "PutRecordBatch." : "PutRecord.";
        store.record(NAMESPACE, api + "Requests", dims, at, 1, "Count");
        store.record(NAMESPACE, api + "Bytes", dims, at, bytes, "Bytes");
        if (batch) {
            store.record(NAMESPACE, "PutRecordBatch.Records", dims, at, records, "Count");
        }
        store.record(NAMESPACE, api + "Latency", dims, at, latencyMillis, "Milliseconds");
        return dims;
    }

    /** One object that could not be delivered: a failed S3 put, so DeliveryToS3.Success averages below 1. */
    public void deliveryFailed(String stream, Instant at) {
        store.record(NAMESPACE, "DeliveryToS3.Success", Map.of(DIMENSION, stream), at, 0, "Count");
    }

    /** One object delivered to the local S3 directory. */
    public void delivered(String stream, Instant at, int records, long bytes, Instant firstArrival) {
        Map<String, String> dims = Map.of(DIMENSION, stream);
        store.record(NAMESPACE, "DeliveryToS3.Records", dims, at, records, "Count");
        store.record(NAMESPACE, "DeliveryToS3.Bytes", dims, at, bytes, "Bytes");
        store.record(NAMESPACE, "DeliveryToS3.Success", dims, at, 1, "Count");
        store.record(NAMESPACE, "DeliveryToS3.DataFreshness", dims, at,
                Math.max(0, at.getEpochSecond() - firstArrival.getEpochSecond()), "Seconds");
    }
}
