/**
 * What happens to a stored record between the data plane and the delivery buffer, as the service's
 * S3 destination does it: prefix expressions ({@code !{timestamp:...}}, {@code !{firehose:...}},
 * {@code !{partitionKeyFromQuery:...}}) and the default time folder, the processors
 * ({@code RecordDeAggregation}, {@code MetadataExtraction} with a subset of jq,
 * {@code AppendDelimiterToRecord}), and the routing of each (sub-)record to a partition or to the
 * error output. Uses only {@code protocol}.
 */
package dev.firehose.local.internal.partition;
