package dev.firehose.local;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger: counts, order, duplicates and clearing, also under concurrent puts. */
class LedgerTest {

    @Test
    void balancesUnderConcurrentPutsAndFindsDuplicates() throws Exception {
        try (FirehoseLocal local = FirehoseLocal.builder().build().start();
             FirehoseClient client = Clients.syncNoRetry(local)) {
            local.createDeliveryStream("l");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 10; i++) {
                            client.putRecordBatch(r -> r.deliveryStreamName("l").records(Clients.records("t" + thread + "-", 50)));
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }

            assertThat(local.ledger().count("l")).isEqualTo(2000);
            assertThat(local.ledger().entriesReceived("l")).isEqualTo(2000);
            assertThat(local.ledger().requestsReceived("l")).isEqualTo(40);
            List<StoredRecord> records = local.ledger().records("l");
            assertThat(records).extracting(StoredRecord::sequence).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, 2000).boxed().toList());
            assertThat(records).extracting(StoredRecord::recordId).doesNotHaveDuplicates();
            // every thread sent t<k>-0 .. t<k>-49 ten times
            assertThat(local.ledger().duplicates("l")).hasSize(200).containsValues(10L)
                    .containsEntry(Base64.getEncoder().encodeToString("t2-49".getBytes(StandardCharsets.UTF_8)), 10L);

            local.ledger().clear();

            assertThat(local.ledger().count("l")).isZero();
            assertThat(local.ledger().records("l")).isEmpty();
            assertThat(local.ledger().requestsReceived("l")).isZero();
        }
    }

    @Test
    void pastTheRecordLimitTheLedgerOnlyCounts() {
        try (FirehoseLocal local = FirehoseLocal.builder().ledgerRecordLimit(15).build().start();
             FirehoseClient client = Clients.syncNoRetry(local)) {
            local.createDeliveryStream("a");
            local.createDeliveryStream("b");
            client.putRecordBatch(r -> r.deliveryStreamName("a").records(Clients.records("a", 10)));
            assertThat(local.ledger().recordsComplete()).isTrue();

            client.putRecordBatch(r -> r.deliveryStreamName("b").records(Clients.records("b", 10)));
            client.putRecordBatch(r -> r.deliveryStreamName("a").records(Clients.records("c", 10)));

            assertThat(local.ledger().recordsComplete()).isFalse();
            assertThat(local.ledger().records("a")).hasSize(10);
            assertThat(local.ledger().records("b")).hasSize(5);
            assertThat(local.ledger().count("a")).isEqualTo(20);
            assertThat(local.ledger().count("b")).isEqualTo(10);

            local.ledger().clear();
            client.putRecordBatch(r -> r.deliveryStreamName("a").records(Clients.records("d", 3)));
            assertThat(local.ledger().recordsComplete()).isTrue();
            assertThat(local.ledger().records("a")).extracting(StoredRecord::sequence).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void unknownStreamsHaveEmptyLedgers() {
        try (FirehoseLocal local = FirehoseLocal.builder().build().start()) {
            assertThat(local.ledger().count("none")).isZero();
            assertThat(local.ledger().records("none")).isEmpty();
            assertThat(local.ledger().duplicates("none")).isEmpty();
            assertThat(local.ledger().entriesFailed("none")).isZero();
        }
    }
}
