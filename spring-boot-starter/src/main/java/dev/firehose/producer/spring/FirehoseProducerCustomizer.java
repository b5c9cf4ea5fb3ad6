package dev.firehose.producer.spring;

import dev.firehose.producer.ProducerConfig;

/**
 * Adjusts the auto-configured producer's settings beyond what the properties express: a retry
 * interval function or {@code RetryConfig} of your own, a packing delimiter given as bytes, and
 * so on. Every bean of this type is applied, in {@code @Order}, after the properties (and after the
 * Resilience4j {@code Retry} taken from the registry), to the builder the producer's
 * {@link ProducerConfig} is built from.
 */
@FunctionalInterface
public interface FirehoseProducerCustomizer {

    /**
     * Adjusts the settings.
     *
     * @param config the builder, with the properties applied
     */
    void customize(ProducerConfig.Builder config);
}
