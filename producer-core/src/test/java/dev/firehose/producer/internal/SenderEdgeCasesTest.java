package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.firehose.producer.DeliveryTimeoutException;
import dev.firehose.producer.ProducerClosedException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * The sender's own decisions, driven by hand on a manual ticker: how long a round says to sleep,
 * which deadline of the requests in flight it watches, what throttling does to the stream's pacing
 * and to the retry summary, and what a close that gives up leaves behind.
 */
class SenderEdgeCasesTest {

    private static final Duration LINGER = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private final Logger senderLogger = (Logger) LoggerFactory.getLogger(Sender.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previousLevel;
    private DefaultFirehoseProducer producer;

    @BeforeEach
    void captureLogs() {
        previousLevel = senderLogger.getLevel();
        senderLogger.setLevel(Level.INFO);
        appender.start();
        senderLogger.addAppender(appender);
    }

    @AfterEach
    void release() {
        senderLogger.detachAppender(appender);
        senderLogger.setLevel(previousLevel);
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(LINGER).retryInterval(IntervalFunction.of(BACKOFF))
                .deliveryTimeout(DELIVERY).requestTimeout(Duration.ofSeconds(60));
    }

    private Sender sender(ProducerConfig config) {
        producer = new DefaultFirehoseProducer("s", client, false, config, ticker);
        return producer.sender();
    }

    private static void settle(Sender sender) {
        for (int i = 0; i < 10; i++) {
            sender.runOnce();
        }
    }

    private RateController rate() {
        return producer.accumulator().queues().get("s").rate;
    }

    private static CompletableFuture<PutRecordBatchResponse> failed(String code, int status) {
        return CompletableFuture.failedFuture(new CompletionException(FirehoseException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg").build()).build()));
    }

    private List<ILoggingEvent> lines(Level level, String message) {
        return appender.list.stream().filter(e -> e.getLevel() == level && e.getMessage().equals(message)).toList();
    }

    private static Object value(ILoggingEvent e, String key) {
        return e.getKeyValuePairs().stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).findFirst()
                .orElse(null);
    }

    @Test
    void aRoundSleepsUntilItsNextWorkTheLingerTheIdleLimitOrTheEarliestDeadlineInFlight() {
        Sender sender = sender(config().build());
        client.behaviour = request -> new CompletableFuture<>();
        assertThat(sender.runOnce()).as("nothing to do").isEqualTo(Duration.ofSeconds(1).toNanos());

        producer.put("x");
        assertThat(sender.runOnce()).isEqualTo(LINGER.toNanos());
        ticker.advance(Duration.ofMillis(40));
        assertThat(sender.runOnce()).isEqualTo(Duration.ofMillis(60).toNanos());

        ticker.advance(Duration.ofMillis(60));
        assertThat(sender.runOnce()).as("the round that sends it").isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(client.requests).hasSize(1);

        ticker.advance(DELIVERY.minus(LINGER).minus(Duration.ofMillis(300)));
        assertThat(sender.runOnce()).as("its deadline in flight comes first").isEqualTo(
                Duration.ofMillis(300).toNanos());
    }

    @Test
    void theEarliestDeadlineOfAllRequestsInFlightIsKeptWhicheverWasSentFirst() {
        Sender sender = sender(config().maxBatchRecords(2).build());
        client.behaviour = request -> new CompletableFuture<>();
        CompletableFuture<PutResult> older = producer.put("b", "older");
        ticker.advance(Duration.ofMillis(10));
        // A full batch goes at once, ahead of the older record still lingering.
        List<CompletableFuture<PutResult>> full = List.of(producer.put("a", "a1"), producer.put("a", "a2"));
        sender.runOnce();
        assertThat(client.requests).hasSize(1);
        ticker.advance(LINGER.minus(Duration.ofMillis(10)));
        sender.runOnce();
        assertThat(client.requests).hasSize(2);

        ticker.advance(DELIVERY.minus(LINGER));
        assertThat(sender.runOnce()).as("until the next deadline in flight").isEqualTo(
                Duration.ofMillis(10).toNanos());
        assertThat(older).isCompletedExceptionally();
        assertThat(older.handle((r, t) -> t).join()).isInstanceOfSatisfying(DeliveryTimeoutException.class,
                e -> assertThat(e.mayBeDuplicated()).isTrue());
        assertThat(full).noneMatch(CompletableFuture::isDone);

        ticker.advance(Duration.ofMillis(10));
        sender.runOnce();
        assertThat(full).allMatch(CompletableFuture::isCompletedExceptionally);
    }

    @Test
    void aRequestThrottledAsAWholeHalvesTheStreamsRequestsInFlightAndASuccessRaisesThemAgain() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> calls.getAndIncrement() == 0 ? failed("ServiceUnavailableException", 503)
                : FakeFirehoseClient.acceptAll(request);
        producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        assertThat(rate().inFlightLimit()).isEqualTo(5);

        ticker.advance(BACKOFF);
        settle(sender);
        assertThat(client.requests).hasSize(2);
        assertThat(rate().inFlightLimit()).isEqualTo(6);
    }

    @Test
    void aFewThrottledEntriesTrimTheStreamsRequestsInFlightInProportion() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> {
            if (calls.getAndIncrement() > 0) {
                return FakeFirehoseClient.acceptAll(request);
            }
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                entries.add(i == 0 ? FakeFirehoseClient.error("ServiceUnavailableException", "Slow down.")
                        : FakeFirehoseClient.ok(request.records().get(i)));
            }
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        for (int i = 0; i < 10; i++) {
            producer.put("r" + i);
        }
        ticker.advance(LINGER);
        settle(sender);
        // One of ten throttled: 10 x (1 - 0.1 / 2) = 9.5 requests in flight.
        assertThat(rate().inFlightLimit()).isEqualTo(9);
    }

