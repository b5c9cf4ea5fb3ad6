/**
 * What the project's log appenders share ({@code firehose-producer-logback},
 * {@code firehose-producer-log4j2}): {@link dev.firehose.producer.appender.AppenderSettings}, the
 * settings as a configuration file writes them, and {@link dev.firehose.producer.appender.LogShipper},
 * which puts encoded events into a {@code FirehoseProducer} without ever blocking the application
 * or sending what its own work logs. An appender for another logging framework is built from the
 * same two.
 */
package dev.firehose.producer.appender;
