package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The producer's meters ({@link FirehoseProducerMetrics}, a {@code MeterBinder}), when the
 * application has Micrometer and a {@code MeterRegistry}: Boot binds it to every registry it
 * manages, and the meters show up at {@code /actuator/metrics} and in every export. The binder is
 * created with the producer, before the first put, so its counters match CloudWatch's.
 */
@AutoConfiguration(after = FirehoseProducerAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, FirehoseProducerMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(FirehoseProducer.class)
public class FirehoseProducerMetricsAutoConfiguration {

    /** Creates the auto-configuration (Boot does). */
    public FirehoseProducerMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    FirehoseProducerMetrics firehoseProducerMetrics(FirehoseProducer producer) {
        return new FirehoseProducerMetrics(producer);
    }
}
