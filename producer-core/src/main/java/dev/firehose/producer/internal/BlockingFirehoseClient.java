package dev.firehose.producer.internal;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

/**
 * A synchronous {@link FirehoseClient} in the shape the sender expects: {@code putRecordBatch}
 * runs the whole call on the calling thread (a request thread, see
 * {@link RequestThreads#perRequest}) and returns a completed future, so the response is handled
 * on that same thread. Only PutRecordBatch is supported; the producer sends nothing else.
 */
final class BlockingFirehoseClient implements FirehoseAsyncClient {

    private final FirehoseClient client;

    BlockingFirehoseClient(FirehoseClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
        try {
            return CompletableFuture.completedFuture(client.putRecordBatch(request));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        client.close();
    }
}
