/**
 * The implementation of firehose-local; not an API: it may change in any release.
 *
 * <p>{@link dev.firehose.local.internal.Engine} wires the layers below; the two APIs the HTTP
 * server ({@link dev.firehose.local.internal.http}) hands requests to live here too:
 * {@link dev.firehose.local.internal.FirehoseApi} routes each Firehose operation to the control
 * plane ({@link dev.firehose.local.internal.control}) or the data plane
 * ({@link dev.firehose.local.internal.data}), and {@link dev.firehose.local.internal.AdminApi}
 * serves {@code /_local/}. Dependencies point one way, down this list:
 * <ul>
 *   <li>{@code http}: the HTTP server and its routing by path;</li>
 *   <li>this package: the wiring and the two APIs;</li>
 *   <li>{@code control}: CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams,
 *       DeleteDeliveryStream, UpdateDestination, tags and encryption;</li>
 *   <li>{@code data}: PutRecord and PutRecordBatch (faults, quota, ledger, delivery buffer);</li>
 *   <li>{@code delivery}: stored records to per-partition buffers, buffers to objects in the S3
 *       key layout;</li>
 *   <li>{@code stream}: the streams, their configuration and their per-stream state;</li>
 *   <li>{@code partition}: prefix expressions, the record processors and the routing of records
 *       to partitions or the error output;</li>
 *   <li>{@code ledger}: what was received and stored;</li>
 *   <li>{@code metrics}: the AWS/Firehose metrics fed to the CloudWatch store;</li>
 *   <li>{@code protocol}: the wire format shared by all of them (Put body parsing, base64, the
 *       service's limits and validation messages, errors and replies).</li>
 * </ul>
 */
package dev.firehose.local.internal;
