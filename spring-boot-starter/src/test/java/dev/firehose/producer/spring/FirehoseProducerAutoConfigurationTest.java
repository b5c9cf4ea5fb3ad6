package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Every condition of the auto-configurations, against an embedded firehose-local. */
class FirehoseProducerAutoConfigurationTest {

    private static final String STREAM = "clicks";

    private static FirehoseLocal local;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FirehoseProducerAutoConfiguration.class,
                    FirehoseProducerMetricsAutoConfiguration.class, FirehoseProducerHealthAutoConfiguration.class,
                    FirehoseProducerEndpointAutoConfiguration.class));

    /** The producer's own client, pointed at firehose-local by the properties and a client customizer. */
    private ApplicationContextRunner toLocal() {
        return runner.withPropertyValues("firehose.producer.delivery-stream-name=" + STREAM,
                        "firehose.producer.client.region=us-east-1",
                        "firehose.producer.client.endpoint=" + local.endpoint())
                .withBean(FirehoseClientCustomizer.class,
                        () -> client -> client.credentialsProvider(FirehoseLocal.credentialsProvider()));
    }

    @BeforeAll
    static void startFirehose() {
        local = FirehoseLocal.builder().build().start();
        local.createDeliveryStream(STREAM);
    }

    @AfterAll
    static void stopFirehose() {
        local.close();
    }

    private static void putsOneRecord(AssertableApplicationContext context) {
        long before = local.ledger().count(STREAM);
        PutResult result = context.getBean(FirehoseProducer.class).put("{\"page\":\"/\"}\n").join();
        assertThat(result.recordId()).isNotBlank();
        assertThat(local.ledger().count(STREAM)).isEqualTo(before + 1);
    }

    @Test
    void producerSendsThroughTheClientItBuildsFromTheProperties() {
        toLocal().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(FirehoseProducer.class)
                    .hasSingleBean(FirehoseProducerLifecycle.class).hasSingleBean(ProducerConfig.class);
            putsOneRecord(context);
        });
    }

    @Test
    void pausingTheContextLeavesTheProducerRunning() {
        // A producer cannot start again: a pause (and the restart after it) must not close it.
        toLocal().run(context -> {
            context.pause();
            context.restart();
            putsOneRecord(context);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAProducer() {
        FirehoseProducer own = FirehoseProducer.builder().client(local.syncClient()).build();
        try {
            runner.withBean("ownProducer", FirehoseProducer.class, () -> own).run(context -> {
                assertThat(context).hasSingleBean(FirehoseProducer.class);
                assertThat(context.getBean(FirehoseProducer.class)).isSameAs(own);
                assertThat(context).doesNotHaveBean("firehoseProducer");
            });
        } finally {
            own.close();
        }
    }

    @Test
    void usesTheApplicationsFirehoseClient() {
        AtomicInteger calls = new AtomicInteger();
        runner.withPropertyValues("firehose.producer.delivery-stream-name=" + STREAM)
                .withBean(FirehoseClient.class, () -> local.syncClientBuilder()
                        .overrideConfiguration(c -> c.addExecutionInterceptor(counting(calls))).build())
                .run(context -> {
                    putsOneRecord(context);
                    assertThat(calls).hasValue(1);
                });
    }

    @Test
    void usesTheApplicationsFirehoseAsyncClient() {
        AtomicInteger calls = new AtomicInteger();
        runner.withPropertyValues("firehose.producer.delivery-stream-name=" + STREAM)
                .withBean(FirehoseAsyncClient.class, () -> local.asyncClientBuilder()
                        .overrideConfiguration(c -> c.addExecutionInterceptor(counting(calls))).build())
                .run(context -> {
                    putsOneRecord(context);
                    assertThat(calls).hasValue(1);
                });
    }

    @Test
    void refusesBothClientTypes() {
        runner.withBean(FirehoseClient.class, local::syncClient)
                .withBean(FirehoseAsyncClient.class, local::asyncClient)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("both a FirehoseClient and a FirehoseAsyncClient"));
    }

    @Test
    void refusesClientPropertiesBesideTheApplicationsClient() {
        runner.withPropertyValues("firehose.producer.client.region=eu-west-1")
                .withBean(FirehoseClient.class, local::syncClient)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("FirehoseClient bean, and firehose.producer.client.region"));
    }

    @Test
    void refusesAClientCustomizerBesideTheApplicationsClient() {
        runner.withBean(FirehoseClient.class, local::syncClient)
                .withBean(FirehoseClientCustomizer.class, () -> client -> { })
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("1 FirehoseClientCustomizer bean(s)"));
    }

    @Test
    void connectionDetailsBeanReplacesTheClientProperties() {
        FirehoseConnectionDetails details = new FirehoseConnectionDetails() {
            @Override
            public URI endpoint() {
                return local.endpoint();
            }

            @Override
            public String region() {
                return "us-east-1";
            }

            @Override
            public software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentialsProvider() {
                return FirehoseLocal.credentialsProvider();
            }
        };
        // The properties point nowhere: only the details lead to firehose-local.
        runner.withPropertyValues("firehose.producer.delivery-stream-name=" + STREAM,
                        "firehose.producer.client.endpoint=http://127.0.0.1:9", "firehose.producer.client.region=eu-west-1")
                .withBean(FirehoseConnectionDetails.class, () -> details)
                .run(FirehoseProducerAutoConfigurationTest::putsOneRecord);
    }

    @Test
    void metersAreBoundToBootsRegistryWhenMicrometerIsPresent() {
        toLocal().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(FirehoseProducerMetrics.class);
                    putsOneRecord(context);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(FirehoseProducerMetrics.PUT_RECORDS).tag("stream", STREAM).counter()
                            .count()).isEqualTo(1.0);
                });
    }

    @Test
    void noMetersWithoutAMeterRegistry() {
        toLocal().run(context -> assertThat(context).doesNotHaveBean(FirehoseProducerMetrics.class));
    }

    @Test
    void noMetersWithoutMicrometer() {
        toLocal().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(FirehoseProducerMetrics.class);
                    putsOneRecord(context);
                });
    }

    @Test
    void retryComesFromTheApplicationsRetryRegistryWhenItHoldsTheInstance() {
        RetryRegistry registry = RetryRegistry.ofDefaults();
        registry.retry("firehose", RetryConfig.custom().maxAttempts(4).build());
        toLocal().withBean(RetryRegistry.class, () -> registry)
                .run(context -> {
                    ProducerConfig config = context.getBean(ProducerConfig.class);
                    assertThat(config.retry()).isSameAs(registry.retry("firehose"));
                    assertThat(config.retry().getRetryConfig().getMaxAttempts()).isEqualTo(4);
                    putsOneRecord(context);
                });
    }

    @Test
    void retryInstanceNameIsAProperty() {
        RetryRegistry registry = RetryRegistry.ofDefaults();
        registry.retry("ingest", RetryConfig.custom().maxAttempts(2).build());
        toLocal().withBean(RetryRegistry.class, () -> registry)
                .withPropertyValues("firehose.producer.retry.instance-name=ingest")
                .run(context -> assertThat(context.getBean(ProducerConfig.class).retry())
                        .isSameAs(registry.retry("ingest")));
    }

    @Test
    void noRetryFromARegistryWithoutTheInstance() {
        toLocal().withBean(RetryRegistry.class, RetryRegistry::ofDefaults)
                .run(context -> {
                    assertThat(context.getBean(ProducerConfig.class).retry()).isNull();
                    assertThat(context.getBean(RetryRegistry.class).getAllRetries()).isEmpty();
                });
    }

    @Test
    void noRetryWithoutResilience4jsRegistry() {
        toLocal().run(context -> assertThat(context.getBean(ProducerConfig.class).retry()).isNull());
    }

    @Test
    void customizersRunAfterThePropertiesInTheirOrder() {
        toLocal().withPropertyValues("firehose.producer.linger-time=250ms", "firehose.producer.max-attempts=3")
                .withUserConfiguration(OrderedCustomizers.class)
                .run(context -> {
                    ProducerConfig config = context.getBean(ProducerConfig.class);
                    assertThat(config.lingerTime()).isEqualTo(Duration.ofMillis(20));
                    assertThat(config.maxAttempts()).isEqualTo(3);
                    assertThat(config.maxBatchRecords()).isEqualTo(100);
                });
    }

    @Test
    void applicationsProducerConfigReplacesTheProperties() {
        ProducerConfig own = ProducerConfig.builder().maxAttempts(2).build();
        toLocal().withPropertyValues("firehose.producer.max-attempts=7")
                .withBean(ProducerConfig.class, () -> own)
                .run(context -> assertThat(context.getBean(ProducerConfig.class)).isSameAs(own));
    }

    @Test
    void healthIndicatorWhenBootsHealthIsPresent() {
        toLocal().run(context -> assertThat(context).hasBean("firehoseHealthIndicator"));
        toLocal().withPropertyValues("management.health.firehose.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("firehoseHealthIndicator"));
        toLocal().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("firehoseHealthIndicator"));
    }

    @Test
    void closingTheContextClosesTheProducer() {
        FirehoseProducer[] producer = new FirehoseProducer[1];
        toLocal().run(context -> producer[0] = context.getBean(FirehoseProducer.class));
        assertThatThrownBy(() -> producer[0].put("late"))
                .isInstanceOf(dev.firehose.producer.PutAfterCloseException.class);
    }

    @Test
    void shutdownFailsWhatHasNotSettledWithinTheCloseTimeout() {
        local.createDeliveryStream("slow");
        local.setFaults("slow", Faults.builder().latency(Duration.ofMinutes(1)).build());
        List<CompletableFuture<PutResult>> pending = new ArrayList<>();
        toLocal().withPropertyValues("firehose.producer.close-timeout=200ms")
                .run(context -> pending.add(context.getBean(FirehoseProducer.class).put("slow", "held\n")));
        // The endpoint holds the request for a minute; closing gave up after the close timeout.
        assertThat(pending.get(0)).isCompletedExceptionally();
        assertThatThrownBy(pending.get(0)::join).hasCauseInstanceOf(ProducerClosedException.class);
    }

    private static ExecutionInterceptor counting(AtomicInteger calls) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.incrementAndGet();
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedCustomizers {
        @Bean
        @Order(2)
        FirehoseProducerCustomizer second() {
            return config -> config.lingerTime(Duration.ofMillis(20));
        }

        @Bean
        @Order(1)
        FirehoseProducerCustomizer first() {
            return config -> config.lingerTime(Duration.ofMillis(10)).maxBatchRecords(100);
        }
    }

}
