package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * Publishing the producer's meters to CloudWatch with Micrometer's {@code CloudWatchMeterRegistry}
 * (micrometer-registry-cloudwatch2, no hand-written PutMetricData), against firehose-local's
 * CloudWatch, and reading the published values back with GetMetricData.
 */
class CloudWatchPublishingTest {

    private static final String NAMESPACE = "FirehoseProducerTest";

    private static FirehoseLocal local;

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(7).build().start();
    }

    @AfterAll
    static void stopEndpoint() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void theCloudWatchRegistryPublishesTheMetersAndTheValuesReadBack() {
        String stream = "published";
        local.createDeliveryStream(stream);
        local.setFaults(stream, Faults.builder().entryInternalFailureRate(0.1).requestInternalErrorRate(0.05).build());
        // Step time by hand: the workload runs inside one step, then the clock moves past it.
        MockClock clock = new MockClock();
        clock.add(Duration.ofMillis(System.currentTimeMillis()));
        CloudWatchConfig config = new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return NAMESPACE;
            }
        };
        SimpleMeterRegistry cumulative = new SimpleMeterRegistry();
        Instant workloadStart = Instant.now();
        Instant stepStart = Instant.ofEpochMilli(clock.wallTime());

        try (CloudWatchAsyncClient cloudWatch = LocalWorkload.cloudWatchClient(local);
             ManuallyPublishedCloudWatchMeterRegistry registry =
                     new ManuallyPublishedCloudWatchMeterRegistry(config, clock, cloudWatch);
             FirehoseAsyncClient firehose = local.asyncClient();
             FirehoseProducer producer = FirehoseProducer.builder().client(firehose)
                     .config(LocalWorkload.quickConfig().build()).build();
             FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer, Tags.of("app", "publisher"))) {
            metrics.bindTo(registry);
            metrics.bindTo(cumulative);
            List<LocalWorkload.Outcome> outcomes =
                    LocalWorkload.putAll(producer, stream, LocalWorkload.records("published", 1_200));
            assertThat(outcomes).allMatch(LocalWorkload.Outcome::acknowledged);
            LocalWorkload.stopSender(producer);

            clock.add(config.step());
            registry.publishNow();

            FirehoseCloudWatchReader reader = FirehoseCloudWatchReader.create(cloudWatch);
            Set<FirehoseMetric> metricsToRead = EnumSet.of(FirehoseMetric.INCOMING_RECORDS,
                    FirehoseMetric.INCOMING_BYTES, FirehoseMetric.INCOMING_PUT_REQUESTS,
                    FirehoseMetric.THROTTLED_RECORDS, FirehoseMetric.PUT_RECORD_BATCH_RECORDS,
                    FirehoseMetric.PUT_RECORD_BATCH_BYTES, FirehoseMetric.PUT_RECORD_BATCH_REQUESTS,
                    FirehoseMetric.PUT_RECORD_BATCH_LATENCY);
            FirehoseMetricData published = reader.readPublished(NAMESPACE, stream, Map.of("app", "publisher"),
                    stepStart, Instant.ofEpochMilli(clock.wallTime()).plusSeconds(1), metricsToRead).join();

            // What was published is what the client counted.
            Map<FirehoseMetric, Double> client = Reconciliation.clientTotals(cumulative, stream);
            assertThat(client.get(FirehoseMetric.INCOMING_RECORDS)).isEqualTo(1_200);
            client.forEach((metric, count) ->
                    assertThat(published.total(metric)).as(metric.cloudWatchName()).isEqualTo(count));
            Timer latency = cumulative.get("firehose.put.record.batch.latency").tag("stream", stream).timer();
            assertThat(published.seriesOf(FirehoseMetric.PUT_RECORD_BATCH_LATENCY).sampleCount())
                    .isEqualTo(latency.count());
            assertThat(published.total(FirehoseMetric.PUT_RECORD_BATCH_LATENCY))
                    .isCloseTo(latency.mean(TimeUnit.MILLISECONDS), within(0.001));

            // And it reconciles with what the service recorded, from CloudWatch alone.
            FirehoseMetricData service = reader.read(stream, workloadStart, Instant.now(), metricsToRead).join();
            Reconciliation reconciliation = Reconciliation.of(published, service);
            assertThat(reconciliation.lines()).hasSize(7);
            assertThat(reconciliation.balanced()).as(reconciliation.render()).isTrue();
        }
    }

    /** A CloudWatch registry that publishes only when told to, so that the test steps time itself. */
    static final class ManuallyPublishedCloudWatchMeterRegistry extends CloudWatchMeterRegistry
            implements AutoCloseable {

        ManuallyPublishedCloudWatchMeterRegistry(CloudWatchConfig config, Clock clock, CloudWatchAsyncClient client) {
            super(config, clock, client);
        }

        @Override
        public void start(ThreadFactory threadFactory) {
            // No background publishing: publishNow() publishes.
        }

        void publishNow() {
            publish();
        }
    }
}
