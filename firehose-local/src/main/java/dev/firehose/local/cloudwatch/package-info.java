/**
 * The CloudWatch side of firehose-local: a {@link dev.firehose.local.cloudwatch.MetricStore} of
 * one-minute data points, which the Firehose side fills with its AWS/Firehose metrics, and a
 * {@link dev.firehose.local.cloudwatch.CloudWatchService} that serves it with GetMetricData,
 * GetMetricStatistics, ListMetrics and PutMetricData on the same endpoint.
 *
 * <p>Tests read metrics through {@link dev.firehose.local.FirehoseLocal#metricStore()} or with a
 * CloudWatch client pointed at {@link dev.firehose.local.FirehoseLocal#endpoint()}; the HTTP
 * routing itself is internal.
 */
package dev.firehose.local.cloudwatch;
