package dev.firehose.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** BufferingHints.IntervalInSeconds 0: the records of one request are delivered together. */
class ZeroBufferingTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07Z"));
    private FirehoseLocal local;
    private FirehoseClient sync;

    @BeforeEach
    void start() {
        local = FirehoseLocal.builder().dataDirectory(dir).clock(clock).build().start();
        sync = Clients.syncNoRetry(local);
        sync.createDeliveryStream(r -> r.deliveryStreamName("now").extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::my-bucket").roleARN("arn:aws:iam::1:role/r")
                .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(0))));
    }

    @AfterEach
    void stop() {
        sync.close();
        local.close();
    }

    @Test
    void aRequestOf300RecordsBecomesOneObject() {
        List<Record> records = Clients.records("r", 300);

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName("now").records(records));

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            expected.append("r").append(i);
        }
        assertThat(res.failedPutCount()).isZero();
        assertThat(local.ledger().count("now")).isEqualTo(300);
        Map<String, String> objects = DeliveredObjects.read(dir);
        assertThat(objects).hasSize(1);
        assertThat(objects.values()).containsExactly(expected.toString());
    }

    @Test
    void eachRequestIsItsOwnObjectWithoutWaitingForATimer() {
        sync.putRecordBatch(r -> r.deliveryStreamName("now").records(Clients.records("a", 2)));
        sync.putRecordBatch(r -> r.deliveryStreamName("now").records(Clients.records("b", 3)));

        assertThat(DeliveredObjects.read(dir).values()).containsExactlyInAnyOrder("a0a1", "b0b1b2");
        assertThat(local.ledger().count("now")).isEqualTo(5);
    }
}
