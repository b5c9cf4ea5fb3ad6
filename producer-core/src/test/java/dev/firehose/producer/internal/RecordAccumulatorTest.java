package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

class RecordAccumulatorTest {

    private static final long LINGER = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long DEADLINE = TimeUnit.MINUTES.toNanos(2);
    private static final long T0 = 1_000_000_000L;

    private static RecordAccumulator accumulator(int maxInFlight) {
        return new RecordAccumulator(ProducerConfig.MAX_BATCH_RECORDS, ProducerConfig.MAX_BATCH_BYTES, LINGER,
                now -> new RateController(maxInFlight, true, 0, 0, 0, now));
    }

    private static ProducerEntry entry(String stream, int size, long now) {
        return new ProducerEntry(stream, Record.builder().data(SdkBytes.fromByteArrayUnsafe(new byte[0])).build(),
                size, now, now + DEADLINE, new FlushTracker().enter());
    }

    private static int records(List<Batch> batches) {
        return batches.stream().mapToInt(b -> b.entries().size()).sum();
    }

    @Test
    void fullBatchesOfFiveHundredRecordsGoAtOnceAndTheRestWaitsForTheLinger() {
        RecordAccumulator acc = accumulator(10);
        for (int i = 0; i < 1200; i++) {
            acc.append(entry("s", 10, T0));
        }

        List<Batch> first = acc.drain(T0);
        assertThat(first).extracting(b -> b.entries().size()).containsExactly(500, 500);
        assertThat(acc.drain(T0 + LINGER - 1)).isEmpty();
        assertThat(acc.nextWakeup(T0, TimeUnit.SECONDS.toNanos(1))).isEqualTo(T0 + LINGER);

        List<Batch> rest = acc.drain(T0 + LINGER);
        assertThat(rest).extracting(b -> b.entries().size()).containsExactly(200);
    }

    @Test
    void aBatchHoldsAtMostFourMebibytesOfRawData() {
        RecordAccumulator acc = accumulator(10);
        for (int i = 0; i < 9; i++) {
            acc.append(entry("s", 1_000_000, T0));
        }

        List<Batch> batches = acc.drain(T0);

        // 4 x 1,000,000 fits in 4,194,304; a fifth would not. The ninth record waits for the linger.
        assertThat(batches).extracting(Batch::bytes).containsExactly(4_000_000L, 4_000_000L);
        assertThat(acc.drain(T0 + LINGER)).extracting(Batch::bytes).containsExactly(1_000_000L);
    }

