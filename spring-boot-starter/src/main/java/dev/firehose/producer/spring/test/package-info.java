/**
 * For an application's tests: {@link dev.firehose.producer.spring.test.AutoConfigureFirehoseLocal}
 * runs the auto-configured producer against an embedded {@code firehose-local}.
 */
package dev.firehose.producer.spring.test;
