package dev.firehose.producer.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.appender.LogShipper;
import dev.firehose.producer.appender.ShipperStats;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin configured from XML files, against firehose-local, in the JVM's own Log4j2 context:
 * the producer, the SDK and the HTTP client log through SLF4J into the same configuration. Each
 * test keeps a ledger: the events it logged, what the appender counted, and the events in the
 * objects the endpoint delivered; and checks they balance. A test ends its configuration by
 * switching back to the base one (which stops the appender, as any reconfiguration does); the
 * last one stops the whole logging system.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirehoseAppenderTest {

    private static final String APP_LOGGER = "app.orders";
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static FirehoseLocal local;
    private static SimpleMeterRegistry registry;
    private static final ConcurrentLinkedQueue<String> STATUS = new ConcurrentLinkedQueue<>();
    private static final StatusListener STATUS_LISTENER = new StatusListener() {
        @Override
        public void log(StatusData data) {
            STATUS.add(data.getLevel() + " " + data.getMessage().getFormattedMessage());
        }

        @Override
        public Level getStatusLevel() {
            return Level.INFO;
        }

        @Override
        public void close() {
        }
    };

    private LoggerContext context;

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().seed(7).build().start();
        registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        StatusLogger.getLogger().registerListener(STATUS_LISTENER);
    }

    @AfterAll
    static void stopEndpoint() {
        StatusLogger.getLogger().removeListener(STATUS_LISTENER);
        Metrics.removeRegistry(registry);
        local.close();
    }

    @BeforeEach
    void clearStatus() {
        STATUS.clear();
        context = (LoggerContext) LogManager.getContext(false);
    }

    @AfterEach
    void backToTheBaseConfiguration() throws URISyntaxException {
        List.of("test.stream", "test.endpoint", "test.lingerTime", "test.maxBufferedRecords", "test.maxBlockTime",
                "test.rootLevel", "test.packing").forEach(System::clearProperty);
        if (context.isStarted()) {
            context.setConfigLocation(getClass().getResource("/log4j2-test.xml").toURI());
        }
    }

    private static String newStream() {
        String name = "logs-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private FirehoseAppender configure(String resource, Map<String, String> properties) throws URISyntaxException {
        properties.forEach(System::setProperty);
        context.setConfigLocation(getClass().getResource("/" + resource).toURI());
        return context.getConfiguration().getAppender("FIREHOSE");
    }

    private Map<String, String> properties(String stream, String... more) {
        Map<String, String> p = new java.util.HashMap<>();
        p.put("test.stream", stream);
        p.put("test.endpoint", local.endpoint().toString());
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    /** Stops the appender the way a reconfiguration does. */
    private void stopAppender() throws URISyntaxException {
        context.setConfigLocation(getClass().getResource("/log4j2-test.xml").toURI());
    }

    private static long logFromThreads(int threads, int perThread) throws InterruptedException {
        Logger log = LogManager.getLogger(APP_LOGGER);
        AtomicLong longest = new AtomicLong();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    long start = System.nanoTime();
                    log.info("event {}-{}", thread, i);
                    longest.accumulateAndGet(System.nanoTime() - start, Math::max);
                }
            }, "app-" + t);
            worker.start();
            started.add(worker);
        }
        for (Thread t : started) {
            t.join();
        }
        return longest.get();
    }

    private static void awaitDelivered(FirehoseAppender appender, long events) throws InterruptedException {
        while (appender.stats().delivered() < events) {
            Thread.sleep(10);
        }
    }

    /** Waits until every event the appender accepted is delivered or failed, retries included. */
    private static void awaitSettled(FirehoseAppender appender) throws InterruptedException {
        while (appender.stats().pending() > 0) {
            Thread.sleep(10);
        }
    }

    private static Set<String> expected(int threads, int perThread) {
        Set<String> all = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                all.add("event " + t + "-" + i);
            }
        }
        return all;
    }

    private static Map<String, Long> appMessages(List<JsonNode> delivered) {
        return delivered.stream().filter(e -> APP_LOGGER.equals(e.path("log.logger").asText()))
                .collect(Collectors.groupingBy(e -> e.path("message").asText(), Collectors.counting()));
    }

    @Test
    @Order(1)
    void everyEventFromSeveralThreadsIsDeliveredOnceAsJsonLines() throws Exception {
        String stream = newStream();
        FirehoseAppender appender = configure("log4j2-json.xml", properties(stream));
        assertThat(appender.isStarted()).isTrue();

        logFromThreads(4, 500);
        stopAppender();

        ShipperStats stats = appender.stats();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        assertThat(delivered.keySet()).isEqualTo(expected(4, 500));
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(stats.delivered()).isEqualTo(stats.accepted()).isGreaterThanOrEqualTo(2_000);
        long firehoseRecords = stats.producer().total().firehoseRecordsAcknowledged();
        assertThat(firehoseRecords).isLessThan(stats.delivered() / 10);
        assertThat(local.ledger().count(stream)).isEqualTo(firehoseRecords);
    }

    @Test
    @Order(2)
    void throttlingAndFailedEntriesLoseNothing() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryServiceUnavailableRate(0.05).entryInternalFailureRate(0.15)
                .requestServiceUnavailableRate(0.05).build());
        // One event per Firehose record, so that thousands of entries meet the faults.
        FirehoseAppender appender = configure("log4j2-json.xml", properties(stream, "test.packing", "none"));

        logFromThreads(4, 500);
        awaitSettled(appender);
        stopAppender();

        ShipperStats stats = appender.stats();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        assertThat(stats.producer().total().recordsRetried()).as("the faults hit").isPositive();
        assertThat(delivered.keySet()).isEqualTo(expected(4, 500));
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(stats.delivered()).isEqualTo(stats.accepted());
    }

    @Test
    @Order(3)
    void aHangingEndpointNeverBlocksTheLoggingThreadsAndDropsAreCounted() throws Exception {
        String stream = newStream();
        Duration hang = Duration.ofSeconds(3);
        local.setFaults(stream, Faults.builder().latency(hang).build());
        FirehoseAppender appender = configure("log4j2-json.xml", properties(stream, "test.maxBufferedRecords", "500"));

        long longestCall = logFromThreads(4, 500);

        ShipperStats during = appender.stats();
        assertThat(during.producer().total().requests()).isZero();
        assertThat(Duration.ofNanos(longestCall)).isLessThan(hang.dividedBy(3));
        assertThat(during.accepted()).isLessThanOrEqualTo(500);
        assertThat(during.droppedBufferFull()).isEqualTo(2_000 - during.accepted() - during.excluded());
        assertThat(registry.get("firehose.appender.dropped.events").tag("appender", "FIREHOSE")
                .tag("reason", "buffer.full").functionCounter().count()).isEqualTo(during.droppedBufferFull());
        // Hundreds of drops within the report interval: one report, through the StatusLogger.
        assertThat(STATUS).filteredOn(s -> s.startsWith("WARN Firehose appender FIREHOSE: dropped")).hasSize(1);

        local.setFaults(stream, Faults.none());
        stopAppender();

        ShipperStats stats = appender.stats();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(expected(4, 500)).containsAll(delivered.keySet());
        assertThat((long) delivered.size()).isEqualTo(stats.delivered());
        assertThat(stats.delivered() + stats.droppedBufferFull()).isEqualTo(2_000);
        assertThat(stats.failed()).isZero();
    }

    @Test
    @Order(4)
    void sdkAndProducerDebugLogsNeverReachTheEndpoint() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryServiceUnavailableRate(0.3).build());
        FirehoseAppender appender = configure("log4j2-json.xml", properties(stream, "test.rootLevel", "DEBUG"));
        Capture capture = new Capture();
        Configuration config = context.getConfiguration();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, null, null);
        context.updateLoggers();

        logFromThreads(2, 200);
        awaitDelivered(appender, 400);
        stopAppender();

        assertThat(capture.loggers).anyMatch(n -> n.startsWith("software.amazon.awssdk"));
        assertThat(capture.loggers).anyMatch(n -> n.startsWith("org.apache.hc"));
        assertThat(capture.loggers).anyMatch(n -> n.startsWith("dev.firehose.producer"));
        List<JsonNode> delivered = DeliveredEvents.of(local, stream);
        assertThat(delivered).noneMatch(e -> LogShipper.ALWAYS_EXCLUDED_LOGGERS.stream()
                .anyMatch(prefix -> e.path("log.logger").asText().startsWith(prefix)));
        assertThat(delivered).noneMatch(e -> e.path("process.thread.name").asText().startsWith("firehose-producer-"));
        Map<String, Long> app = appMessages(delivered);
        assertThat(app.keySet()).isEqualTo(expected(2, 200));
        assertThat(app.values()).allMatch(n -> n == 1);
        ShipperStats stats = appender.stats();
        assertThat(stats.excluded()).isPositive();
        assertThat(stats.failed()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    @Order(5)
    void mistakesInTheConfigurationAreReportedThroughTheStatusLoggerAndLoggingGoesOn() throws Exception {
        FirehoseAppender appender = configure("log4j2-invalid.xml", Map.of());

        assertThat(appender).isNull();
        assertThat(STATUS).anySatisfy(m -> assertThat(m)
                .startsWith("ERROR Firehose appender FIREHOSE not created")
                .contains("streamName is required")
                .contains("packing must be newline, concatenated or none, was 'zip'")
                .contains("lingerTime must be a duration (for example 250ms, 5s, 2m, 1h, PT5S), was 'soon'"));
        assertThatCode(() -> LogManager.getLogger(APP_LOGGER).info("still logging")).doesNotThrowAnyException();
    }

    @Test
    @Order(6)
    void theReadmeSnippetRunsAsWritten() throws Exception {
        String snippet = new String(getClass().getResourceAsStream("/log4j2-readme.xml").readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(readme()).contains(snippet);
        local.createDeliveryStream("app-logs");
        // The snippet names no endpoint: the SDK's own setting points it at firehose-local.
        System.setProperty("aws.endpointUrlFirehose", local.endpoint().toString());
        try {
            FirehoseAppender appender = configure("log4j2-readme.xml", Map.of());
            logFromThreads(2, 50);
            stopAppender();
            assertThat(appMessages(DeliveredEvents.of(local, "app-logs")).keySet()).isEqualTo(expected(2, 50));
            assertThat(appender.stats().failed()).isZero();
        } finally {
            System.clearProperty("aws.endpointUrlFirehose");
        }
    }

    @Test
    @Order(7)
    void aReloadedConfigurationKeepsTheMetersOfTheNewAppenderAndLosesNoEvent() throws Exception {
        String stream = newStream();
        FirehoseAppender first = configure("log4j2-json.xml", properties(stream));
        logFromThreads(1, 10);

        // A reload of the same file, as monitorInterval does: Log4j2 starts the new appender of the
        // same name before it stops the old one.
        FirehoseAppender second = configure("log4j2-json.xml", properties(stream));
        assertThat(second).isNotSameAs(first);
        assertThat(first.isStopped()).isTrue();
        logFromThreads(1, 20);

        Counter put = registry.find(FirehoseProducerMetrics.PUT_RECORDS).tag("appender", "FIREHOSE").counter();
        assertThat(put).as("the new appender's producer meters are registered").isNotNull();
        assertThat(put.count()).as("they count the new appender's events only").isBetween(20.0, 29.0);
        assertThat(registry.find("firehose.appender.dropped.events").tag("appender", "FIREHOSE").functionCounters())
                .as("the new appender's dropped-events counters are registered").hasSize(3);

        stopAppender();
        assertThat(registry.find("firehose.appender.dropped.events").meters()).as("removed when it stops").isEmpty();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            expected.add("event 0-" + i);
        }
        assertThat(delivered.keySet()).isEqualTo(expected);
        assertThat(delivered).allSatisfy((message, times) -> assertThat(times)
                .isEqualTo(Integer.parseInt(message.substring("event 0-".length())) < 10 ? 2 : 1));
        assertThat(first.stats().failed() + second.stats().failed()).isZero();
    }

    @Test
    @Order(8)
    void eventsLoggedJustBeforeTheLoggingSystemStopsAreDelivered() throws Exception {
        String stream = newStream();
        FirehoseAppender appender = configure("log4j2-json.xml", properties(stream, "test.lingerTime", "30s"));

        logFromThreads(2, 100);
        context.stop();

        ShipperStats stats = appender.stats();
        assertThat(appMessages(DeliveredEvents.of(local, stream)).keySet()).isEqualTo(expected(2, 100));
        assertThat(stats.delivered()).isEqualTo(stats.accepted());
        assertThat(stats.failed()).isZero();
        assertThat(STATUS).anyMatch(s -> s.startsWith("INFO Firehose appender FIREHOSE: stopped")
                && s.contains(" 0 not delivered"));
    }

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }

    /** Keeps the logger name of every event it sees. */
    private static final class Capture extends AbstractAppender {
        final ConcurrentLinkedQueue<String> loggers = new ConcurrentLinkedQueue<>();

        Capture() {
            super("CAPTURE", null, null, true, Property.EMPTY_ARRAY);
            start();
        }

        @Override
        public void append(LogEvent event) {
            loggers.add(event.getLoggerName());
        }
    }
}
