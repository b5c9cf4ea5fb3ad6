package dev.firehose.producer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * A Firehose client for the JMH benchmarks that answers every PutRecordBatch at once, on the
 * calling thread, with an all-success response built once per request size: no marshalling, no
 * signing, no HTTP. What remains is the producer's own work.
 */
final class AnsweringFirehoseClient implements FirehoseAsyncClient {

    private final AtomicReferenceArray<CompletableFuture<PutRecordBatchResponse>> answers =
            new AtomicReferenceArray<>(501);

    @Override
    public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
        int count = request.records().size();
        CompletableFuture<PutRecordBatchResponse> answer = answers.get(count);
        if (answer == null) {
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(PutRecordBatchResponseEntry.builder()
                        .recordId(String.format("49637621548621957350281709356147421309628462700%09d", i))
                        .build());
            }
            answer = CompletableFuture.completedFuture(PutRecordBatchResponse.builder()
                    .failedPutCount(0).encrypted(false).requestResponses(entries).build());
            answers.set(count, answer);
        }
        return answer;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
