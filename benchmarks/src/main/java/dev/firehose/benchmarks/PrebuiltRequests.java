package dev.firehose.benchmarks;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.Record;

/** Full PutRecordBatch requests built before a run, over the scenario's payloads, for the ceiling. */
final class PrebuiltRequests {

    private static final int MAX_REQUESTS = 16;

    private final PutRecordBatchRequest[] requests;
    private final int recordsPerRequest;

    PrebuiltRequests(String stream, Payloads payloads) {
        this.recordsPerRequest = Limits.recordsPerFullRequest(payloads.recordSize());
        int count = Math.max(1, Math.min(MAX_REQUESTS, payloads.poolSize() / recordsPerRequest));
        requests = new PutRecordBatchRequest[count];
        long index = 0;
        for (int i = 0; i < count; i++) {
            List<Record> records = new ArrayList<>(recordsPerRequest);
            for (int j = 0; j < recordsPerRequest; j++) {
                records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(payloads.get(index++))).build());
            }
            requests[i] = PutRecordBatchRequest.builder().deliveryStreamName(stream).records(records).build();
        }
    }

    int recordsPerRequest() {
        return recordsPerRequest;
    }

    PutRecordBatchRequest get(long sequence) {
        return requests[(int) (sequence % requests.length)];
    }
}
