package dev.firehose.producer.spring;

import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * Adjusts the client the auto-configured producer builds itself (a proxy, the HTTP client's
 * timeouts and pool, interceptors), after the region, endpoint and credentials of the
 * {@link FirehoseConnectionDetails} were set. Every bean of this type is applied, in
 * {@code @Order}; the producer keeps the SDK's retries off whatever they do (see
 * {@code FirehoseProducer.Builder.clientCustomizer}). With a {@code FirehoseClient} or
 * {@code FirehoseAsyncClient} bean of the application's, the producer builds no client, and a
 * customizer is an error that stops the application at startup.
 */
@FunctionalInterface
public interface FirehoseClientCustomizer {

    /**
     * Adjusts the client builder.
     *
     * @param builder the builder of the producer's client
     */
    void customize(FirehoseClientBuilder builder);
}
