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
 */
public record MetricKey(String namespace, String metricName, SortedMap<String, String> dimensions) {

    public MetricKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = Collections.unmodifiableSortedMap(new TreeMap<>(
                dimensions == null ? Map.of() : dimensions));
    }

    /** The key for these values; {@code dimensions} may be null or empty. */
    public static MetricKey of(String namespace, String metricName, Map<String, String> dimensions) {
        return new MetricKey(namespace, metricName,
                dimensions == null ? new TreeMap<>() : new TreeMap<>(dimensions));
    }
}
