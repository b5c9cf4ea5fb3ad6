/**
 * Micrometer meters for the Firehose producer, and CloudWatch read-back.
 *
 * <ul>
 *   <li>{@link dev.firehose.producer.metrics.FirehoseProducerMetrics} binds a producer's meters to
 *       any {@code MeterRegistry}: mirrors of the AWS/Firehose CloudWatch metrics and meters only
 *       the client can have.</li>
 *   <li>{@link dev.firehose.producer.metrics.FirehoseMetric} pairs each CloudWatch metric with its
 *       meter.</li>
 *   <li>{@link dev.firehose.producer.metrics.FirehoseCloudWatchReader} reads a stream's metrics
 *       back with GetMetricData; {@link dev.firehose.producer.metrics.Reconciliation} sets them
 *       beside the client's counts.</li>
 * </ul>
 *
 * <p>Only {@link dev.firehose.producer.metrics.FirehoseCloudWatchReader} needs the CloudWatch SDK
 * ({@code software.amazon.awssdk:cloudwatch}), which is an optional dependency: an application that
 * reads metrics back declares it; the meters work without it.
 */
package dev.firehose.producer.metrics;
