package dev.firehose.producer.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * A {@link FirehoseAsyncClient} that answers PutRecordBatch with a scripted function and keeps
 * every request it received, so tests can see exactly what was sent.
 */
final class FakeFirehoseClient implements FirehoseAsyncClient {

    final List<PutRecordBatchRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<PutRecordBatchRequest, CompletableFuture<PutRecordBatchResponse>> behaviour =
            FakeFirehoseClient::acceptAll;
    volatile boolean closed;

    @Override
    public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
        requests.add(request);
        return behaviour.apply(request);
    }

    @Override
    public String serviceName() {
        return "firehose";
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Every record stored; RecordIds are the record's data as text. */
    static CompletableFuture<PutRecordBatchResponse> acceptAll(PutRecordBatchRequest request) {
        return CompletableFuture.completedFuture(response(request.records().stream()
                .map(r -> PutRecordBatchResponseEntry.builder().recordId(id(r)).build()).toList()));
    }

    static PutRecordBatchResponse response(List<PutRecordBatchResponseEntry> entries) {
        int failed = (int) entries.stream().filter(e -> e.errorCode() != null).count();
        return PutRecordBatchResponse.builder().failedPutCount(failed).requestResponses(entries).build();
    }

    static String id(Record r) {
        return "id-" + r.data().asUtf8String();
    }

    static PutRecordBatchResponseEntry ok(Record r) {
        return PutRecordBatchResponseEntry.builder().recordId(id(r)).build();
    }

    static PutRecordBatchResponseEntry error(String code, String message) {
        return PutRecordBatchResponseEntry.builder().errorCode(code).errorMessage(message).build();
    }

    /** @return the data of every record sent, in order, across all requests */
    List<String> sentData() {
        return requests.stream().flatMap(r -> r.records().stream()).map(r -> r.data().asUtf8String()).toList();
    }
}
