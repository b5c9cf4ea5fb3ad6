/**
 * The AWS/Firehose metrics the service publishes, recorded into the endpoint's CloudWatch store.
 */
package dev.firehose.local.internal.metrics;
