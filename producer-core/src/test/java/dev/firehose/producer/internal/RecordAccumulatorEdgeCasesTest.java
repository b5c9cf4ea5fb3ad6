package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.internal.RecordAccumulator.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The exact edges of {@link RecordAccumulator}: the byte bound of a batch and of its wake-up, the
 * deadlines of a batch, retries ordered by deadline, urgency, the total in-flight slots, idle
 * streams, and what the closing paths see and take.
 */
class RecordAccumulatorEdgeCasesTest {

    private static final long LINGER = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long REQUEST_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final long DEADLINE = TimeUnit.MINUTES.toNanos(2);
    private static final long IDLE = TimeUnit.SECONDS.toNanos(60);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000_000_000L;

    private final List<String> retired = new ArrayList<>();

    /** Batches of at most {@code maxRecords} records and {@code maxBytes} bytes, one request in flight in all. */
    private RecordAccumulator accumulator(int maxRecords, long maxBytes, int maxInFlight, long requestsPerSecond) {
        return new RecordAccumulator(maxRecords, maxBytes, LINGER, REQUEST_TIMEOUT, maxInFlight, IDLE, null,
                now -> new RateController(10, true, 0, 0, requestsPerSecond, now), retired::add);
    }

    private static ProducerEntry entry(String stream, int size, long put, long deadline) {
        return new ProducerEntry(stream, Record.builder().data(SdkBytes.fromUtf8String("x")).build(), size, put,
                deadline, new FlushTracker().enter());
    }

    private static ProducerEntry entry(String stream, int size, long put) {
        return entry(stream, size, put, put + DEADLINE);
    }

    private static List<Integer> sizes(List<Batch> batches) {
        return batches.stream().map(b -> b.entries().size()).toList();
    }

    @Test
    void aBatchKnowsTheEarliestAndTheLatestDeadlineOfItsRecords() {
        Batch batch = new Batch("s", List.of(entry("s", 1, 0, 50), entry("s", 1, 0, 30), entry("s", 1, 0, 90),
                entry("s", 1, 0, 40)), 4);
        assertThat(batch.earliestDeadline()).isEqualTo(30);
        assertThat(batch.latestDeadline()).isEqualTo(90);
        Batch first = new Batch("s", List.of(entry("s", 1, 0, 20), entry("s", 1, 0, 70)), 2);
        assertThat(first.earliestDeadline()).isEqualTo(20);
        assertThat(first.latestDeadline()).isEqualTo(70);
    }

    @Test
    void appendWakesTheSenderWhenTheQueuedBytesReachABatchAndOnlyThen() {
        RecordAccumulator acc = accumulator(500, 100, 10, 0);
        assertThat(acc.append(entry("s", 40, T0))).as("the first record").isTrue();
        assertThat(acc.append(entry("s", 40, T0))).isFalse();
        assertThat(acc.append(entry("s", 20, T0))).as("exactly a batch").isTrue();
        assertThat(acc.append(entry("s", 10, T0))).as("past a batch already").isFalse();
    }

    @Test
    void aBatchTakesRecordsUpToExactlyItsByteBound() {
        RecordAccumulator acc = accumulator(500, 100, 10, 0);
        acc.append(entry("s", 50, T0));
        acc.append(entry("s", 50, T0));
        acc.append(entry("s", 1, T0));
        List<Batch> batches = acc.drain(T0);
        assertThat(batches).extracting(Batch::bytes).containsExactly(100L);
        acc.requestCompleted("s");
        assertThat(acc.drain(T0 + LINGER)).extracting(Batch::bytes).containsExactly(1L);
    }

