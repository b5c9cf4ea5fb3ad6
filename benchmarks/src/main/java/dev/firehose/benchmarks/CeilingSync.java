package dev.firehose.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

/**
 * The ceiling with the synchronous SDK client: {@code threads} threads each send full requests built
 * in advance, one after another, on a pool of as many connections.
 */
final class CeilingSync implements Contender {

    private final RequestCounter counter;
    private final ClientHandle<FirehoseClient> client;
    private final PrebuiltRequests requests;
    private final int threads;
    private final ExecutorService senders;

    CeilingSync(Endpoint endpoint, HttpClientKind http, int threads, Payloads payloads, RequestCounter counter) {
        this.counter = counter;
        this.threads = threads;
        this.client = endpoint.syncClient(http, threads, counter);
        this.requests = new PrebuiltRequests(endpoint.streamName(), payloads);
        AtomicInteger number = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "ceiling-sync-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public RequestCounter counter() {
        return counter;
    }

    @Override
    public String key() {
        return "ceiling-sync";
    }

    @Override
    public String description() {
        return "ceiling: SDK sync (" + client.httpLabel() + "), " + threads + " threads";
    }

    @Override
    public Outcome drive(Duration duration, LatencyRecorder latency) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        int perRequest = requests.recordsPerRequest();
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = t;
            results.add(senders.submit(() -> {
                long sent = 0;
                long acknowledged = 0;
                long failed = 0;
                long sequence = offset;
                while (System.nanoTime() - deadline < 0) {
                    long start = System.nanoTime();
                    PutRecordBatchResponse response = client.client().putRecordBatch(requests.get(sequence));
                    sequence += threads;
                    int bad = response.failedPutCount();
                    latency.record(System.nanoTime() - start, perRequest - bad);
                    sent += perRequest;
                    acknowledged += perRequest - bad;
                    failed += bad;
                }
                return new long[] {sent, acknowledged, failed};
            }));
        }
        long sent = 0;
        long acknowledged = 0;
        long failed = 0;
        for (Future<long[]> result : results) {
            long[] counts = result.get();
            sent += counts[0];
            acknowledged += counts[1];
            failed += counts[2];
        }
        return new Outcome(sent, acknowledged, failed);
    }

    @Override
    public void close() {
        senders.shutdownNow();
        client.close();
    }
}
