package dev.firehose.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin endpoint under /_local/ that changes a running endpoint from the command line. */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().clock(clock).build().start();
        local.createDeliveryStream("ops");
        sync = Clients.syncNoRetry(local);
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    private PutRecordBatchResponse put(int n) {
        return sync.putRecordBatch(r -> r.deliveryStreamName("ops").records(Clients.records("x", n)));
    }

    @Test
    void postedFaultsApplyToTheNextRequest() throws Exception {
        HttpResponse<String> res = Clients.admin(local, "POST", "/_local/faults?stream=ops",
                "{\"entryInternalFailureRate\":1.0,\"latencyMillis\":5}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("entryInternalFailureRate").asDouble()).isEqualTo(1.0);
        assertThat(body.get("latencyMillis").asLong()).isEqualTo(5);
        assertThat(put(3).failedPutCount()).isEqualTo(3);
        JsonNode read = JSON.readTree(Clients.admin(local, "GET", "/_local/faults?stream=ops", null).body());
        assertThat(read.get("entryInternalFailureRate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void faultsWithoutAStreamSetTheDefault() throws Exception {
        Clients.admin(local, "POST", "/_local/faults", "{\"entryServiceUnavailableRate\":1.0}");

        assertThat(put(2).failedPutCount()).isEqualTo(2);

        Clients.admin(local, "POST", "/_local/faults", "{}");
        assertThat(put(2).failedPutCount()).isZero();
    }

    @Test
    void postedQuotaThrottles() throws Exception {
        HttpResponse<String> res = Clients.admin(local, "POST", "/_local/quota?stream=ops", "{\"recordsPerSecond\":5}");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("recordsPerSecond").asLong()).isEqualTo(5);
        assertThat(body.get("bytesPerSecond").isNull()).isTrue();
        assertThat(put(8).failedPutCount()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        Clients.admin(local, "POST", "/_local/quota?stream=ops", "{}");
        assertThat(put(500).failedPutCount()).isZero();
    }

    @Test
    void ledgerReportsCounts() throws Exception {
        Clients.admin(local, "POST", "/_local/faults?stream=ops", "{\"dropAfterStoreRate\":1.0}");
        try (FirehoseClient retrying = local.syncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(2))).build()) {
            try {
                retrying.putRecordBatch(r -> r.deliveryStreamName("ops").records(Clients.records("y", 3)));
            } catch (RuntimeException expected) {
                // the connection was dropped after storing, twice
            }
        }

        JsonNode ledger = JSON.readTree(Clients.admin(local, "GET", "/_local/ledger?stream=ops", null).body());

        assertThat(ledger.get("stream").asText()).isEqualTo("ops");
        assertThat(ledger.get("stored").asLong()).isEqualTo(6);
        assertThat(ledger.get("requestsReceived").asLong()).isEqualTo(2);
        assertThat(ledger.get("entriesReceived").asLong()).isEqualTo(6);
        assertThat(ledger.get("duplicates").asLong()).isEqualTo(3);
    }

    @Test
    void deliverWritesBuffersNow() throws Exception {
        put(2);

        assertThat(Clients.admin(local, "POST", "/_local/deliver", "").statusCode()).isEqualTo(200);

        try (var files = java.nio.file.Files.walk(local.dataDirectory())) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile).count()).isEqualTo(1);
        }
    }

    @Test
    void badInputIsA400NamingTheProblem() throws Exception {
        HttpResponse<String> unknown = Clients.admin(local, "POST", "/_local/faults?stream=ops", "{\"explode\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unknown fault explode");

        HttpResponse<String> range = Clients.admin(local, "POST", "/_local/faults?stream=ops", "{\"dropBeforeStoreRate\":2}");
        assertThat(range.statusCode()).isEqualTo(400);
        assertThat(range.body()).contains("dropBeforeStoreRate must be in [0, 1], was 2.0");

        HttpResponse<String> malformed = Clients.admin(local, "POST", "/_local/quota?stream=ops", "{");
        assertThat(malformed.statusCode()).isEqualTo(400);

        HttpResponse<String> negative = Clients.admin(local, "POST", "/_local/quota?stream=ops", "{\"requestsPerSecond\":-1}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).contains("requestsPerSecond must be at least 1, was -1");

        assertThat(Clients.admin(local, "GET", "/_local/ledger", null).statusCode()).isEqualTo(400);
        assertThat(Clients.admin(local, "GET", "/_local/nothing", null).statusCode()).isEqualTo(404);
        assertThat(put(1).failedPutCount()).isZero();
    }
}
