package dev.firehose.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PutRecord and PutRecordBatch through the real SDK clients: answers, ledger, validation errors. */
class DataPlaneTest {

    private static final AtomicInteger streams = new AtomicInteger();
    private static FirehoseLocal local;
    private static FirehoseClient sync;
    private static FirehoseAsyncClient async;

    @BeforeAll
    static void start() {
        local = FirehoseLocal.builder().build().start();
        sync = Clients.syncNoRetry(local);
        async = Clients.asyncNoRetry(local);
    }

    @AfterAll
    static void stop() {
        sync.close();
        async.close();
        local.close();
    }

    private static String newStream() {
        String name = "data-" + streams.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    @Test
    void putRecordBatchStoresEveryRecordInOrderWithUniqueRecordIds() {
        String stream = newStream();
        List<Record> records = Clients.records("r", 500);

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records));

        assertThat(res.failedPutCount()).isZero();
        assertThat(res.encrypted()).isFalse();
        assertThat(res.requestResponses()).hasSize(500)
                .allSatisfy(e -> assertThat(e.errorCode()).isNull());
        List<String> ids = res.requestResponses().stream().map(PutRecordBatchResponseEntry::recordId).toList();
        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
        List<StoredRecord> stored = local.ledger().records(stream);
        assertThat(stored).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(new String(stored.get(i).data(), StandardCharsets.UTF_8)).isEqualTo("r" + i);
            assertThat(stored.get(i).recordId()).isEqualTo(ids.get(i));
            assertThat(stored.get(i).sequence()).isEqualTo(i);
            assertThat(stored.get(i).stream()).isEqualTo(stream);
        }
        assertThat(local.ledger().count(stream)).isEqualTo(500);
        assertThat(local.ledger().entriesReceived(stream)).isEqualTo(500);
        assertThat(local.ledger().requestsReceived(stream)).isEqualTo(1);
        assertThat(local.ledger().entriesFailed(stream)).isZero();
    }

    @Test
    void asyncClientPutsBatchesAndSingleRecords() {
        String stream = newStream();

        PutRecordBatchResponse batch = async.putRecordBatch(r -> r.deliveryStreamName(stream)
                .records(Clients.records("a", 3))).join();
        PutRecordResponse single = async.putRecord(r -> r.deliveryStreamName(stream)
                .record(Clients.record("single".getBytes(StandardCharsets.UTF_8)))).join();

        assertThat(batch.failedPutCount()).isZero();
        assertThat(single.recordId()).isNotBlank();
        assertThat(local.ledger().records(stream)).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
                .containsExactly("a0", "a1", "a2", "single");
        assertThat(local.ledger().records(stream).get(3).recordId()).isEqualTo(single.recordId());
    }

    @Test
    void putRecordStoresTheRecordAndAnswersItsRecordId() {
        String stream = newStream();
        byte[] data = {0, 1, 2, (byte) 0xFF, '\n'};

        PutRecordResponse res = sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.record(data)));

        assertThat(res.encrypted()).isFalse();
        assertThat(local.ledger().records(stream)).singleElement().satisfies(r -> {
            assertThat(r.data()).containsExactly(data);
            assertThat(r.recordId()).isEqualTo(res.recordId());
        });
    }

    @Test
    void emptyRecordIsLegal() {
        String stream = newStream();

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream)
                .records(Clients.record(new byte[0])));

        assertThat(res.failedPutCount()).isZero();
        assertThat(local.ledger().records(stream)).singleElement().satisfies(r -> assertThat(r.data()).isEmpty());
    }

    @Test
    void moreThan500RecordsFailValidation() {
        String stream = newStream();

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(Clients.records("x", 501))))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .satisfies(e -> assertThat(((FirehoseException) e).statusCode()).isEqualTo(400))
                .hasMessageContaining("1 validation error detected: Value '[501 records]' at 'records' failed to satisfy "
                        + "constraint: Member must have length less than or equal to 500");
        assertThat(local.ledger().count(stream)).isZero();
        assertThat(local.ledger().entriesReceived(stream)).isEqualTo(501);
    }

    @Test
    void emptyRecordListFailsValidation() {
        String stream = newStream();

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(List.of())))
                .isInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }

    @Test
    void recordOver1024000BytesFailsValidationNamingItsPosition() {
        String stream = newStream();
        List<Record> records = new ArrayList<>(Clients.records("ok", 100));
        records.set(96, Clients.sized(1_024_001, (byte) 'x'));

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' "
                        + "at 'records.97.member.data' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 1024000");
        assertThat(local.ledger().count(stream)).isZero();
    }

    @Test
    void recordOfExactly1024000BytesIsAccepted() {
        String stream = newStream();

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream)
                .records(Clients.sized(1_024_000, (byte) 'y')));

        assertThat(res.failedPutCount()).isZero();
        assertThat(local.ledger().records(stream).get(0).data()).hasSize(1_024_000);
    }

    @Test
    void putRecordOverTheRecordLimitFailsValidation() {
        String stream = newStream();

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.sized(1_100_000, (byte) 1))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
    }

    @Test
    void everyOversizeRecordIsReported() {
        String stream = newStream();
        List<Record> records = List.of(Clients.sized(1_024_001, (byte) 1), Clients.record(new byte[1]),
                Clients.sized(1_024_002, (byte) 1));

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)))
                .hasMessageContaining("2 validation errors detected:")
                .hasMessageContaining("'records.1.member.data'")
                .hasMessageContaining("'records.3.member.data'");
    }

    @Test
    void requestOverFourMebibytesOfDataIsAnInvalidArgument() {
        String stream = newStream();
        List<Record> records = List.of(Clients.sized(1_000_000, (byte) 1), Clients.sized(1_000_000, (byte) 2),
                Clients.sized(1_000_000, (byte) 3), Clients.sized(1_000_000, (byte) 4), Clients.sized(194_305, (byte) 5));

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)))
                .isExactlyInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records size exceeds 4 MB limit")
                .hasMessageContaining("4194305 bytes")
                .hasMessageContaining("4194304");
        assertThat(local.ledger().count(stream)).isZero();
    }

    @Test
    void requestOfExactlyFourMebibytesOfDataIsAccepted() {
        String stream = newStream();
        List<Record> records = List.of(Clients.sized(1_024_000, (byte) 1), Clients.sized(1_024_000, (byte) 2),
                Clients.sized(1_024_000, (byte) 3), Clients.sized(1_024_000, (byte) 4), Clients.sized(98_304, (byte) 5));

        PutRecordBatchResponse res = sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records));

        assertThat(res.failedPutCount()).isZero();
        assertThat(local.ledger().count(stream)).isEqualTo(5);
    }

    @Test
    void recordWithoutDataFailsValidation() {
        String stream = newStream();
        List<Record> records = List.of(Clients.record(new byte[] {1}), Record.builder().build());

        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void streamNameOutsideTheAlphabetFailsValidation() {
        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName("bad name!").records(Clients.records("x", 1))))
                .isExactlyInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }

    @Test
    void streamNameLongerThan64CharactersFailsValidation() {
        String name = "a".repeat(65);

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName(name).record(Clients.record(new byte[1]))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value '" + name + "' at 'deliveryStreamName' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 64");
    }

    @Test
    void missingStreamNameFailsValidation() {
        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.records(Clients.records("x", 1))))
                .isExactlyInstanceOf(FirehoseException.class)
                .hasMessageContaining("Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void unknownStreamRaisesResourceNotFound() {
        assertThatThrownBy(() -> sync.putRecordBatch(r -> r.deliveryStreamName("no-such-stream").records(Clients.records("x", 1))))
                .isExactlyInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose stream no-such-stream under account 000000000000 not found.");
        assertThatThrownBy(() -> async.putRecord(r -> r.deliveryStreamName("no-such-stream")
                .record(Clients.record(new byte[1]))).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseExactlyInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void deletedStreamRaisesResourceNotFound() {
        String stream = newStream();
        sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.record(new byte[] {7})));
        sync.deleteDeliveryStream(r -> r.deliveryStreamName(stream));

        assertThatThrownBy(() -> sync.putRecord(r -> r.deliveryStreamName(stream).record(Clients.record(new byte[1]))))
                .isExactlyInstanceOf(ResourceNotFoundException.class);
        assertThat(local.ledger().count(stream)).isEqualTo(1);
    }

    @Test
    void dataTravelsAsBase64BothWays() {
        String stream = newStream();
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        List<Record> records = new ArrayList<>();
        for (int len = 0; len <= 5; len++) {
            records.add(Record.builder().data(SdkBytes.fromByteArray(java.util.Arrays.copyOf(all, len))).build());
        }
        records.add(Clients.record(all));

        sync.putRecordBatch(r -> r.deliveryStreamName(stream).records(records));

        List<StoredRecord> stored = local.ledger().records(stream);
        assertThat(stored).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            assertThat(stored.get(i).data()).containsExactly(records.get(i).data().asByteArray());
        }
    }
}
