package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.StoredRecord;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.StreamStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/** With packing, the meters tell user records from Firehose records, and show what Firehose bills. */
@Timeout(60)
class PackingMetersTest {

    @Test
    void userRecordsFirehoseRecordsAndBilledBytesMatchWhatTheEndpointStored() throws Exception {
        try (FirehoseLocal local = FirehoseLocal.builder().port(0).build().start();
             FirehoseAsyncClient client = local.asyncClient()) {
            local.createDeliveryStream("clicks");
            FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName("clicks").client(client)
                    .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(20))
                            .packing(RecordPacking.newlineDelimited()).build())
                    .build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
                metrics.bindTo(registry);
                byte[] record = new byte[100];
                java.util.Arrays.fill(record, (byte) 'a');
                for (int i = 0; i < 3_000; i++) {
                    producer.put(record);
                }
                producer.flush().get(30, TimeUnit.SECONDS);

                List<StoredRecord> stored = local.ledger().records("clicks");
                long billed = stored.stream().mapToLong(r -> (r.data().length + 5_119L) / 5_120 * 5_120).sum();
                assertThat(stored.size()).isBetween(1, 300);
                assertThat(count(registry, FirehoseProducerMetrics.ACKNOWLEDGED_USER_RECORDS)).isEqualTo(3_000);
                assertThat(count(registry, FirehoseProducerMetrics.ACKNOWLEDGED_FIREHOSE_RECORDS))
                        .isEqualTo(stored.size());
                assertThat(count(registry, FirehoseProducerMetrics.BILLED_BYTES)).isEqualTo(billed);
                // The AWS/Firehose mirror counts what the service counts: Firehose records.
                assertThat(registry.get(FirehoseMetric.INCOMING_RECORDS.meterName()).counter().count())
                        .isEqualTo(stored.size());
                StreamStats stats = producer.stats().stream("clicks");
                assertThat(stats.billedBytes()).isEqualTo(billed);
                assertThat(billed).as("a fraction of 3,000 records billed 5 KB each").isLessThan(3_000L * 5_120 / 40);
            } finally {
                producer.close();
            }
        }
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag(FirehoseMetric.STREAM_TAG, "clicks").functionCounter().count();
    }
}
