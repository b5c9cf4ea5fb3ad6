/**
 * The producer's implementation; nothing here is API.
 *
 * <p>{@link dev.firehose.producer.internal.DefaultFirehoseProducer} (the facade) validates and
 * admits records through the {@link dev.firehose.producer.internal.BufferBudget}, and appends
 * {@link dev.firehose.producer.internal.ProducerEntry entries} to the
 * {@link dev.firehose.producer.internal.RecordAccumulator}. The
 * {@link dev.firehose.producer.internal.Sender} thread drains ready batches, sends them, and
 * hands each outcome to the {@link dev.firehose.producer.internal.RetryPolicy} (which asks the
 * {@link dev.firehose.producer.internal.ErrorClassifier}) and the per-stream
 * {@link dev.firehose.producer.internal.RateController}. The
 * {@link dev.firehose.producer.internal.Settler} completes every record exactly once.
 */
package dev.firehose.producer.internal;
