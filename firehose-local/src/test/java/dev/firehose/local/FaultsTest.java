package dev.firehose.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Every fault, seen through the SDK clients, and its repeatability with a seed. */
class FaultsTest {

    private static final AtomicInteger streams = new AtomicInteger();
    private static FirehoseLocal local;
    private static FirehoseClient sync;
    private static FirehoseAsyncClient async;

    @BeforeAll
    static void start() {
        local = FirehoseLocal.builder().seed(7).build().start();
        sync = Clients.syncNoRetry(local);
        async = Clients.asyncNoRetry(local);
    }

    @AfterAll
    static void stop() {
        sync.close();
        async.close();
        local.close();
    }

    private static String streamWith(Faults faults) {
        String name = "faulty-" + streams.incrementAndGet();
        local.createDeliveryStream(name);
        local.setFaults(name, faults);
        return name;
    }

    @Test
    void entryInternalFailureFailsEntriesWithInternalFailure() {
        String stream = streamWith(Faults.builder().entryInternalFailureRate(1.0).build());

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 10)));

        assertThat(res.failedPutCount()).isEqualTo(10);
        assertThat(res.requestResponses()).hasSize(10).allSatisfy(e -> {
            assertThat(e.errorCode()).isEqualTo("InternalFailure");
            assertThat(e.errorMessage()).isNotBlank();
            assertThat(e.recordId()).isNull();
        });
        assertThat(local.ledger().count(stream)).isZero();
        assertThat(local.ledger().entriesFailed(stream)).isEqualTo(10);
        assertThat(local.ledger().entriesReceived(stream)).isEqualTo(10);
    }

    @Test
    void entryServiceUnavailableFailsEntriesWithSlowDown() {
        String stream = streamWith(Faults.builder().entryServiceUnavailableRate(1.0).build());

        PutRecordBatchResponse res = async.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 4))).join();

        assertThat(res.failedPutCount()).isEqualTo(4);
        assertThat(res.requestResponses()).allSatisfy(e -> {
            assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(e.errorMessage()).isEqualTo("Slow down.");
        });
        assertThat(local.ledger().count(stream)).isZero();
    }

    @Test
    void partialEntryFailuresKeepRequestOrder() {
        String stream = streamWith(Faults.builder().entryInternalFailureRate(0.3).entryServiceUnavailableRate(0.2).build());

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("p", 500)));

        List<PutRecordBatchResponseEntry> entries = res.requestResponses();
        long failed = entries.stream().filter(e -> e.errorCode() != null).count();
        assertThat(res.failedPutCount()).isEqualTo((int) failed);
        assertThat(failed).isBetween(150L, 350L);
        List<String> expectedStored = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).errorCode() == null) {
                expectedStored.add("p" + i);
            }
        }
        assertThat(local.ledger().records(stream)).extracting(s -> new String(s.data()))
                .containsExactlyElementsOf(expectedStored);
        assertThat(local.ledger().count(stream) + local.ledger().entriesFailed(stream)).isEqualTo(500);
    }

    @Test
    void requestInternalErrorIsA500InternalFailure() {
        String stream = streamWith(Faults.builder().requestInternalErrorRate(1.0).build());

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 3))))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> {
                    FirehoseException f = (FirehoseException) e;
                    assertThat(f.statusCode()).isEqualTo(500);
                    assertThat(f.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
                });
        assertThat(local.ledger().count(stream)).isZero();
        assertThat(local.ledger().requestsReceived(stream)).isEqualTo(1);
    }

    @Test
    void requestServiceUnavailableIsA503ServiceUnavailableException() {
        String stream = streamWith(Faults.builder().requestServiceUnavailableRate(1.0).build());

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.record(new byte[1]))))
                .isExactlyInstanceOf(ServiceUnavailableException.class)
                .satisfies(e -> assertThat(((ServiceUnavailableException) e).statusCode()).isEqualTo(503));
        assertThatThrownBy(() -> async.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 1))).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseExactlyInstanceOf(ServiceUnavailableException.class);
        assertThat(local.ledger().count(stream)).isZero();
    }

    @Test
    void sdkRetriesWholeRequestFaults() {
        String stream = streamWith(Faults.builder().requestServiceUnavailableRate(1.0).build());

        try (FirehoseClient retrying = local.syncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(3))).build()) {
            assertThatThrownBy(() -> retrying.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 1))))
                    .isExactlyInstanceOf(ServiceUnavailableException.class);
        }
        assertThat(local.ledger().requestsReceived(stream)).isEqualTo(3);
    }

    @Test
    void latencyIsAddedBeforeTheAnswer() {
        String stream = streamWith(Faults.builder().latency(Duration.ofMillis(300)).build());

        long start = System.nanoTime();
        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 2)));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(res.failedPutCount()).isZero();
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
    }

    @Test
    void dropBeforeStoreClosesTheConnectionAndStoresNothing() {
        String stream = streamWith(Faults.builder().dropBeforeStoreRate(1.0).build());

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 5))))
                .isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> async.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 5))).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SdkClientException.class);
        assertThat(local.ledger().count(stream)).isZero();
        assertThat(local.ledger().requestsReceived(stream)).isEqualTo(2);
    }

    @Test
    void dropAfterStoreStoresThenClosesSoRetriesMakeDuplicates() {
        String stream = streamWith(Faults.builder().dropAfterStoreRate(1.0).build());

        try (FirehoseClient retrying = local.syncClientBuilder()
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(3))).build()) {
            assertThatThrownBy(() -> retrying.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("d", 4))))
                    .isInstanceOf(SdkClientException.class);
        }

        assertThat(local.ledger().count(stream)).isEqualTo(12);
        Map<String, Long> duplicates = local.ledger().duplicates(stream);
        assertThat(duplicates).hasSize(4).containsValues(3L);
        assertThat(duplicates).containsKey(java.util.Base64.getEncoder().encodeToString("d0".getBytes()));
    }

    @Test
    void faultsChangeForTheNextRequest() {
        String stream = streamWith(Faults.builder().entryInternalFailureRate(1.0).build());
        assertThat(sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 2))).failedPutCount()).isEqualTo(2);

        local.setFaults(stream, Faults.none());

        assertThat(sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 2))).failedPutCount()).isZero();
    }

    @Test
    void defaultFaultsApplyToStreamsWithoutTheirOwn() {
        try (FirehoseLocal other = FirehoseLocal.builder()
                .defaultFaults(Faults.builder().entryServiceUnavailableRate(1.0).build()).build().start();
             FirehoseClient client = Clients.syncNoRetry(other)) {
            other.createDeliveryStream("a");
            other.createDeliveryStream("b");
            other.setFaults("b", Faults.none());

            assertThat(client.putRecordBatch(r -> r.deliveryStreamName("a").records(Clients.records("x", 3))).failedPutCount()).isEqualTo(3);
            assertThat(client.putRecordBatch(r -> r.deliveryStreamName("b").records(Clients.records("x", 3))).failedPutCount()).isZero();
        }
    }

    @Test
    void sameSeedAndSameRequestsGiveTheSameFaults() {
        Faults faults = Faults.builder().entryInternalFailureRate(0.2).entryServiceUnavailableRate(0.1)
                .requestInternalErrorRate(0.2).build();

        List<String> first = outcomes(11, faults);
        List<String> again = outcomes(11, faults);
        List<String> otherSeed = outcomes(12, faults);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first).contains("request:InternalFailure");
        assertThat(String.join("", first)).contains("InternalFailure", "ServiceUnavailableException", "ok");
    }

    /** The outcome of 20 requests of 50 records against a new endpoint with this seed. */
    private static List<String> outcomes(long seed, Faults faults) {
        List<String> out = new ArrayList<>();
        try (FirehoseLocal l = FirehoseLocal.builder().seed(seed).defaultFaults(faults).build().start();
             FirehoseClient client = Clients.syncNoRetry(l)) {
            l.createDeliveryStream("seeded");
            for (int i = 0; i < 20; i++) {
                try {
                    PutRecordBatchResponse res = client.putRecordBatch(r -> r.deliveryStreamName("seeded")
                            .records(Clients.records("s", 50)));
                    StringBuilder sb = new StringBuilder();
                    for (PutRecordBatchResponseEntry e : res.requestResponses()) {
                        sb.append(e.errorCode() == null ? "ok" : e.errorCode()).append(',');
                    }
                    out.add(sb.toString());
                } catch (FirehoseException e) {
                    out.add("request:" + e.awsErrorDetails().errorCode());
                }
            }
        }
        return out;
    }

    @Test
    void failureRateMatchesTheConfiguredProbability() {
        String stream = streamWith(Faults.builder().entryInternalFailureRate(0.25).build());

        int failed = 0;
        for (int i = 0; i < 8; i++) {
            failed += sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 500))).failedPutCount();
        }

        assertThat(failed / 4000.0).isCloseTo(0.25, within(0.03));
    }

    @Test
    void faultRatesOutsideZeroToOneAreRejected() {
        assertThatThrownBy(() -> Faults.builder().entryInternalFailureRate(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entryInternalFailureRate must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> Faults.builder().dropAfterStoreRate(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropAfterStoreRate");
        assertThatThrownBy(() -> Faults.builder().entryInternalFailureRate(0.6).entryServiceUnavailableRate(0.6).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1");
        assertThatThrownBy(() -> Faults.builder().latency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Faults.none().isNone()).isTrue();
        assertThat(Faults.builder().latency(Duration.ofMillis(5)).build().toBuilder().build())
                .isEqualTo(Faults.builder().latency(Duration.ofMillis(5)).build());
    }
}
