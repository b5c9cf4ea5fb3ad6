package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/** {@link Settler}: each record settles once, gives its buffer room back, and is counted and heard of. */
class SettlerTest {

    private final ManualTicker ticker = new ManualTicker();
    private final BufferBudget budget = new BufferBudget(1000, 10, BufferFullPolicy.FAIL, Duration.ZERO);
    private final StatsRecorder stats = new StatsRecorder();
    private final Listeners listeners = new Listeners(stats);
    private final Settler settler = new Settler(budget, stats, listeners, ticker);
    private final List<RecordSettledEvent> events = new CopyOnWriteArrayList<>();

    SettlerTest() {
        listeners.add(new ProducerListener() {
            @Override
            public void onRecordSettled(RecordSettledEvent event) {
                events.add(event);
            }
        });
    }

    /** A record put now that holds its room of the budget's default share, as the tests' entries do. */
    private ProducerEntry put(int size, BufferBudget.Share share) {
        if (share == null) {
            budget.acquire(size, nanos -> { });
        } else {
            budget.acquire(share, size, nanos -> { }, true);
        }
        stats.recordAccepted("s", size);
        long now = ticker.read();
        return new ProducerEntry("s", Record.builder().data(SdkBytes.fromUtf8String("x")).build(), size, now,
                now + Duration.ofMinutes(2).toNanos(), new FlushTracker().enter(), share);
    }

    @Test
    void aFailedRecordGivesItsRoomBackOnceAndTellsItsLatency() {
        ProducerEntry e = put(40, null);
        e.attempts = 2;
        ticker.advance(Duration.ofMillis(250));
        RecordFailedException failure = new RecordFailedException("s", "InternalFailure", "boom", 2, true);

        assertThat(settler.fail(e, failure)).isTrue();
        assertThat(budget.usedBytes()).isZero();
        assertThat(budget.usedRecords()).isZero();
        assertThat(events).containsExactly(new RecordSettledEvent("s", 40, false, "InternalFailure", 2,
                Duration.ofMillis(250), true));
        assertThat(e.future).isCompletedExceptionally();

        assertThat(settler.fail(e, failure)).as("already settled").isFalse();
        assertThat(events).hasSize(1);
        assertThat(stats.snapshot(new RecordAccumulator(1, 1, 1, now -> null), ticker.read()).stream("s")
                .recordsFailed()).isEqualTo(1);
    }

    @Test
    void aRecordOfAStreamGivesTheRoomBackToItsShare() {
        BufferBudget.Share share = budget.newShare();
        ProducerEntry failed = put(30, share);
        ProducerEntry acknowledged = put(20, share);

        settler.fail(failed, new RecordFailedException("s", "InternalFailure", "boom", 1, false));
        assertThat(share.usedBytes()).isEqualTo(20);
        assertThat(settler.succeed("s", List.of(acknowledged),
                List.of(PutRecordBatchResponseEntry.builder().recordId("id").build()))).isEqualTo(1);
        assertThat(share.isEmpty()).isTrue();
        assertThat(budget.usedBytes()).isZero();
    }

    @Test
    void anAcknowledgedRecordThatHadFailedBeforeCompletesItsRetryContext() {
        Retry retry = Retry.of("settler", RetryConfig.custom().maxAttempts(3).build());
        RetryPolicy policy = new RetryPolicy(retry, Duration.ofMinutes(2));
        ProducerEntry e = put(10, null);
        e.attempts = 1;
        policy.onFailure(e, ErrorClassifier.classifyEntry("InternalFailure", "boom"), ticker.read());
        e.attempts = 2;

        assertThat(settler.succeed("s", List.of(e), List.of(PutRecordBatchResponseEntry.builder().recordId("id")
                .build()))).isEqualTo(1);
        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(e.future.join().attempts()).isEqualTo(2);
    }

    @Test
    void succeedCountsOnlyTheRecordsItSettled() {
        ProducerEntry ok = put(10, null);
        ProducerEntry failedEntry = put(10, null);
        ProducerEntry settledBefore = put(10, null);
        settler.fail(settledBefore, new RecordFailedException("s", "DeliveryTimeout", "late", 1, true));

        int settled = settler.succeed("s", List.of(ok, failedEntry, settledBefore), List.of(
                PutRecordBatchResponseEntry.builder().recordId("a").build(),
                PutRecordBatchResponseEntry.builder().errorCode("InternalFailure").errorMessage("x").build(),
                PutRecordBatchResponseEntry.builder().recordId("c").build()));
        assertThat(settled).isEqualTo(1);
        assertThat(failedEntry.future).isNotDone();
        assertThat(budget.usedRecords()).isEqualTo(1);
    }
}
