package dev.firehose.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The loop an application writes by hand, after the Firehose feature scenario: one thread on the
 * synchronous client takes the records it has, cuts them into chunks of 500 records (and, unlike
 * the scenario, at most 4 MiB, without which 10 KiB records would fail validation), sends one chunk
 * after another, checks {@code FailedPutCount} and sends the failed entries again with exponential
 * backoff and jitter, up to 5 attempts. The scenario resends the whole chunk instead, which
 * duplicates the entries that had succeeded; that costs nothing here, where nothing fails.
 *
 * <p>Each record is copied into the request ({@code SdkBytes.fromByteArray}), as such loops do.
 * Successes are logged at debug level (the scenario logs them at info; at hundreds of requests a
 * second that would measure the logger).
 */
final class HandWrittenLoop implements Contender {

    private static final Logger LOG = LoggerFactory.getLogger(HandWrittenLoop.class);
    private static final int MAX_ATTEMPTS = 5;
    private static final long BASE_DELAY_MILLIS = 100;
    private static final long MAX_DELAY_MILLIS = 2_000;

    private final RequestCounter counter;
    private final ClientHandle<FirehoseClient> client;
    private final String stream;
    private final Payloads payloads;
    private long cursor;

    HandWrittenLoop(Endpoint endpoint, HttpClientKind http, Payloads payloads, RequestCounter counter) {
        this.counter = counter;
        this.client = endpoint.syncClient(http, 1, counter);
        this.stream = endpoint.streamName();
        this.payloads = payloads;
    }

    @Override
    public RequestCounter counter() {
        return counter;
    }

    @Override
    public String key() {
        return "loop";
    }

    @Override
    public String description() {
        return "hand-written loop: SDK sync (" + client.httpLabel() + "), 1 thread";
    }

    @Override
    public Outcome drive(Duration duration, LatencyRecorder latency) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        long sent = 0;
        long acknowledged = 0;
        long failed = 0;
        while (System.nanoTime() - deadline < 0) {
            long start = System.nanoTime();
            List<Record> chunk = new ArrayList<>(Limits.MAX_RECORDS_PER_REQUEST);
            long bytes = 0;
            while (chunk.size() < Limits.MAX_RECORDS_PER_REQUEST) {
                byte[] data = payloads.get(cursor);
                if (bytes + data.length > Limits.MAX_BYTES_PER_REQUEST) {
                    break;
                }
                chunk.add(Record.builder().data(SdkBytes.fromByteArray(data)).build());
                bytes += data.length;
                cursor++;
            }
            sent += chunk.size();
            int lost = putWithRetries(chunk);
            acknowledged += chunk.size() - lost;
            failed += lost;
            latency.record(System.nanoTime() - start, chunk.size() - lost);
        }
        return new Outcome(sent, acknowledged, failed);
    }

    /** Sends a chunk until every entry has a RecordId or the attempts run out; returns the entries lost. */
    private int putWithRetries(List<Record> chunk) throws InterruptedException {
        List<Record> pending = chunk;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                PutRecordBatchResponse response = client.client().putRecordBatch(
                        PutRecordBatchRequest.builder().deliveryStreamName(stream).records(pending).build());
                if (response.failedPutCount() == 0) {
                    LOG.debug("sent {} records", pending.size());
                    return 0;
                }
                List<Record> retry = new ArrayList<>(response.failedPutCount());
                List<PutRecordBatchResponseEntry> entries = response.requestResponses();
                for (int i = 0; i < entries.size(); i++) {
                    if (entries.get(i).errorCode() != null) {
                        retry.add(pending.get(i));
                    }
                }
                LOG.debug("{} of {} records failed, attempt {}", retry.size(), pending.size(), attempt + 1);
                pending = retry;
            } catch (SdkException e) {
                LOG.warn("PutRecordBatch of {} records failed, attempt {}: {}", pending.size(), attempt + 1, e.toString());
            }
            if (attempt + 1 < MAX_ATTEMPTS) {
                TimeUnit.MILLISECONDS.sleep(backoff(attempt));
            }
        }
        LOG.warn("gave up on {} records after {} attempts", pending.size(), MAX_ATTEMPTS);
        return pending.size();
    }

    private static long backoff(int retry) {
        long delay = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << retry);
        return delay + ThreadLocalRandom.current().nextLong(delay + 1);
    }

    @Override
    public void close() {
        client.close();
    }
}
