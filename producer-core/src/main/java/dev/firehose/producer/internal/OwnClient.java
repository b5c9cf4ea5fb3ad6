package dev.firehose.producer.internal;

import dev.firehose.producer.FirehoseProducerException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * The client a producer builds when given none: synchronous, on the Apache 5 HTTP client (it moved
 * more records per second and per CPU second than the asynchronous Netty client in the benchmarks),
 * with the region, credentials and endpoint of the SDK's default chains, and with the SDK's retries
 * turned off: the producer makes and counts every attempt.
 *
 * <p>An application's customizer runs on the builder after the producer's settings, so it may
 * replace any of them (region, credentials, endpoint, the HTTP client builder, timeouts,
 * interceptors, plugins) but one: the retry strategy is set to no retries after it, whatever it set
 * (a retry strategy, mode, policy, or a whole override configuration without one). A client-level
 * plugin runs when the client is built and could turn retries back on, so a client built with one
 * is treated like a client passed in: each request carries the plugin of {@link SdkAttempts} that
 * turns retries off for that request and counts what the SDK sends.
 *
 * @param client the built client, owned by the producer
 * @param retriesOff true if the client certainly does not retry, so that requests need no
 *     per-request plugin ({@link Sender#clientRetriesOff()})
 */
record OwnClient(FirehoseClient client, boolean retriesOff) {

    private static final Logger log = LoggerFactory.getLogger(OwnClient.class);

    /**
     * Builds the client. Nothing is left to close if this throws: the customizer runs on a builder,
     * which holds no connection or thread.
     *
     * @param customizer adjusts the builder after the producer's settings, or null
     * @return the client, and whether its retries are certainly off
     * @throws FirehoseProducerException if the customizer throws, or the SDK cannot build the
     *     client (no region, a conflicting setting), with that failure as the cause
     */
    static OwnClient build(Consumer<FirehoseClientBuilder> customizer) {
        FirehoseClientBuilder builder = FirehoseClient.builder().httpClientBuilder(Apache5HttpClient.builder());
        if (customizer != null) {
            try {
                customizer.accept(builder);
            } catch (RuntimeException e) {
                throw new FirehoseProducerException("the client customizer threw " + e + "; no producer was built", e);
            }
        }
        ClientOverrideConfiguration override = builder.overrideConfiguration();
        if (customizer != null && setsRetries(override)) {
            log.atWarn().log("the client customizer set the SDK's retries; the producer turns them off, as it makes"
                    + " and counts every attempt itself (set maxAttempts or retry in ProducerConfig instead)");
        }
        builder.overrideConfiguration(override.toBuilder().retryStrategy(AwsRetryStrategy.doNotRetry()).build());
        boolean retriesOff = builder.plugins().isEmpty();
        try {
            return new OwnClient(builder.build(), retriesOff);
        } catch (RuntimeException e) {
            throw new FirehoseProducerException("could not build the Firehose client"
                    + (customizer != null ? " (after the client customizer)" : "") + ": " + e.getMessage()
                    + "; no producer was built", e);
        }
    }

    private static boolean setsRetries(ClientOverrideConfiguration o) {
        return o.retryStrategy().isPresent() || o.retryMode().isPresent() || o.retryPolicy().isPresent()
                || o.retryStrategyConfigurator().isPresent();
    }
}
