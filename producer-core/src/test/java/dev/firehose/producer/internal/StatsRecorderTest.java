package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.StreamStats;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StatsRecorder}: what each event counts, per stream and in the total, before and after a stream retires. */
class StatsRecorderTest {

    private final StatsRecorder stats = new StatsRecorder();
    private final RecordAccumulator noRecords = new RecordAccumulator(500, 4 << 20, 0, now -> null);

    private ProducerStats snapshot() {
        return stats.snapshot(noRecords, 0);
    }

    /** A stream with every counter moved: 4 records put, 1 acknowledged, 2 failed, 1 still buffered. */
    private void busyStream(String stream) {
        for (int i = 0; i < 4; i++) {
            stats.recordAccepted(stream, 10 + i);
        }
        stats.requestSent(stream);
        stats.requestCompleted(stream, 4, 46, false, 1);
        stats.recordsAcknowledged(stream, 1, 10, 1);
        stats.recordsRetried(stream, 2);
        stats.requestSent(stream);
        stats.requestCompleted(stream, 2, 23, true, 0);
        stats.recordSettled(stream, 11, "InternalFailure", true);
        stats.recordSettled(stream, 12, "ResourceNotFoundException", false);
    }

    @Test
    void eachEventMovesItsOwnCounters() {
        busyStream("s");
        StreamStats s = snapshot().stream("s");
        assertThat(s).isEqualTo(new StreamStats("s", 4, 46, 1, 10, 2,
                Map.of("InternalFailure", 1L, "ResourceNotFoundException", 1L), 2, 2, 2, 1, 6, 69, 1, 1, 13, 0,
                Duration.ZERO, 0, 0));
    }

    @Test
    void aRecordSettledWithoutAnErrorCodeIsAcknowledged() {
        stats.recordAccepted("s", 7);
        stats.recordSettled("s", 7, null, false);
        StreamStats s = snapshot().stream("s");
        assertThat(s.recordsAcknowledged()).isEqualTo(1);
        assertThat(s.bytesAcknowledged()).isEqualTo(7);
        assertThat(s.recordsFailed()).isZero();
        assertThat(s.recordsFailedByCode()).isEmpty();
        assertThat(s.bufferedRecords()).isZero();
        assertThat(s.bufferedBytes()).isZero();
        assertThat(s.recordsMayBeDuplicated()).isZero();
    }

    @Test
    void anAbandonedRequestIsNoLongerInFlight() {
        stats.requestSent("s");
        stats.requestSent("s");
        stats.requestSent("t");
        assertThat(snapshot().total().requestsInFlight()).isEqualTo(3);
        stats.requestAbandoned("s");
        assertThat(snapshot().stream("s").requestsInFlight()).isEqualTo(1);
        assertThat(snapshot().total().requestsInFlight()).isEqualTo(2);
        assertThat(snapshot().stream("s").requests()).as("an abandoned request is not a completed one").isZero();
    }

    @Test
    void aRetiredStreamLeavesTheStreamsButEveryCountStaysInTheTotal() {
        busyStream("gone");
        busyStream("kept");
        stats.recordsAcknowledgedLate("gone", 3);
        stats.putBlocked();
        stats.listenerError();
        ProducerStats before = snapshot();

        stats.retire("gone");
        stats.retire("never-seen");
        ProducerStats after = snapshot();

        assertThat(after.streams()).containsOnlyKeys("kept");
        assertThat(after.total()).isEqualTo(before.total());
        assertThat(after.total().recordsFailedByCode())
                .isEqualTo(Map.of("InternalFailure", 2L, "ResourceNotFoundException", 2L));
        assertThat(after.recordsAcknowledgedLate()).isEqualTo(3);
        assertThat(after.putsBlocked()).isEqualTo(1);
        assertThat(after.listenerErrors()).isEqualTo(1);

        // A stream of the same name starts afresh; the total goes on.
        stats.recordAccepted("gone", 5);
        assertThat(snapshot().stream("gone").recordsPut()).isEqualTo(1);
        assertThat(snapshot().total().recordsPut()).isEqualTo(9);
    }
}
