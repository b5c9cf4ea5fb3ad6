package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProducerConfigTest {

    @Test
    void defaultsMirrorTheServiceLimits() {
        ProducerConfig c = ProducerConfig.defaults();
        assertThat(c.maxBatchRecords()).isEqualTo(500);
        assertThat(c.maxBatchBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.lingerTime()).isEqualTo(ProducerConfig.DEFAULT_LINGER_TIME);
        assertThat(c.maxInFlightRequestsPerStream()).isEqualTo(ProducerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM);
        assertThat(c.maxAttempts()).isEqualTo(ProducerConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(c.deliveryTimeout()).isEqualTo(ProducerConfig.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(c.bufferFullPolicy()).isEqualTo(BufferFullPolicy.BLOCK);
        assertThat(c.retryInterval()).isSameAs(ProducerConfig.DEFAULT_RETRY_INTERVAL);
    }

    @Test
    void toBuilderKeepsEverySetting() {
        ProducerConfig c = ProducerConfig.builder().lingerTime(Duration.ofMillis(7)).maxBatchRecords(42)
                .maxBatchBytes(2_000_000).maxInFlightRequestsPerStream(3).maxBufferedBytes(9_000_000)
                .maxBufferedRecords(900).bufferFullPolicy(BufferFullPolicy.FAIL).maxBlockTime(Duration.ofSeconds(3))
                .maxAttempts(4).deliveryTimeout(Duration.ofSeconds(9)).requestTimeout(Duration.ofSeconds(2))
                .adaptiveThrottling(false).recordsPerSecondLimit(10).bytesPerSecondLimit(20)
                .requestsPerSecondLimit(30).build();
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
        assertThat(c.toString()).contains("lingerTime=PT0.007S", "maxBatchRecords=42", "bufferFullPolicy=FAIL",
                "requestsPerSecondLimit=30", "adaptiveThrottling=false");
    }

    @Test
    void settersRejectValuesOutOfRangeNamingTheValueAndTheRange() {
        assertThatThrownBy(() -> ProducerConfig.builder().maxBatchRecords(501))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatchRecords must be between 1 and 500, was 501");
        assertThatThrownBy(() -> ProducerConfig.builder().maxBatchBytes(4 * 1024 * 1024 + 1))
                .hasMessage("maxBatchBytes must be between 1024000 and 4194304, was 4194305");
        assertThatThrownBy(() -> ProducerConfig.builder().lingerTime(Duration.ofMillis(-1)))
                .hasMessageContaining("lingerTime must be zero or more");
        assertThatThrownBy(() -> ProducerConfig.builder().deliveryTimeout(Duration.ZERO))
                .hasMessageContaining("deliveryTimeout must be more than zero");
        assertThatThrownBy(() -> ProducerConfig.builder().maxAttempts(0))
                .hasMessageContaining("maxAttempts must be between 1");
    }

    @Test
    void buildChecksTheRulesBetweenSettings() {
        assertThatThrownBy(() -> ProducerConfig.builder().maxBufferedBytes(2_000_000).build())
                .hasMessage("maxBufferedBytes (2000000) must be at least maxBatchBytes (4194304)");
        assertThatThrownBy(() -> ProducerConfig.builder().maxBufferedRecords(499).build())
                .hasMessage("maxBufferedRecords (499) must be at least maxBatchRecords (500)");
        assertThatThrownBy(() -> ProducerConfig.builder().lingerTime(Duration.ofSeconds(5))
                .deliveryTimeout(Duration.ofSeconds(5)).build())
                .hasMessageContaining("deliveryTimeout (PT5S) must be longer than lingerTime (PT5S)");
    }
}
