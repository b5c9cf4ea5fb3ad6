package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

class InFlightRequestTest {

    private static InFlightRequest request(Batch batch) {
        return new InFlightRequest(batch, PutRecordBatchRequest.builder().deliveryStreamName("s").build(), 0);
    }

    private static Batch batch() {
        ProducerEntry e = new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), 1, 0,
                1, new FlushTracker().enter());
        return new Batch("s", List.of(e), 1);
    }

    @Test
    void twoRequestsOfEqualBatchesAreDifferentRequests() {
        Batch batch = batch();
        InFlightRequest a = request(batch);
        InFlightRequest b = request(batch);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(a);
    }

    @Test
    void itsOutcomeIsClaimedOnce() {
        InFlightRequest r = request(batch());
        assertThat(r.claim()).isTrue();
        assertThat(r.claim()).isFalse();
    }

    @Test
    void aCancelBeforeTheClientAnsweredCancelsTheCallOnceItIsKnown() {
        InFlightRequest r = request(batch());
        r.cancel();
        CompletableFuture<PutRecordBatchResponse> call = new CompletableFuture<>();
        r.sent(call);
        assertThat(call).isCancelled();

        InFlightRequest later = request(batch());
        CompletableFuture<PutRecordBatchResponse> running = new CompletableFuture<>();
        later.sent(running);
        later.cancel();
        assertThat(running).isCancelled();
    }
}
