package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.firehose.producer.internal.ErrorClassifier.Classification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * {@link SenderLog} on its own, with the time passed in: what each summary line counts, and the
 * exact edges of its 30 s interval.
 */
class SenderLogIntervalsTest {

    private static final long T0 = TimeUnit.SECONDS.toNanos(1_000);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long INTERVAL = SenderLog.INTERVAL_NANOS;

    private final Logger logger = (Logger) LoggerFactory.getLogger(SenderLogIntervalsTest.class.getName() + ".log");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final SenderLog senderLog = new SenderLog(logger);

    @BeforeEach
    void capture() {
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private List<ILoggingEvent> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    private static Map<String, Object> values(ILoggingEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (KeyValuePair kv : e.getKeyValuePairs()) {
            m.put(kv.key, kv.value);
        }
        return m;
    }

    @Test
    void eachRetrySummaryCountsOnlyWhatHappenedSinceTheLastOne() {
        senderLog.retried("s", "InternalFailure", 3, 7, T0);
        senderLog.throttled("s", 4, T0 + SECOND);
        senderLog.throttled("s", 2, T0 + SECOND);
        senderLog.retried("s", "ServiceUnavailableException", 6, 5, T0 + INTERVAL - 1);
        assertThat(lines(Level.INFO)).hasSize(1);
        senderLog.retried("s", "InternalFailure", 1, 4, T0 + INTERVAL);

        List<ILoggingEvent> info = lines(Level.INFO);
        assertThat(info).hasSize(2);
        assertThat(values(info.get(0))).containsEntry("recordsRetried", 3)
                .containsEntry("retriedByCode", new TreeMap<>(Map.of("InternalFailure", 3)))
                .containsEntry("throttledRecords", 0).containsEntry("inFlightLimit", 7).containsEntry("sinceSeconds", 0L);
        assertThat(values(info.get(1))).containsEntry("stream", "s").containsEntry("recordsRetried", 7)
                .containsEntry("retriedByCode",
                        new TreeMap<>(Map.of("InternalFailure", 1, "ServiceUnavailableException", 6)))
                .containsEntry("throttledRecords", 6).containsEntry("inFlightLimit", 4)
                .containsEntry("sinceSeconds", 30L);
    }

    @Test
    void noRecordsRetriedIsNothingToSay() {
        senderLog.retried("s", "InternalFailure", 0, 7, T0);
        senderLog.flush(T0 + INTERVAL);
        assertThat(appender.list).isEmpty();
    }

    @Test
    void aRetrySummaryHeldBackIsLoggedByTheFirstRoundAtTheEndOfTheInterval() {
        senderLog.retried("s", "InternalFailure", 1, 3, T0);
        senderLog.retried("s", "InternalFailure", 2, 3, T0 + 10 * SECOND);
        senderLog.flush(T0 + INTERVAL - 1);
        assertThat(lines(Level.INFO)).hasSize(1);
        senderLog.flush(T0 + INTERVAL);
        assertThat(lines(Level.INFO)).hasSize(2);
        assertThat(values(lines(Level.INFO).get(1))).containsEntry("recordsRetried", 2).containsEntry("sinceSeconds", 30L);
        senderLog.flush(T0 + 2 * INTERVAL);
        assertThat(lines(Level.INFO)).as("nothing new to say").hasSize(2);
    }

    @Test
    void failuresAreOneWarningAtOnceThenOnePerIntervalWithTheirCounts() {
        senderLog.failed("s", "InternalFailure", T0);
        senderLog.failed("s", "InternalFailure", T0 + 10 * SECOND);
        senderLog.failed("s", "DeliveryTimeout", T0 + 10 * SECOND);
        senderLog.flush(T0 + INTERVAL - 1);
        assertThat(lines(Level.WARN)).hasSize(1);
        senderLog.flush(T0 + INTERVAL);
        senderLog.failed("s", "InternalFailure", T0 + 2 * INTERVAL);

        List<ILoggingEvent> warn = lines(Level.WARN);
        assertThat(warn).hasSize(3);
        assertThat(values(warn.get(0))).containsEntry("recordsFailed", 1).containsEntry("sinceSeconds", 0L);
        assertThat(values(warn.get(1))).containsEntry("recordsFailed", 2)
                .containsEntry("failedByCode", new TreeMap<>(Map.of("InternalFailure", 1, "DeliveryTimeout", 1)))
                .containsEntry("sinceSeconds", 30L);
        assertThat(values(warn.get(2))).containsEntry("recordsFailed", 1).containsEntry("sinceSeconds", 30L);
    }

    @Test
    void aRequestRefusedForGoodIsOneErrorPerIntervalAndItsRecordsAreSummedUpAfterIt() {
        Classification notFound = new Classification("ResourceNotFoundException", "no stream", false, false, false);
        senderLog.requestFailedForGood("s", 5, notFound, T0);
        for (int i = 0; i < 5; i++) {
            senderLog.failed("s", "ResourceNotFoundException", T0);
        }
        senderLog.requestFailedForGood("s", 5, notFound, T0 + INTERVAL - 1);
        assertThat(lines(Level.ERROR)).hasSize(1);
        assertThat(lines(Level.WARN)).as("the error line stands for the interval's line").isEmpty();

        senderLog.requestFailedForGood("s", 5, notFound, T0 + INTERVAL);
        assertThat(lines(Level.ERROR)).hasSize(2);
        assertThat(values(lines(Level.ERROR).get(1))).containsEntry("records", 5)
                .containsEntry("errorCode", "ResourceNotFoundException").containsEntry("errorMessage", "no stream");
        senderLog.flush(T0 + 2 * INTERVAL - 1);
        assertThat(lines(Level.WARN)).isEmpty();
        senderLog.flush(T0 + 2 * INTERVAL);
        assertThat(lines(Level.WARN)).singleElement().satisfies(w -> assertThat(values(w))
                .containsEntry("recordsFailed", 5)
                .containsEntry("lastRequestError", "ResourceNotFoundException: no stream"));
    }

    @Test
    void aStreamQuietForAWholeIntervalIsForgottenButNotSooner() {
        senderLog.retried("quiet", "InternalFailure", 1, 3, T0);
        senderLog.retried("busy", "InternalFailure", 1, 3, T0);
        senderLog.flush(T0 + SECOND);
        // Not forgotten a second later: a retry within the interval is still held back.
        senderLog.retried("busy", "InternalFailure", 1, 3, T0 + 10 * SECOND);
        assertThat(lines(Level.INFO)).hasSize(2);

        senderLog.flush(T0 + INTERVAL);
        // "quiet" was forgotten: its next line starts afresh; "busy" had a line due, so it was kept.
        senderLog.retried("quiet", "InternalFailure", 1, 3, T0 + INTERVAL + SECOND);
        senderLog.retried("busy", "InternalFailure", 1, 3, T0 + 2 * INTERVAL + 5 * SECOND);
        List<ILoggingEvent> info = lines(Level.INFO);
        assertThat(info).hasSize(5);
        assertThat(values(info.get(2))).containsEntry("stream", "busy").containsEntry("sinceSeconds", 30L);
        assertThat(values(info.get(3))).containsEntry("stream", "quiet").containsEntry("sinceSeconds", 0L);
        assertThat(values(info.get(4))).containsEntry("stream", "busy").containsEntry("sinceSeconds", 35L);
    }

    @Test
    void aStreamThatOnlyWarnedIsForgottenExactlyOneIntervalAfterItsWarning() {
        senderLog.failed("s", "InternalFailure", T0);
        senderLog.flush(T0 + INTERVAL);
        senderLog.failed("s", "InternalFailure", T0 + INTERVAL + SECOND);
        List<ILoggingEvent> warn = lines(Level.WARN);
        assertThat(warn).hasSize(2);
        assertThat(values(warn.get(1))).as("a new summary").containsEntry("sinceSeconds", 0L);
    }
}