    @Test
    void retriesAreTakenUpToTheRecordAndByteBoundsOfABatch() {
        RecordAccumulator acc = accumulator(2, 100, 10, 0);
        List<ProducerEntry> failed = List.of(entry("s", 50, T0), entry("s", 50, T0), entry("s", 1, T0));
        failed.forEach(acc::append);
        assertThat(sizes(acc.drain(T0))).containsExactly(2);
        assertThat(sizes(acc.drain(T0 + LINGER))).containsExactly(1);
        acc.requestCompleted("s");
        acc.requestCompleted("s");

        acc.requeue(failed, T0 + 2 * LINGER);
        List<Batch> batches = acc.drain(T0 + 2 * LINGER);
        assertThat(batches).extracting(Batch::bytes).containsExactly(100L, 1L);
        assertThat(batches.get(0).entries()).containsExactly(failed.get(0), failed.get(1));

        RecordAccumulator wide = accumulator(500, 100, 10, 0);
        List<ProducerEntry> three = List.of(entry("s", 50, T0), entry("s", 50, T0), entry("s", 1, T0));
        three.forEach(wide::append);
        wide.drain(T0 + LINGER);
        wide.requestCompleted("s");
        wide.requestCompleted("s");
        wide.requeue(three, T0 + 2 * LINGER);
        assertThat(wide.drain(T0 + 2 * LINGER)).extracting(Batch::bytes).containsExactly(100L, 1L);
    }

    @Test
    void expiredRecordsNoLongerCountTowardsAFullBatch() {
        RecordAccumulator acc = accumulator(500, 100, 10, 0);
        acc.append(entry("s", 60, T0));
        assertThat(acc.expire(T0 + DEADLINE)).hasSize(1);
        acc.append(entry("s", 50, T0 + DEADLINE));
        assertThat(acc.drain(T0 + DEADLINE)).as("50 bytes wait for their linger").isEmpty();
        assertThat(acc.queues().get("s").freshBytes.get()).isEqualTo(50);
    }

    @Test
    void retriesExpireInTheOrderOfTheirDeadlinesWhateverTheOrderTheyFailedIn() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        ProducerEntry late = entry("s", 1, T0, T0 + 10 * SECOND);
        ProducerEntry early = entry("s", 1, T0, T0 + 5 * SECOND);
        ProducerEntry middle = entry("s", 1, T0, T0 + 7 * SECOND);
        List.of(late, early, middle).forEach(acc::append);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(List.of(late, early, middle), T0 + 20 * SECOND);

