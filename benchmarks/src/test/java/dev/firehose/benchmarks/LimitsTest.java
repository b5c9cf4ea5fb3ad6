package dev.firehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void fullRequestsAreCutAt500RecordsOr4MiB() {
        assertThat(Limits.recordsPerFullRequest(100)).isEqualTo(500);
        assertThat(Limits.recordsPerFullRequest(1024)).isEqualTo(500);
        assertThat(Limits.recordsPerFullRequest(10240)).isEqualTo(409);
        assertThat(Limits.recordsPerFullRequest(1_024_000)).isEqualTo(4);
    }

    @Test
    void aRequestIsFullWhenOneMoreRecordOfItsAverageSizeWouldNotFit() {
        assertThat(Limits.isFull(500, 50_000)).isTrue();
        assertThat(Limits.isFull(499, 49_900)).isFalse();
        assertThat(Limits.isFull(409, 409L * 10240)).isTrue();
        assertThat(Limits.isFull(408, 408L * 10240)).isFalse();
    }
}
