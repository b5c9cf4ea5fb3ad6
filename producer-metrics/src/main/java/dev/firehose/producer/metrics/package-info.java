/** Micrometer meters for the Firehose producer, and CloudWatch read-back. */
package dev.firehose.producer.metrics;
