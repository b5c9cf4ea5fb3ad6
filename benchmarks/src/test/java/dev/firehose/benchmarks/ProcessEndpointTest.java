package dev.firehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The heap probe's endpoint over loopback: firehose-local started in a JVM of its own answers the
 * suite's sync and async clients on the suite's stream, and closing it ends that JVM.
 */
class ProcessEndpointTest {

    @Test
    void firehoseLocalInItsOwnProcessAnswersTheSuitesClientsAndStopsWhenClosed() throws Exception {
        ProcessEndpoint endpoint = ProcessEndpoint.start();
        try {
            assertThat(endpoint.usesNetwork()).isTrue();
            Record record = Record.builder().data(SdkBytes.fromUtf8String("a record\n")).build();
            RequestCounter counter = new RequestCounter();
            try (ClientHandle<FirehoseClient> sync = endpoint.syncClient(HttpClientKind.APACHE5, 1, counter)) {
                PutRecordBatchResponse response = sync.client().putRecordBatch(b -> b
                        .deliveryStreamName(endpoint.streamName()).records(record, record));
                assertThat(response.failedPutCount()).isZero();
                assertThat(response.requestResponses()).allSatisfy(e -> assertThat(e.recordId()).isNotBlank());
            }
            try (ClientHandle<FirehoseAsyncClient> async = endpoint.asyncClient(HttpClientKind.NETTY, 1, counter)) {
                PutRecordBatchResponse response = async.client().putRecordBatch(b -> b
                        .deliveryStreamName(endpoint.streamName()).records(record)).get();
                assertThat(response.failedPutCount()).isZero();
            }
            assertThat(counter.snapshot().records()).isEqualTo(3);
        } finally {
            endpoint.close();
        }
        assertThat(endpoint.isRunning()).as("the endpoint's process after close").isFalse();
    }
}
