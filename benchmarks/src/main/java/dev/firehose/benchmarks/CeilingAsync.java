package dev.firehose.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;

/**
 * The ceiling with the asynchronous SDK client: full requests built in advance, sent by
 * {@code senders} threads that together keep {@code inFlight} requests outstanding. Nothing is
 * packed and nothing is retried, so this is what the SDK and the endpoint can do with no producer
 * in the way. More than one sending thread matters: the async client marshals and signs a request
 * on the thread that calls it, so one thread caps the client at what one core can marshal.
 */
final class CeilingAsync implements Contender {

    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);

    private final RequestCounter counter;
    private final ClientHandle<FirehoseAsyncClient> client;
    private final PrebuiltRequests requests;
    private final int inFlight;
    private final int senders;
    private final ExecutorService threads;

    CeilingAsync(Endpoint endpoint, HttpClientKind http, int inFlight, int senders, Payloads payloads,
                 RequestCounter counter) {
        this.counter = counter;
        this.inFlight = inFlight;
        this.senders = senders;
        this.client = endpoint.asyncClient(http, inFlight, counter);
        this.requests = new PrebuiltRequests(endpoint.streamName(), payloads);
        AtomicInteger number = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(senders, runnable -> {
            Thread thread = new Thread(runnable, "ceiling-async-" + number.incrementAndGet());
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
        return "ceiling-async";
    }

    @Override
    public String description() {
        return "ceiling: SDK async (" + client.httpLabel() + "), " + inFlight + " in flight from " + senders
                + (senders == 1 ? " thread" : " threads");
    }

    @Override
    public Outcome drive(Duration duration, LatencyRecorder latency) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        int perRequest = requests.recordsPerRequest();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Future<Long>> sent = new ArrayList<>(senders);
        for (int t = 0; t < senders; t++) {
            long offset = t;
            sent.add(threads.submit(() -> {
                long records = 0;
                long sequence = offset;
                while (System.nanoTime() - deadline < 0) {
                    window.acquire();
                    PutRecordBatchRequest request = requests.get(sequence);
                    sequence += senders;
                    long start = System.nanoTime();
                    client.client().putRecordBatch(request).whenComplete((response, error) -> {
                        try {
                            if (error != null) {
                                firstError.compareAndSet(null, error);
                                failed.add(perRequest);
                            } else {
                                int bad = response.failedPutCount();
                                acknowledged.add(perRequest - bad);
                                failed.add(bad);
                                latency.record(System.nanoTime() - start, perRequest - bad);
                            }
                        } finally {
                            window.release();
                        }
                    });
                    records += perRequest;
                }
                return records;
            }));
        }
        long total = 0;
        for (Future<Long> records : sent) {
            total += records.get();
        }
        if (!window.tryAcquire(inFlight, SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests still in flight " + SETTLE_TIMEOUT + " after the run");
        }
        Throwable error = firstError.get();
        if (error != null) {
            throw new IllegalStateException("the ceiling's requests failed: " + error, error);
        }
        return new Outcome(total, acknowledged.sum(), failed.sum());
    }

    @Override
    public void close() {
        threads.shutdownNow();
        client.close();
    }
}
