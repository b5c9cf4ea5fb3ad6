package dev.firehose.benchmarks;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Counts the PutRecordBatch requests a client transmits (every attempt), the records in them, and
 * how many were full. It is added to every client of a scenario as an SDK execution interceptor, so
 * it sees what each contender really sends, whatever the endpoint. Thread-safe.
 */
final class RequestCounter implements ExecutionInterceptor {

    private final LongAdder requests = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder fullRequests = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        if (context.request() instanceof PutRecordBatchRequest request) {
            int count = request.records().size();
            long size = 0;
            for (Record record : request.records()) {
                size += record.data().asByteArrayUnsafe().length;
            }
            requests.increment();
            records.add(count);
            bytes.add(size);
            if (Limits.isFull(count, size)) {
                fullRequests.increment();
            }
        }
    }

    Snapshot snapshot() {
        return new Snapshot(requests.sum(), records.sum(), fullRequests.sum(), bytes.sum());
    }

    /** Counts at one moment; subtract two to get the counts of a run. */
    record Snapshot(long requests, long records, long fullRequests, long bytes) {
        Snapshot minus(Snapshot earlier) {
            return new Snapshot(requests - earlier.requests, records - earlier.records,
                    fullRequests - earlier.fullRequests, bytes - earlier.bytes);
        }
    }
}
