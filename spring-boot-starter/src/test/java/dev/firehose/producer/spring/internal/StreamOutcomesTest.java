package dev.firehose.producer.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.RecordSettledEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the health indicator remembers of failing streams. */
class StreamOutcomesTest {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private Instant now = Instant.parse("2026-12-04T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static RecordSettledEvent failed(String stream) {
        return new RecordSettledEvent(stream, 1, false, "ResourceNotFoundException", 1, Duration.ZERO, false);
    }

    @Test
    void failuresOlderThanTheWindowAreForgottenSoManyStreamNamesDoNotAccumulate() {
        StreamOutcomes outcomes = new StreamOutcomes(clock);
        for (int i = 0; i < 1_000; i++) {
            outcomes.onRecordSettled(failed("orders-" + i));
        }
        assertThat(outcomes.failing(WINDOW)).hasSize(1_000);

        now = now.plus(WINDOW).plusSeconds(1);
        outcomes.onRecordSettled(failed("orders-new"));
        assertThat(outcomes.failing(WINDOW)).containsOnlyKeys("orders-new");
        assertThat(outcomes.remembered()).isEqualTo(1);
    }

    @Test
    void aStreamThatFailsAgainWithinTheWindowIsStillFailing() {
        StreamOutcomes outcomes = new StreamOutcomes(clock);
        outcomes.onRecordSettled(failed("orders"));
        now = now.plusSeconds(50);
        outcomes.onRecordSettled(failed("orders"));
        now = now.plusSeconds(20);
        assertThat(outcomes.failing(WINDOW)).containsOnlyKeys("orders");
    }
}
