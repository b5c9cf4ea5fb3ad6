/**
 * The implementation of the appender support: not API, may change in any release.
 */
package dev.firehose.producer.appender.internal;
