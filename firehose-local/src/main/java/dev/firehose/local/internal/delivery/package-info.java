/**
 * Delivery: moving a stream's buffered records to objects in the S3 key layout under a local
 * directory.
 */
package dev.firehose.local.internal.delivery;
