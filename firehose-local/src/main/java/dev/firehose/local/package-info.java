/** A local Amazon Data Firehose endpoint for tests and examples. */
package dev.firehose.local;
