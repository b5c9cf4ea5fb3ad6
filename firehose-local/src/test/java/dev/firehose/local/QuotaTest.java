package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-stream quotas as token buckets on the injected clock: whole-request and per-entry "Slow down.". */
class QuotaTest {

    private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");
    private final MutableClock clock = new MutableClock(START);
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).build().start();
        local.createDeliveryStream("q");
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private PutRecordBatchResponse batch(int n) {
        return sync.putRecordBatch(r -> r.deliveryStreamName("q").records(Clients.records("r", n)));
    }

    @Test
    void requestsBeyondTheRequestRateFailWholeWithSlowDown() {
        local.setQuota("q", Quota.builder().requestsPerSecond(2).build());

        batch(1);
        batch(1);
        assertThatThrownBy(() -> batch(1))
                .isExactlyInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("Slow down.")
                .satisfies(e -> assertThat(((ServiceUnavailableException) e).statusCode()).isEqualTo(503));
        assertThat(local.ledger().count("q")).isEqualTo(2);
        assertThat(local.ledger().entriesThrottled("q")).isEqualTo(1);

        clock.advance(Duration.ofMillis(500));
        batch(1);
        assertThatThrownBy(() -> batch(1)).isExactlyInstanceOf(ServiceUnavailableException.class);
        assertThat(local.ledger().count("q")).isEqualTo(3);
    }

    @Test
    void entriesBeyondTheRecordRateFailOneByOne() {
        local.setQuota("q", Quota.builder().recordsPerSecond(700).build());

        assertThat(batch(500).failedPutCount()).isZero();
        PutRecordBatchResponse second = batch(500);

        assertThat(second.failedPutCount()).isEqualTo(300);
        List<PutRecordBatchResponseEntry> entries = second.requestResponses();
        assertThat(entries.subList(0, 200)).allSatisfy(e -> assertThat(e.recordId()).isNotNull());
        assertThat(entries.subList(200, 500)).allSatisfy(e -> {
            assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(e.errorMessage()).isEqualTo("Slow down.");
        });
        assertThat(local.ledger().count("q")).isEqualTo(700);
        assertThat(local.ledger().entriesThrottled("q")).isEqualTo(300);
        assertThat(local.ledger().entriesFailed("q")).isEqualTo(300);

        clock.advance(Duration.ofSeconds(1));
        assertThat(batch(500).failedPutCount()).isZero();
    }

    @Test
    void bucketRefillsInProportionToElapsedTime() {
        local.setQuota("q", Quota.builder().recordsPerSecond(1000).build());
        batch(500);
        batch(500);
        assertThat(batch(10).failedPutCount()).isEqualTo(10);

        clock.advance(Duration.ofMillis(100));

        assertThat(batch(150).failedPutCount()).isEqualTo(50);
    }

    @Test
    void entriesBeyondTheByteRateFail() {
        local.setQuota("q", Quota.builder().bytesPerSecond(1000).build());

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName("q").records(
                Clients.sized(400, (byte) 1), Clients.sized(400, (byte) 2), Clients.sized(400, (byte) 3), Clients.sized(100, (byte) 4)));

        assertThat(res.requestResponses()).extracting(PutRecordBatchResponseEntry::errorCode)
                .containsExactly(null, null, "ServiceUnavailableException", "ServiceUnavailableException");
        assertThat(local.ledger().count("q")).isEqualTo(2);
    }

    @Test
    void putRecordBeyondTheRecordRateFailsWhole() {
        local.setQuota("q", Quota.builder().recordsPerSecond(1).build());

        sync.putRecord(r -> r.deliveryStreamName("q").record(Clients.record(new byte[] {1})));

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName("q").record(Clients.record(new byte[] {2}))))
                .isExactlyInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("Slow down.");
        assertThat(local.ledger().count("q")).isEqualTo(1);
    }

    @Test
    void quotaIsSharedByPutRecordAndPutRecordBatch() {
        local.setQuota("q", Quota.builder().recordsPerSecond(3).build());

        sync.putRecord(r -> r.deliveryStreamName("q").record(Clients.record(new byte[] {1})));

        assertThat(batch(3).failedPutCount()).isEqualTo(1);
    }

    @Test
    void throttledRecordsAreCountedInTheMetricStore() {
        local.setQuota("q", Quota.builder().recordsPerSecond(100).build());

        batch(150);

        Map<String, String> dims = Map.of("DeliveryStreamName", "q");
        Instant from = START.minusSeconds(60);
        Instant to = START.plusSeconds(60);
        assertThat(local.metricStore().sum("AWS/Firehose", "ThrottledRecords", dims, from, to)).isEqualTo(50.0);
        assertThat(local.metricStore().sum("AWS/Firehose", "IncomingRecords", dims, from, to)).isEqualTo(100.0);
        assertThat(local.metricStore().sum("AWS/Firehose", "PutRecordBatch.Records", dims, from, to)).isEqualTo(150.0);
    }

    @Test
    void wholeRequestThrottlingIsNotAnIncomingRequest() {
        local.setQuota("q", Quota.builder().requestsPerSecond(1).build());
        batch(4);

        assertThatThrownBy(() -> batch(6)).isExactlyInstanceOf(ServiceUnavailableException.class);

        Map<String, String> dims = Map.of("DeliveryStreamName", "q");
        Instant from = START.minusSeconds(60);
        Instant to = START.plusSeconds(60);
        assertThat(local.metricStore().sum("AWS/Firehose", "IncomingPutRequests", dims, from, to)).isEqualTo(1.0);
        assertThat(local.metricStore().sum("AWS/Firehose", "PutRecordBatch.Requests", dims, from, to)).isEqualTo(2.0);
        assertThat(local.metricStore().sum("AWS/Firehose", "ThrottledRecords", dims, from, to)).isEqualTo(6.0);
        assertThat(local.metricStore().sum("AWS/Firehose", "IncomingRecords", dims, from, to)).isEqualTo(4.0);
    }

    @Test
    void unlimitedQuotaThrottlesNothing() {
        local.setQuota("q", Quota.builder().recordsPerSecond(1).build());
        local.setQuota("q", Quota.unlimited());

        assertThat(batch(500).failedPutCount()).isZero();
        assertThat(batch(500).failedPutCount()).isZero();
    }

    @Test
    void quotaValuesAreChecked() {
        assertThatThrownBy(() -> Quota.builder().recordsPerSecond(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recordsPerSecond must be at least 1, was 0");
        assertThat(Quota.awsLargeRegionDefault().recordsPerSecond()).isEqualTo(500_000);
        assertThat(Quota.awsLargeRegionDefault().requestsPerSecond()).isEqualTo(2_000);
        assertThat(Quota.awsLargeRegionDefault().bytesPerSecond()).isEqualTo(5L * 1024 * 1024);
        assertThat(Quota.unlimited().isUnlimited()).isTrue();
    }
}
