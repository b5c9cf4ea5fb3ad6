package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code firehose} Actuator endpoint (the producer's stats), when the application has Actuator
 * and one producer, and exposes the endpoint.
 */
@AutoConfiguration(after = FirehoseProducerAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(FirehoseProducer.class)
@ConditionalOnAvailableEndpoint(FirehoseProducerEndpoint.class)
public class FirehoseProducerEndpointAutoConfiguration {

    /** Creates the auto-configuration (Boot does). */
    public FirehoseProducerEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    FirehoseProducerEndpoint firehoseProducerEndpoint(FirehoseProducer producer) {
        return new FirehoseProducerEndpoint(producer);
    }
}
