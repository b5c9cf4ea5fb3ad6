/**
 * Spring Boot auto-configuration of a {@code FirehoseProducer}: properties under
 * {@code firehose.producer}, meters, a health indicator, an Actuator endpoint, and a shutdown
 * that settles every record ({@link dev.firehose.producer.spring.FirehoseProducerLifecycle}).
 */
package dev.firehose.producer.spring;
