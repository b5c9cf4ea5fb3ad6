package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The producer's health indicator ({@code firehose}), when the application has Boot's health
 * support ({@code spring-boot-starter-actuator}) and one producer; off with
 * {@code management.health.firehose.enabled=false}. Its buffer bounds are the producer's own
 * ({@link FirehoseProducer#config()}), whoever built it.
 */
@AutoConfiguration(after = FirehoseProducerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSingleCandidate(FirehoseProducer.class)
@ConditionalOnEnabledHealthIndicator("firehose")
public class FirehoseProducerHealthAutoConfiguration {

    /** Creates the auto-configuration (Boot does). */
    public FirehoseProducerHealthAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "firehoseHealthIndicator")
    FirehoseProducerHealthIndicator firehoseHealthIndicator(FirehoseProducer producer,
            FirehoseProducerProperties properties) {
        return new FirehoseProducerHealthIndicator(producer, properties.getHealth().getBufferFullThreshold(), properties.getHealth().getFailureWindow(),
                Clock.systemUTC());
    }
}
