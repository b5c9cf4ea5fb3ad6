package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * What the sender logs while records are retried and when they fail for good, on the manual
 * ticker: a retry is routine (DEBUG, and one INFO summary per stream per interval), only records
 * that fail for good are a WARN, at most one per stream per interval.
 */
class SenderLogTest {

    private static final Duration LINGER = Duration.ofMillis(100);

    private final ManualTicker ticker = new ManualTicker();
    private final FakeFirehoseClient client = new FakeFirehoseClient();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger senderLogger = (Logger) LoggerFactory.getLogger(Sender.class);
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

    private List<ILoggingEvent> events(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    /** Every third record of every request fails once with InternalFailure. */
    private void failEveryThirdEntryOnce() {
        AtomicInteger seen = new AtomicInteger();
        java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        client.behaviour = request -> {
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            request.records().forEach(r -> entries.add(
                    seen.incrementAndGet() % 33 == 0 && failedOnce.add(r.data().asUtf8String())
                            ? FakeFirehoseClient.error("InternalFailure", "internal")
                            : FakeFirehoseClient.ok(r)));
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
    }

    @Test
    void retriesAreNoWarningAndAreSummarisedAtMostOncePerIntervalPerStream() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .retryInterval(IntervalFunction.of(Duration.ofMillis(200))).build(), ticker);
        Sender sender = producer.sender();
        failEveryThirdEntryOnce();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        // 100 simulated seconds at 300 records per second, 3% of them failing once.
        for (int step = 0; step < 1000; step++) {
            for (int i = 0; i < 30; i++) {
                futures.add(producer.put("s", "r" + step + "-" + i));
                futures.add(producer.put("t", "r" + step + "-" + i));
            }
            ticker.advance(LINGER);
            for (int i = 0; i < 3; i++) {
                sender.runOnce();
            }
        }
        for (int i = 0; i < 10; i++) {
            ticker.advance(Duration.ofMillis(200));
            sender.runOnce();
        }

        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(producer.stats().total().recordsRetried()).isGreaterThan(1000);
        assertThat(events(Level.WARN)).isEmpty();
        assertThat(events(Level.ERROR)).isEmpty();
        List<ILoggingEvent> summaries = events(Level.INFO).stream()
                .filter(e -> e.getMessage().equals("records being retried")).toList();
        // 100 s at one summary per 30 s per stream: the first at once, then at most one per interval.
        long interval = TimeUnit.NANOSECONDS.toSeconds(SenderLog.INTERVAL_NANOS);
        long perStream = 1 + 100 / interval;
        assertThat(summaries).hasSizeBetween(2, (int) (2 * perStream));
        assertThat(summaries.get(0).getKeyValuePairs()).anySatisfy(kv -> assertThat(kv.key).isEqualTo("retriedByCode"));
    }

    @Test
    void recordsThatFailForGoodAreOneWarningPerIntervalWithTheirCounts() {
        producer = new DefaultFirehoseProducer("s", client, false, ProducerConfig.builder().lingerTime(LINGER)
                .maxAttempts(1).build(), ticker);
        Sender sender = producer.sender();
        client.behaviour = request -> {
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            request.records().forEach(r -> entries.add(FakeFirehoseClient.error("InternalFailure", "internal")));
            return CompletableFuture.completedFuture(FakeFirehoseClient.response(entries));
        };
        for (int step = 0; step < 100; step++) {
            for (int i = 0; i < 10; i++) {
                producer.put("r" + i);
            }
            ticker.advance(LINGER);
            sender.runOnce();
            sender.runOnce();
        }
        // 10 simulated seconds: the first failure at once, the rest summed up once the interval ends.
        assertThat(events(Level.WARN)).hasSize(1);
        ticker.advance(Duration.ofNanos(SenderLog.INTERVAL_NANOS));
        sender.runOnce();
        assertThat(events(Level.WARN)).hasSize(2);
        assertThat(events(Level.WARN).get(1).getKeyValuePairs())
                .anySatisfy(kv -> {
                    assertThat(kv.key).isEqualTo("recordsFailed");
                    assertThat(kv.value).isEqualTo(999);
                });
    }
}