        assertThat(acc.nextWakeup(T0 + LINGER, 60 * SECOND)).isEqualTo(T0 + 5 * SECOND);
        assertThat(acc.expire(T0 + 5 * SECOND - 1)).isEmpty();
        assertThat(acc.expire(T0 + 5 * SECOND)).containsExactly(early);
        assertThat(acc.nextWakeup(T0 + 5 * SECOND, 60 * SECOND)).isEqualTo(T0 + 7 * SECOND);
        assertThat(acc.expire(T0 + 9 * SECOND)).containsExactly(middle);
        assertThat(acc.queues().get("s").retryRecords).isEqualTo(1);
        assertThat(acc.queues().get("s").retryDeadlineCount()).isEqualTo(1);
        assertThat(acc.expire(T0 + 10 * SECOND)).containsExactly(late);
        assertThat(acc.hasWaiting()).isFalse();
    }

    @Test
    void aRetryWithExactlyTheRequestTimeoutLeftIsNotUrgentButOneNanosecondLessIs() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        long due = T0 + SECOND;
        ProducerEntry relaxed = entry("s", 1, T0, due + REQUEST_TIMEOUT);
        acc.append(relaxed);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(relaxed, due);
        ProducerEntry fresh = entry("s", 1, due);
        acc.append(fresh);
        assertThat(acc.drain(due)).as("waits for the fresh record's linger").isEmpty();

        RecordAccumulator other = accumulator(500, 1000, 10, 0);
        ProducerEntry urgent = entry("s", 1, T0, due + REQUEST_TIMEOUT - 1);
        other.append(urgent);
        other.drain(T0 + LINGER);
        other.requestCompleted("s");
        other.requeue(urgent, due);
        ProducerEntry fresher = entry("s", 1, due);
        other.append(fresher);
        List<Batch> batches = other.drain(due);
        assertThat(batches).as("goes at once, alone").singleElement()
                .satisfies(b -> assertThat(b.entries()).containsExactly(urgent));
    }

    @Test
    void aRetryDueBeforeItsUrgencyWaitsUntilItBecomesUrgentWhenThatComesBeforeTheLinger() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        long due = T0 + SECOND;
        // Urgent 50 ms after it is due: before a linger of 100 ms has passed.
        ProducerEntry retry = entry("s", 1, T0, due + REQUEST_TIMEOUT + TimeUnit.MILLISECONDS.toNanos(50));
        acc.append(retry);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(retry, due);
        acc.append(entry("s", 1, due));
        assertThat(acc.nextWakeup(due, 60 * SECOND)).isEqualTo(due + TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aStreamWithoutAFreeSlotInTheTotalWakesNobodyForItsLinger() {
        RecordAccumulator acc = accumulator(500, 1000, 1, 0);
        acc.append(entry("a", 1, T0));
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        acc.append(entry("b", 1, T0 + LINGER));
        // Only "b"'s deadline can wake the sender: a completing request wakes it for the rest.
        assertThat(acc.nextWakeup(T0 + LINGER, 10 * DEADLINE)).isEqualTo(T0 + LINGER + DEADLINE);
        acc.requestCompleted("a");
        assertThat(acc.nextWakeup(T0 + LINGER, 10 * DEADLINE)).isEqualTo(T0 + 2 * LINGER);
    }

    @Test
    void eachBatchSentIsChargedToItsStreamsRateLimit() {
        RecordAccumulator acc = accumulator(1, 1000, 10, 1);
        for (int i = 0; i < 3; i++) {
            acc.append(entry("s", 1, T0));
        }
        // One request a second: a full bucket of one, then one more in debt, then a second's wait.
        assertThat(acc.drain(T0)).hasSize(2);
        assertThat(acc.nextWakeup(T0, 10 * SECOND)).isEqualTo(T0 + SECOND);
        assertThat(acc.drain(T0 + SECOND)).hasSize(1);
    }

    @Test
    void aStreamIdleForTheIdleTimeIsRetiredExactlyThen() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        acc.append(entry("s", 1, T0));
        assertThat(acc.drain(T0 + LINGER)).hasSize(1);
        acc.requestCompleted("s");
        long idleFrom = T0 + 2 * LINGER;
        acc.drain(idleFrom);
        acc.drain(idleFrom + IDLE - 1);
        assertThat(retired).isEmpty();
        assertThat(acc.queues()).containsKey("s");
        acc.drain(idleFrom + IDLE);
        assertThat(retired).containsExactly("s");
        assertThat(acc.queues()).isEmpty();
    }

    @Test
    void aStreamIsNotIdleWhileARequestIsInFlightOrARecordWaits() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        acc.append(entry("s", 1, T0));
        acc.drain(T0 + LINGER);
        acc.drain(T0 + LINGER + IDLE);
        acc.drain(T0 + LINGER + 2 * IDLE);
        assertThat(retired).as("a request in flight").isEmpty();
        assertThat(acc.isIdle()).isFalse();
        acc.requestCompleted("s");
        assertThat(acc.isIdle()).isTrue();

        acc.append(entry("s", 1, T0 + 3 * IDLE));
        assertThat(acc.isIdle()).isFalse();
        acc.drain(T0 + 3 * IDLE);
        acc.drain(T0 + 4 * IDLE);
        assertThat(retired).as("a record waits").isEmpty();
    }

    @Test
    void forEachWaitingSeesFreshRecordsAndRetriesWithoutTakingThem() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        ProducerEntry retried = entry("s", 1, T0);
        acc.append(retried);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(retried, T0 + SECOND);
        ProducerEntry fresh = entry("s", 1, T0 + LINGER);
        acc.append(fresh);
        ProducerEntry other = entry("t", 1, T0 + LINGER);
        acc.append(other);

        List<ProducerEntry> seen = new ArrayList<>();
        acc.forEachWaiting(seen::add);
        assertThat(seen).containsExactlyInAnyOrder(retried, fresh, other);
        assertThat(acc.hasWaiting()).isTrue();

        assertThat(acc.removeAll()).containsExactlyInAnyOrder(retried, fresh, other);
        assertThat(acc.hasWaiting()).isFalse();
        assertThat(acc.queues().get("s").retries).isEmpty();
        assertThat(acc.queues().get("s").retryDeadlineCount()).isZero();
        assertThat(acc.queues().get("s").retryRecords).isZero();
        assertThat(acc.expire(T0 + 2 * DEADLINE)).isEmpty();
        List<ProducerEntry> after = new ArrayList<>();
        acc.forEachWaiting(after::add);
        assertThat(after).isEmpty();
    }

    @Test
    void theTotalInFlightCountsEveryStreamsRequests() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        acc.append(entry("a", 1, T0));
        acc.append(entry("b", 1, T0));
        assertThat(acc.drain(T0 + LINGER)).hasSize(2);
        assertThat(acc.totalInFlight()).isEqualTo(2);
        acc.requestCompleted("a");
        assertThat(acc.totalInFlight()).isEqualTo(1);
    }

    @Test
    void whenOneRequestSlotFreesAtATimeTheStreamsAreServedInTurn() {
        RecordAccumulator acc = accumulator(1, 1000, 1, 0);
        for (String stream : List.of("a", "b", "c")) {
            for (int i = 0; i < 3; i++) {
                acc.append(entry(stream, 1, T0));
            }
        }
        List<String> order = acc.queues().values().stream().map(q -> q.stream).toList();
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            List<Batch> batches = acc.drain(T0);
            assertThat(batches).hasSize(1);
            served.add(batches.get(0).stream());
            acc.requestCompleted(batches.get(0).stream());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(order);
        }
        assertThat(served).isEqualTo(expected);
    }

    @Test
    void exactlyAFullBatchOfRecordsOrOfBytesGoesAtOnce() {
        RecordAccumulator records = accumulator(3, 1000, 10, 0);
        for (int i = 0; i < 3; i++) {
            records.append(entry("s", 1, T0));
        }
        assertThat(sizes(records.drain(T0))).containsExactly(3);

        RecordAccumulator bytes = accumulator(500, 100, 10, 0);
        bytes.append(entry("s", 60, T0));
        bytes.append(entry("s", 40, T0));
        assertThat(bytes.drain(T0)).extracting(Batch::bytes).containsExactly(100L);
    }

    @Test
    void aRetryThatIsNotDueYetSendsNothingEvenWhenItWouldBeUrgent() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        long due = T0 + SECOND;
        ProducerEntry retry = entry("s", 1, T0, due + SECOND);
        acc.append(retry);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(retry, due);
        ProducerEntry fresh = entry("s", 1, due - 2 * LINGER);
        acc.append(fresh);
        // The fresh record has lingered: it goes alone, and the retry stays for its own time.
        List<Batch> batches = acc.drain(due - LINGER);
        assertThat(batches).singleElement().satisfies(b -> assertThat(b.entries()).containsExactly(fresh));
        acc.requestCompleted("s");
        // Nor does an urgent retry not yet due make a record that has not lingered go.
        acc.append(entry("s", 1, due - 10));
        assertThat(acc.drain(due - 1)).isEmpty();
        assertThat(acc.drain(due)).singleElement().satisfies(b -> assertThat(b.entries()).containsExactly(retry));
    }

    @Test
    void aDueRetryWaitsExactlyOneLingerForTheFreshRecordsBeforeGoing() {
        RecordAccumulator acc = accumulator(500, 1000, 10, 0);
        long due = T0 + SECOND;
        ProducerEntry retry = entry("s", 1, T0);
        acc.append(retry);
        acc.drain(T0 + LINGER);
        acc.requestCompleted("s");
        acc.requeue(retry, due);
        ProducerEntry fresh = entry("s", 1, due + 10);
        acc.append(fresh);
        assertThat(acc.drain(due + LINGER - 1)).isEmpty();
        assertThat(acc.drain(due + LINGER)).singleElement()
                .satisfies(b -> assertThat(b.entries()).containsExactly(retry, fresh));
    }

    @Test
    void retriesAreTakenUpToTheRecordBoundOfABatchWhateverTheirBytes() {
        RecordAccumulator acc = accumulator(2, 1000, 10, 0);
        List<ProducerEntry> failed = List.of(entry("s", 1, T0), entry("s", 1, T0), entry("s", 1, T0));
        failed.forEach(acc::append);
        assertThat(sizes(acc.drain(T0))).containsExactly(2);
        assertThat(sizes(acc.drain(T0 + LINGER))).containsExactly(1);
        acc.requestCompleted("s");
        acc.requestCompleted("s");
        acc.requeue(failed, T0 + 2 * LINGER);
        assertThat(sizes(acc.drain(T0 + 2 * LINGER))).containsExactly(2, 1);
    }
}
