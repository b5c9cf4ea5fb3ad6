package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * A {@code Retry} from the application's {@code RetryRegistry}, with {@code resilience4j-micrometer}
 * bound: its metrics count the records, as the futures tell them, against firehose-local failing
 * entries at random.
 */
@Timeout(120)
class RetryMetricsTest {

    private static double calls(SimpleMeterRegistry registry, String kind) {
        return registry.get("resilience4j.retry.calls").tag("name", "firehose").tag("kind", kind)
                .functionCounter().count();
    }

    @Test
    void aRetryFromTheApplicationsRegistryCountsTheRecordsThatSucceededAfterRetriesAndThoseThatFailed()
            throws Exception {
        RetryRegistry registry = RetryRegistry.of(RetryConfig.custom().maxAttempts(2)
                .waitDuration(Duration.ofMillis(20)).build());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        Retry retry = registry.retry("firehose");

        try (FirehoseLocal local = FirehoseLocal.builder().port(0).seed(7).build().start();
                FirehoseAsyncClient client = local.asyncClient()) {
            local.createDeliveryStream("retried");
            local.setFaults("retried", Faults.builder().entryInternalFailureRate(0.3).build());
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            try (FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName("retried").client(client)
                    .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(10)).retry(retry).build()).build()) {
                for (int i = 0; i < 2_000; i++) {
                    futures.add(producer.put(("record-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush().get();
            }

            long firstTime = 0;
            long afterRetries = 0;
            long failedAfterRetries = 0;
            for (CompletableFuture<PutResult> f : futures) {
                Throwable error = f.handle((r, t) -> t).join();
                if (error == null) {
                    if (f.join().attempts() == 1) {
                        firstTime++;
                    } else {
                        afterRetries++;
                    }
                } else {
                    RecordFailedException e = (RecordFailedException) error;
                    assertThat(e.errorCode()).isEqualTo("InternalFailure");
                    assertThat(e.attempts()).isEqualTo(2);
                    failedAfterRetries++;
                }
            }
            // About 30% fail once and 9% twice: both kinds occur.
            assertThat(afterRetries).isGreaterThan(100);
            assertThat(failedAfterRetries).isGreaterThan(20);
            assertThat(firstTime + afterRetries + failedAfterRetries).isEqualTo(2_000);
            assertThat(calls(meters, "successful_with_retry")).isEqualTo(afterRetries);
            assertThat(calls(meters, "failed_with_retry")).isEqualTo(failedAfterRetries);
            assertThat(calls(meters, "failed_without_retry")).isZero();
            // Records acknowledged at their first attempt never go through the Retry.
            assertThat(calls(meters, "successful_without_retry")).isZero();
        }
    }
}
