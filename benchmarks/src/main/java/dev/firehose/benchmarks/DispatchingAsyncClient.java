package dev.firehose.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;

/**
 * An asynchronous Firehose client that calls another one from a pool of threads. The SDK's async
 * client marshals, encodes and signs a request on the thread that calls it; wrapped in this, the
 * producer's sender thread only hands the request over and several requests are marshalled at
 * once. It measures what moving that work off the sender thread would gain, on the same HTTP client.
 */
final class DispatchingAsyncClient implements FirehoseAsyncClient {

    private final FirehoseAsyncClient client;
    private final ExecutorService threads;

    DispatchingAsyncClient(FirehoseAsyncClient client, int threads) {
        this.client = client;
        AtomicInteger number = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "dispatching-firehose-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
        return CompletableFuture.supplyAsync(() -> client.putRecordBatch(request), threads)
                .thenCompose(Function.identity());
    }

    @Override
    public CompletableFuture<PutRecordResponse> putRecord(PutRecordRequest request) {
        return CompletableFuture.supplyAsync(() -> client.putRecord(request), threads)
                .thenCompose(Function.identity());
    }

    @Override
    public String serviceName() {
        return FirehoseAsyncClient.SERVICE_NAME;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        client.close();
    }
}
