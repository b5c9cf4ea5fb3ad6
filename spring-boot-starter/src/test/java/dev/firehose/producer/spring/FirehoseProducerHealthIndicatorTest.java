package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** UP and DOWN of the health indicator, on a clock the test moves. */
class FirehoseProducerHealthIndicatorTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(30);
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock();
    private FirehoseLocal local;
    private FirehoseClient client;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().build().start();
        local.createDeliveryStream("clicks");
        client = local.syncClient();
    }

    @AfterEach
    void stop() {
        client.close();
        local.close();
    }

    @Test
    void aStreamWhoseRecordsFailForGoodIsDownUntilOneIsStored() {
        ProducerConfig config = ProducerConfig.defaults();
        try (FirehoseProducer producer = FirehoseProducer.builder().client(client).config(config).build()) {
            FirehoseProducerHealthIndicator health = indicator(producer);
            producer.put("clicks", "ok\n").join();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            // No such stream: the service refuses the record, and retrying cannot help.
            CompletableFuture<?> failed = producer.put("orders", "lost\n");
            assertThat(failed).failsWithin(Duration.ofSeconds(10));
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("failingStreams", Map.of("orders", "ResourceNotFoundException"))
                    .containsEntry("recordsFailedByCode", Map.of("ResourceNotFoundException", 1L));

            local.createDeliveryStream("orders");
            producer.put("orders", "stored\n").join();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        }
    }

    @Test
    void aFailureCountsForTheWindowOnly() {
        ProducerConfig config = ProducerConfig.defaults();
        try (FirehoseProducer producer = FirehoseProducer.builder().client(client).config(config).build()) {
            FirehoseProducerHealthIndicator health = indicator(producer);
            assertThat(producer.put("orders", "lost\n")).failsWithin(Duration.ofSeconds(10));
            clock.advance(WINDOW.minusSeconds(1));
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            clock.advance(Duration.ofSeconds(2));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        }
    }

    @Test
    void aBufferFullForLongerThanTheThresholdIsDown() {
        // Ten records fill the buffer; the endpoint holds each request for a minute.
        local.setFaults("clicks", Faults.builder().latency(Duration.ofMinutes(1)).build());
        ProducerConfig config = ProducerConfig.builder().maxBatchRecords(10).maxBufferedRecords(10)
                .maxStreamBufferShare(1.0).bufferFullPolicy(BufferFullPolicy.FAIL).build();
        FirehoseProducer producer = FirehoseProducer.builder().client(client).config(config).build();
        try {
            FirehoseProducerHealthIndicator health = indicator(producer);
            for (int i = 0; i < 10; i++) {
                producer.put("clicks", "r" + i + "\n");
            }
            assertThatThrownBy(() -> producer.put("clicks", "one too many\n")).isInstanceOf(BufferFullException.class);

            Health first = health.health();
            assertThat(first.getStatus()).isEqualTo(Status.UP);
            assertThat(first.getDetails()).containsEntry("bufferedRecords", 10L)
                    .containsKey("fullBuffers").containsKey("fullSince");
            clock.advance(THRESHOLD.minusSeconds(1));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            clock.advance(Duration.ofSeconds(1));
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        } finally {
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void stopsListeningWhenDestroyed() {
        ProducerConfig config = ProducerConfig.defaults();
        try (FirehoseProducer producer = FirehoseProducer.builder().client(client).config(config).build()) {
            FirehoseProducerHealthIndicator health = indicator(producer);
            health.destroy();
            assertThat(producer.put("orders", "lost\n")).failsWithin(Duration.ofSeconds(10));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        }
    }

    /** The indicator takes the producer's buffer bounds from the producer itself. */
    private FirehoseProducerHealthIndicator indicator(FirehoseProducer producer) {
        return new FirehoseProducerHealthIndicator(producer, THRESHOLD, WINDOW, clock);
    }

    /** A clock that moves only when the test says so. */
    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-04T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
