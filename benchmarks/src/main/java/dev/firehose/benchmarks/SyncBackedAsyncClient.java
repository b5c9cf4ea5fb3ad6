package dev.firehose.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;

/**
 * An asynchronous Firehose client made of a synchronous one and a pool of threads, one per request
 * in flight. It lets the benchmark hand {@code FirehoseProducer} a blocking HTTP client (Apache,
 * URL connection) to see whether the producer would be faster on one. Only the operations the
 * producer sends are implemented.
 */
final class SyncBackedAsyncClient implements FirehoseAsyncClient {

    private final FirehoseClient client;
    private final ExecutorService threads;

    SyncBackedAsyncClient(FirehoseClient client, int threads) {
        this.client = client;
        AtomicInteger number = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "sync-backed-firehose-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
        return CompletableFuture.supplyAsync(() -> client.putRecordBatch(request), threads);
    }

    @Override
    public CompletableFuture<PutRecordResponse> putRecord(PutRecordRequest request) {
        return CompletableFuture.supplyAsync(() -> client.putRecord(request), threads);
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