    @Test
    void throttledRecordsAreCountedInTheNextRetrySummary() {
        Sender sender = sender(config().build());
        AtomicInteger calls = new AtomicInteger();
        client.behaviour = request -> switch (calls.getAndIncrement()) {
            case 0 -> failed("ServiceUnavailableException", 503);
            case 1 -> {
                List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
                for (int i = 0; i < request.records().size(); i++) {
                    entries.add(i < 2 ? FakeFirehoseClient.error("ServiceUnavailableException", "Slow down.")
                            : FakeFirehoseClient.ok(request.records().get(i)));
                }
                yield CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
            }
            default -> FakeFirehoseClient.acceptAll(request);
        };
        for (int i = 0; i < 3; i++) {
            producer.put("r" + i);
        }
        ticker.advance(LINGER);
        settle(sender);
        List<ILoggingEvent> first = lines(Level.INFO, "records being retried");
        assertThat(first).hasSize(1);
        assertThat(value(first.get(0), "throttledRecords")).isEqualTo(3);
        assertThat(value(first.get(0), "recordsRetried")).isEqualTo(3);

        ticker.advance(BACKOFF);
        settle(sender);
        ticker.advance(Duration.ofNanos(SenderLog.INTERVAL_NANOS));
        settle(sender);
        List<ILoggingEvent> summaries = lines(Level.INFO, "records being retried");
        assertThat(summaries).hasSize(2);
        assertThat(value(summaries.get(1), "throttledRecords")).isEqualTo(2);
        assertThat(value(summaries.get(1), "recordsRetried")).isEqualTo(2);
    }

    @Test
    void aCloseThatGivesUpFailsEveryPendingRecordEmptiesTheQueuesAndSaysHowMany() {
        Sender sender = sender(config().build());
        client.behaviour = request -> new CompletableFuture<>();
        CompletableFuture<PutResult> sent = producer.put("sent");
        ticker.advance(LINGER);
        settle(sender);
        CompletableFuture<PutResult> waiting = producer.put("waiting");
        assertThat(producer.stats().total().requestsInFlight()).isEqualTo(1);

        producer.close(Duration.ZERO);
        DefaultFirehoseProducer closed = producer;
        producer = null;

        assertThat(sent.handle((r, t) -> t).join()).isInstanceOf(ProducerClosedException.class);
        assertThat(waiting.handle((r, t) -> t).join()).isInstanceOf(ProducerClosedException.class);
        assertThat(closed.stats().total().requestsInFlight()).as("the request was abandoned").isZero();
        assertThat(closed.accumulator().hasWaiting()).isFalse();
        assertThat(closed.accumulator().queues().get("s").fresh).isEmpty();
        List<ILoggingEvent> warn = appender.list.stream()
                .filter(e -> e.getMessage().equals("producer closed with records pending; they failed")).toList();
        assertThat(warn).singleElement().satisfies(e -> assertThat(value(e, "records")).isEqualTo(2));
    }

    @Test
    void aCloseWithNothingPendingSaysNothingAboutPendingRecords() {
        Sender sender = sender(config().build());
        producer.put("x");
        ticker.advance(LINGER);
        settle(sender);
        producer.close(Duration.ZERO);
        producer = null;
        assertThat(appender.list).extracting(ILoggingEvent::getMessage)
                .doesNotContain("producer closed with records pending; they failed");
    }
}
