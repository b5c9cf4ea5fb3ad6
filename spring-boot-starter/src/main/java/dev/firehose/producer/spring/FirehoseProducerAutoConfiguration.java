package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.spring.internal.ProducerConfigMapper;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.URI;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * Auto-configures a {@link FirehoseProducer} from {@code firehose.producer.*}, and closes it in
 * the shutdown phase that loses no record ({@link FirehoseProducerLifecycle}).
 *
 * <ul>
 *   <li>{@link ProducerConfig}: from {@link FirehoseProducerProperties}, then the Resilience4j
 *       {@code Retry} named {@code firehose.producer.retry.instance-name} if the application has a
 *       {@code RetryRegistry} that holds it, then every {@link FirehoseProducerCustomizer}. Backs
 *       off if the application defines a {@code ProducerConfig} bean.</li>
 *   <li>{@link FirehoseProducer}: on the application's {@code FirehoseClient} or
 *       {@code FirehoseAsyncClient} bean if it has one (never closed by the producer), else on a
 *       client of its own built from the {@link FirehoseConnectionDetails} and every
 *       {@link FirehoseClientCustomizer}. Backs off if the application defines a producer.</li>
 * </ul>
 */
@AutoConfiguration
@EnableConfigurationProperties(FirehoseProducerProperties.class)
public class FirehoseProducerAutoConfiguration {

    /** Creates the auto-configuration (Boot does). */
    public FirehoseProducerAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(FirehoseConnectionDetails.class)
    PropertiesFirehoseConnectionDetails firehoseConnectionDetails(FirehoseProducerProperties properties) {
        return new PropertiesFirehoseConnectionDetails(properties.getClient());
    }

    @Bean
    @ConditionalOnMissingBean
    ProducerConfig firehoseProducerConfig(FirehoseProducerProperties properties,
            ObjectProvider<RetryRegistry> retryRegistries, ObjectProvider<FirehoseProducerCustomizer> customizers) {
        ProducerConfig.Builder builder = ProducerConfigMapper.toBuilder(properties);
        RetryRegistry registry = retryRegistries.getIfUnique();
        if (registry != null) {
            registry.find(properties.getRetry().getInstanceName()).ifPresent(builder::retry);
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    FirehoseProducer firehoseProducer(FirehoseProducerProperties properties, ProducerConfig config,
            FirehoseConnectionDetails connection, ObjectProvider<FirehoseClient> syncClients,
            ObjectProvider<FirehoseAsyncClient> asyncClients, ObjectProvider<FirehoseClientCustomizer> clientCustomizers) {
        FirehoseProducer.Builder builder = FirehoseProducer.builder().config(config);
        if (properties.getDeliveryStreamName() != null) {
            builder.deliveryStreamName(properties.getDeliveryStreamName());
        }
        FirehoseClient syncClient = syncClients.getIfUnique();
        FirehoseAsyncClient asyncClient = asyncClients.getIfUnique();
        List<FirehoseClientCustomizer> customizers = clientCustomizers.orderedStream().toList();
        if (syncClient != null || asyncClient != null) {
            checkNothingForOwnClient(syncClient, asyncClient, connection, properties, customizers);
            return syncClient != null ? builder.client(syncClient).build() : builder.client(asyncClient).build();
        }
        URI endpoint = connection.endpoint();
        String region = connection.region();
        AwsCredentialsProvider credentials = connection.credentialsProvider();
        builder.clientCustomizer(client -> {
            if (endpoint != null) {
                client.endpointOverride(endpoint);
            }
            if (region != null) {
                client.region(Region.of(region));
            }
            if (credentials != null) {
                client.credentialsProvider(credentials);
            }
            customizers.forEach(c -> c.customize(client));
        });
        return builder.build();
    }

    private static void checkNothingForOwnClient(FirehoseClient syncClient, FirehoseAsyncClient asyncClient,
            FirehoseConnectionDetails connection, FirehoseProducerProperties properties,
            List<FirehoseClientCustomizer> customizers) {
        if (syncClient != null && asyncClient != null) {
            throw new IllegalStateException("The application defines both a FirehoseClient and a FirehoseAsyncClient"
                    + " bean: the Firehose producer takes one; define one, or a FirehoseProducer bean of your own");
        }
        String what = null;
        if (!(connection instanceof PropertiesFirehoseConnectionDetails)) {
            what = "a FirehoseConnectionDetails bean (" + connection.getClass().getName() + ")";
        } else if (properties.getClient().isSet()) {
            what = "firehose.producer.client.region or firehose.producer.client.endpoint";
        } else if (!customizers.isEmpty()) {
            what = customizers.size() + " FirehoseClientCustomizer bean(s)";
        }
        if (what != null) {
            throw new IllegalStateException("The Firehose producer uses the application's "
                    + (syncClient != null ? "FirehoseClient" : "FirehoseAsyncClient") + " bean, and " + what
                    + " would configure the client it builds when there is none: remove one or the other");
        }
    }

    @Bean
    @ConditionalOnMissingBean
    FirehoseProducerLifecycle firehoseProducerLifecycle(ObjectProvider<FirehoseProducer> producers,
            FirehoseProducerProperties properties) {
        return new FirehoseProducerLifecycle(producers, properties.getCloseTimeout());
    }

    /** The connection details of {@code firehose.producer.client.*}. */
    static final class PropertiesFirehoseConnectionDetails implements FirehoseConnectionDetails {
        private final FirehoseProducerProperties.Client client;

        PropertiesFirehoseConnectionDetails(FirehoseProducerProperties.Client client) {
            this.client = client;
        }

        @Override
        public URI endpoint() {
            return client.getEndpoint();
        }

        @Override
        public String region() {
            return client.getRegion();
        }
    }
}