    @Test
    void aRecordOfTheLargestSizeFillsABatchWithThreeOthers() {
        RecordAccumulator acc = accumulator(10);
        for (int i = 0; i < 5; i++) {
            acc.append(entry("s", ProducerConfig.MAX_RECORD_BYTES, T0));
        }
        List<Batch> batches = acc.drain(T0);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).bytes()).isEqualTo(4L * ProducerConfig.MAX_RECORD_BYTES);
    }

    @Test
    void appendAsksForAWakeupOnlyWhenTheQueueStartsOrFillsABatch() {
        RecordAccumulator acc = accumulator(10);
        List<Boolean> wakeups = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            wakeups.add(acc.append(entry("s", 10, T0)));
        }
        assertThat(wakeups.stream().filter(w -> w).count()).isEqualTo(2);
        assertThat(wakeups.get(0)).isTrue();
        assertThat(wakeups.get(499)).isTrue();
    }

    @Test
    void noMoreThanTheInFlightLimitIsSentUntilARequestCompletes() {
        RecordAccumulator acc = accumulator(2);
        for (int i = 0; i < 2000; i++) {
            acc.append(entry("s", 10, T0));
        }
        assertThat(acc.drain(T0)).hasSize(2);
        assertThat(acc.drain(T0 + LINGER)).isEmpty();

        acc.requestCompleted("s");
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
    }

    @Test
    void streamsAreBatchedSeparately() {
        RecordAccumulator acc = accumulator(10);
        for (int i = 0; i < 500; i++) {
            acc.append(entry("a", 10, T0));
            acc.append(entry("b", 10, T0));
        }
        List<Batch> batches = acc.drain(T0);
        assertThat(batches).extracting(Batch::stream).containsExactlyInAnyOrder("a", "b");
        assertThat(batches).allSatisfy(b -> assertThat(b.entries()).allMatch(e -> e.stream.equals(b.stream())));
    }

    @Test
    void aDueRetryJoinsTheBatchTheWaitingRecordsFillInsteadOfPushingThemOutEarly() {
        RecordAccumulator acc = accumulator(10);
        ProducerEntry retried = entry("s", 10, T0);
        acc.append(retried);
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        acc.requestCompleted("s");
        ProducerEntry fresh = entry("s", 10, T0 + 2 * LINGER);
        acc.append(fresh);

        acc.requeue(retried, T0 + 2 * LINGER + 5);
        assertThat(acc.drain(T0 + 2 * LINGER)).isEmpty();
        // Due, but the fresh record has not lingered: the retry waits for it, not the other way round.
        assertThat(acc.drain(T0 + 2 * LINGER + 5)).isEmpty();
        assertThat(acc.nextWakeup(T0 + 2 * LINGER + 5, TimeUnit.SECONDS.toNanos(1))).isEqualTo(T0 + 3 * LINGER);

        List<Batch> batches = acc.drain(T0 + 3 * LINGER);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).entries()).containsExactly(retried, fresh);
    }

    @Test
    void aDueRetryWithNothingElseWaitingGoesAtOnce() {
        RecordAccumulator acc = accumulator(10);
        ProducerEntry retried = entry("s", 10, T0);
        acc.append(retried);
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        acc.requestCompleted("s");

        acc.requeue(retried, T0 + 2 * LINGER);
        assertThat(acc.drain(T0 + 2 * LINGER - 1)).isEmpty();
        assertThat(acc.nextWakeup(T0 + LINGER, TimeUnit.SECONDS.toNanos(1))).isEqualTo(T0 + 2 * LINGER);
        assertThat(acc.drain(T0 + 2 * LINGER)).extracting(b -> b.entries()).containsExactly(List.of(retried));
    }

    @Test
    void recordsThatFailedTogetherGoOutTogetherAheadOfLaterRetries() {
        RecordAccumulator acc = accumulator(10);
        List<ProducerEntry> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(entry("s", 10, T0));
        }
        ProducerEntry later = entry("s", 10, T0);
        first.forEach(acc::append);
        acc.append(later);
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        acc.requestCompleted("s");
        acc.requeue(later, T0 + 2 * LINGER);
        acc.requeue(first, T0 + 2 * LINGER);

        List<Batch> batches = acc.drain(T0 + 2 * LINGER);
        List<ProducerEntry> expected = new ArrayList<>(List.of(later));
        expected.addAll(first);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).entries()).containsExactlyElementsOf(expected);
    }

    @Test
    void flushSendsWithoutWaitingForTheLinger() {
        RecordAccumulator acc = accumulator(10);
        acc.append(entry("s", 10, T0));
        assertThat(acc.drain(T0)).isEmpty();
        acc.beginFlush();
        assertThat(acc.drain(T0)).hasSize(1);
        acc.endFlush();
    }

    @Test
    void expireRemovesWaitingRecordsWhoseDeadlinePassed() {
        RecordAccumulator acc = accumulator(1);
        ProducerEntry old = entry("s", 10, T0);
        acc.append(old);
        ProducerEntry young = entry("s", 10, T0 + 1000);
        acc.append(young);
        ProducerEntry other1 = entry("other", 10, T0);
        ProducerEntry other2 = entry("other", 10, T0);
        acc.append(other1);
        acc.append(other2);

        assertThat(acc.expire(T0 + DEADLINE - 1)).isEmpty();
        assertThat(acc.expire(T0 + DEADLINE)).containsExactlyInAnyOrder(old, other1, other2);
        assertThat(acc.queues().get("s").fresh).containsExactly(young);
        assertThat(acc.queues().get("s").freshRecords.get()).isEqualTo(1);
    }

    @Test
    void underSustainedLoadAtLeastNinetyNinePercentOfRequestsAreFull() {
        RecordAccumulator acc = accumulator(10);
        Random random = new Random(7);
        List<Batch> sent = new ArrayList<>();
        long now = T0;
        int maxSize = 0;
        // 2 simulated seconds in 1 ms steps: about 600 records per ms, sizes 1 byte to 20 KB,
        // every request completing within the step.
        for (int tick = 0; tick < 2000; tick++) {
            int n = 400 + random.nextInt(400);
            for (int i = 0; i < n; i++) {
                int size = 1 + random.nextInt(20_000);
                maxSize = Math.max(maxSize, size);
                acc.append(entry("s", size, now));
            }
            List<Batch> batches = acc.drain(now);
            sent.addAll(batches);
            batches.forEach(b -> acc.requestCompleted("s"));
            now += TimeUnit.MILLISECONDS.toNanos(1);
        }
        int largest = maxSize;
        long full = sent.stream().filter(b -> b.entries().size() == ProducerConfig.MAX_BATCH_RECORDS
                || b.bytes() > ProducerConfig.MAX_BATCH_BYTES - largest).count();
        assertThat(sent.size()).isGreaterThan(500);
        assertThat((double) full / sent.size()).isGreaterThanOrEqualTo(0.99);
        assertThat(sent).allMatch(b -> b.bytes() <= ProducerConfig.MAX_BATCH_BYTES
                && b.entries().size() <= ProducerConfig.MAX_BATCH_RECORDS);
    }

    @Test
    void nextWakeupIsTheLingerOfTheOldestRecordAndIgnoresStreamsAtTheirInFlightLimit() {
        RecordAccumulator acc = accumulator(1);
        acc.append(entry("a", 10, T0));
        acc.append(entry("b", 10, T0 + 50));
        assertThat(acc.nextWakeup(T0, Duration.ofSeconds(1).toNanos())).isEqualTo(T0 + LINGER);

        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        for (int i = 0; i < 500; i++) {
            acc.append(entry("a", 10, T0 + LINGER));
        }
        // "a" is full but at its in-flight limit: only "b"'s linger can wake the sender.
        assertThat(acc.nextWakeup(T0 + LINGER, Duration.ofSeconds(1).toNanos())).isEqualTo(T0 + 50 + LINGER);
    }

    @Test
    void retriedRecordsThatWereSentAreNotKeptAliveByTheRetryHeaps() {
        RecordAccumulator acc = accumulator(1000);
        List<ProducerEntry> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ProducerEntry e = entry("s", 10, T0);
            all.add(e);
            acc.append(e);
        }
        int sent = records(acc.drain(T0));
        assertThat(sent).isEqualTo(5_000);
        for (int i = 0; i < 10; i++) {
            acc.requestCompleted("s");
        }
        // Every record fails once, in groups of 500, and is sent again.
        for (int i = 0; i < all.size(); i += 500) {
            acc.requeue(all.subList(i, i + 500), T0 + LINGER);
        }
        assertThat(records(acc.drain(T0 + LINGER))).isEqualTo(5_000);

        RecordAccumulator.StreamQueue q = acc.queues().get("s");
        assertThat(q.retryRecords).isZero();
        // Neither heap holds on to the records sent (the deadline heap drops them lazily, in bulk).
        assertThat(q.retries).isEmpty();
        assertThat(q.retryDeadlineCount()).isLessThanOrEqualTo(64);
    }

    @Test
    void expiredRetriesLeaveTheRetryHeapEvenWhenTheirStreamCannotSend() {
        RecordAccumulator acc = accumulator(1);
        ProducerEntry blocker = entry("s", 10, T0);
        acc.append(blocker);
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        // The one request in flight never completes: nothing is taken from the retry heap.
        List<ProducerEntry> waiting = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            waiting.add(entry("s", 10, T0));
        }
        acc.requeue(waiting, T0 + 2 * LINGER);
        assertThat(acc.expire(T0 + DEADLINE)).hasSize(1_000);
        RecordAccumulator.StreamQueue q = acc.queues().get("s");
        assertThat(q.retryRecords).isZero();
        assertThat(q.retries.size()).isLessThanOrEqualTo(64);
        assertThat(q.retryDeadlineCount()).isZero();
    }
}
