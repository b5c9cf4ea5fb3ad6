/** The data plane: PutRecord and PutRecordBatch, from a parsed body to the answer. */
package dev.firehose.local.internal.data;
