package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * Duration settings too long to compute deadlines with are refused by the setting, naming it and
 * the range, instead of overflowing later in {@code build()}; the longest allowed builds a producer.
 */
class DurationLimitsTest {

    private static final FirehoseAsyncClient IDLE_CLIENT = new FirehoseAsyncClient() {
        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    };

    @Test
    void everyDurationAboveTheLimitIsRefusedByItsSetting() {
        List<Function<Duration, ProducerConfig.Builder>> setters = List.of(
                d -> ProducerConfig.builder().lingerTime(d),
                d -> ProducerConfig.builder().maxBlockTime(d),
                d -> ProducerConfig.builder().deliveryTimeout(d),
                d -> ProducerConfig.builder().requestTimeout(d),
                d -> ProducerConfig.builder().streamIdleTimeout(d));
        for (Function<Duration, ProducerConfig.Builder> setter : setters) {
            assertThatThrownBy(() -> setter.apply(ChronoUnit.FOREVER.getDuration()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT8760H");
            assertThatThrownBy(() -> setter.apply(ProducerConfig.MAX_DURATION.plusNanos(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theLongestDurationsBuildAProducer() {
        Duration max = ProducerConfig.MAX_DURATION;
        ProducerConfig config = ProducerConfig.builder().maxBlockTime(max).deliveryTimeout(max)
                .requestTimeout(max).streamIdleTimeout(max).lingerTime(Duration.ofSeconds(1)).build();
        FirehoseProducer p = FirehoseProducer.builder().deliveryStreamName("s").client(IDLE_CLIENT).config(config)
                .build();
        p.close(Duration.ofSeconds(1));
    }
}
