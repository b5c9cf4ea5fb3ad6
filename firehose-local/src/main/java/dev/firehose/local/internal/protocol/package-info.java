/**
 * The Firehose wire format shared by the layers: PutRecord and PutRecordBatch body parsing and
 * base64, the service's limits and validation messages, API errors and replies.
 */
package dev.firehose.local.internal.protocol;
