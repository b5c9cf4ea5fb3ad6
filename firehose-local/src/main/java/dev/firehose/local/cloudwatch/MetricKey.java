package dev.firehose.local.cloudwatch;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One CloudWatch metric: a namespace, a metric name and a set of dimensions. As in CloudWatch,
 * every distinct combination of dimensions is a metric of its own, so {@code IncomingRecords} with
 * {@code {DeliveryStreamName=a}} and with {@code {DeliveryStreamName=a, Other=x}} are two metrics.
 * Immutable; dimensions are kept sorted by name.
 *
 * @param namespace  the namespace, e.g. {@code AWS/Firehose}
 * @param metricName the metric name, e.g. {@code IncomingRecords}
 * @param dimensions dimension name to value, sorted by name; unmodifiable, empty for none
 */
public record MetricKey(String namespace, String metricName, SortedMap<String, String> dimensions) {

    /**
     * Holds an unmodifiable sorted copy of {@code dimensions}.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions dimension name to value; {@code null} or empty for none
     * @throws NullPointerException if {@code namespace} or {@code metricName} is {@code null}
     */
    public MetricKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = Collections.unmodifiableSortedMap(new TreeMap<>(
                dimensions == null ? Map.of() : dimensions));
    }

    /**
     * The key for these values, taking the dimensions in any kind of map.
     *
     * @param namespace  e.g. {@code AWS/Firehose}
     * @param metricName e.g. {@code IncomingRecords}
     * @param dimensions dimension name to value, e.g. {@code DeliveryStreamName -> clicks};
     *                   {@code null} or empty for none
     * @return the key; equal to every other key with the same namespace, name and dimensions
     * @throws NullPointerException if {@code namespace} or {@code metricName} is {@code null}, or a
     *                              dimension name is
     */
    public static MetricKey of(String namespace, String metricName, Map<String, String> dimensions) {
        return new MetricKey(namespace, metricName,
                dimensions == null ? new TreeMap<>() : new TreeMap<>(dimensions));
    }
}
