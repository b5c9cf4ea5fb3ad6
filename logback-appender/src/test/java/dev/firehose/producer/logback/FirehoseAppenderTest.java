package dev.firehose.producer.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.appender.LogShipper;
import dev.firehose.producer.appender.ShipperStats;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The appender configured from XML files, against firehose-local, in the JVM's own Logback
 * context: the producer, the SDK and the HTTP client log into the same configuration. Each test
 * keeps a ledger: the events it logged, what the appender counted (accepted, delivered, failed,
 * dropped), and the events in the objects the endpoint delivered; and checks they balance.
 */
@Timeout(60)
class FirehoseAppenderTest {

    private static final String APP_LOGGER = "app.orders";
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static FirehoseLocal local;
    private static SimpleMeterRegistry registry;

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().seed(7).build().start();
        registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
    }

    @AfterAll
    static void stopEndpoint() {
        Metrics.removeRegistry(registry);
        local.close();
    }

    @AfterEach
    void stopLogging() {
        context.stop();
    }

    private static String newStream() {
        String name = "logs-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private FirehoseAppender configure(String resource, Map<String, String> properties) throws JoranException {
        context.reset();
        context.getStatusManager().clear();
        context.start();
        properties.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/" + resource));
        return (FirehoseAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("FIREHOSE");
    }

    private Map<String, String> properties(String stream) {
        Map<String, String> p = new HashMap<>();
        p.put("stream", stream);
        p.put("endpoint", local.endpoint().toString());
        return p;
    }

    /** Logs {@code perThread} events from each of {@code threads} threads; returns the longest call in nanoseconds. */
    private static long logFromThreads(int threads, int perThread) throws InterruptedException {
        org.slf4j.Logger log = LoggerFactory.getLogger(APP_LOGGER);
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

    /** Waits until the appender has delivered {@code events}, so that the sending happens while it runs. */
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
        Set<String> all = new java.util.HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                all.add("event " + t + "-" + i);
            }
        }
        return all;
    }

    /** The messages of the application's events among the delivered ones, each with how often it came. */
    private static Map<String, Long> appMessages(List<JsonNode> delivered) {
        return delivered.stream().filter(e -> APP_LOGGER.equals(e.path("loggerName").asText()))
                .collect(Collectors.groupingBy(e -> e.path("formattedMessage").asText(), Collectors.counting()));
    }

    @Test
    void everyEventFromSeveralThreadsIsDeliveredOnceAsJsonLines() throws Exception {
        String stream = newStream();
        FirehoseAppender appender = configure("logback-json.xml", properties(stream));
        assertThat(appender.isStarted()).isTrue();

        logFromThreads(4, 500);
        context.stop();

        ShipperStats stats = appender.stats();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        assertThat(delivered.keySet()).isEqualTo(expected(4, 500));
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(stats.delivered()).isEqualTo(stats.accepted()).isGreaterThanOrEqualTo(2_000);
        // Packed: many events per Firehose record, and the endpoint stored exactly those records.
        long firehoseRecords = stats.producer().total().firehoseRecordsAcknowledged();
        assertThat(firehoseRecords).isLessThan(stats.delivered() / 10);
        assertThat(local.ledger().count(stream)).isEqualTo(firehoseRecords);
    }

    @Test
    void throttlingAndFailedEntriesLoseNothing() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryServiceUnavailableRate(0.05).entryInternalFailureRate(0.15)
                .requestServiceUnavailableRate(0.05).build());
        // One event per Firehose record, so that thousands of entries meet the faults.
        Map<String, String> p = properties(stream);
        p.put("packing", "none");
        FirehoseAppender appender = configure("logback-json.xml", p);

        logFromThreads(4, 500);
        awaitSettled(appender);
        context.stop();

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
    void aHangingEndpointNeverBlocksTheLoggingThreadsAndDropsAreCounted() throws Exception {
        String stream = newStream();
        Duration hang = Duration.ofSeconds(3);
        local.setFaults(stream, Faults.builder().latency(hang).build());
        Map<String, String> p = properties(stream);
        p.put("maxBufferedRecords", "500");
        FirehoseAppender appender = configure("logback-json.xml", p);

        long longestCall = logFromThreads(4, 500);

        ShipperStats during = appender.stats();
        // Every logging call returned before the endpoint answered a single request.
        assertThat(during.producer().total().requests()).isZero();
        assertThat(Duration.ofNanos(longestCall)).isLessThan(hang.dividedBy(3));
        assertThat(during.accepted()).isLessThanOrEqualTo(500);
        assertThat(during.droppedBufferFull()).isEqualTo(2_000 - during.accepted() - during.excluded());
        assertThat(registry.get("firehose.appender.dropped.events").tag("appender", "FIREHOSE")
                .tag("reason", "buffer.full").functionCounter().count()).isEqualTo(during.droppedBufferFull());
        assertThat(registry.get("firehose.producer.put.records").tag("appender", "FIREHOSE").counter().count())
                .isEqualTo(during.accepted());
        // Hundreds of drops within the report interval: one report, through the status manager.
        assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(st -> st.getLevel() == Status.WARN
                && st.getMessage().startsWith("Firehose appender FIREHOSE: dropped")).hasSize(1);

        local.setFaults(stream, Faults.none());
        context.stop();

        ShipperStats stats = appender.stats();
        Map<String, Long> delivered = appMessages(DeliveredEvents.of(local, stream));
        assertThat(delivered.values()).allMatch(n -> n == 1);
        assertThat(expected(4, 500)).containsAll(delivered.keySet());
        assertThat((long) delivered.size()).isEqualTo(stats.delivered());
        assertThat(stats.delivered() + stats.droppedBufferFull()).isEqualTo(2_000);
        assertThat(stats.failed()).isZero();
        assertThat(registry.find("firehose.appender.dropped.events").meters()).as("meters removed at close").isEmpty();
    }

    @Test
    void maxBlockTimeLetsALoggingCallWaitThatLongForRoom() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().latency(Duration.ofSeconds(2)).build());
        Map<String, String> p = properties(stream);
        p.put("maxBufferedRecords", "500");
        p.put("maxBlockTime", "200ms");
        FirehoseAppender appender = configure("logback-json.xml", p);

        logFromThreads(1, 503);

        ShipperStats during = appender.stats();
        assertThat(during.accepted()).isEqualTo(500);
        assertThat(during.producer().putsBlocked()).isEqualTo(3);
        assertThat(during.droppedBufferFull()).isEqualTo(3);
        local.setFaults(stream, Faults.none());
    }

    @Test
    void sdkAndProducerDebugLogsNeverReachTheEndpoint() throws Exception {
        String stream = newStream();
        local.setFaults(stream, Faults.builder().entryServiceUnavailableRate(0.3).build());
        Map<String, String> p = properties(stream);
        p.put("rootLevel", "DEBUG");
        FirehoseAppender appender = configure("logback-json.xml", p);

        logFromThreads(2, 200);
        awaitDelivered(appender, 400);
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> capture = (ListAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("CAPTURE");
        context.stop();
        List<ILoggingEvent> seen = new ArrayList<>(capture.list);

        // The SDK, the HTTP client and the producer did log into this configuration...
        Function<String, Long> seenFrom = prefix -> seen.stream()
                .filter(e -> e.getLoggerName().startsWith(prefix)).count();
        assertThat(seenFrom.apply("software.amazon.awssdk")).isPositive();
        assertThat(seenFrom.apply("org.apache.hc")).isPositive();
        assertThat(seenFrom.apply("dev.firehose.producer")).isPositive();
        // ... and none of it was sent, while every application event was, once.
        List<JsonNode> delivered = DeliveredEvents.of(local, stream);
        assertThat(delivered).noneMatch(e -> LogShipper.ALWAYS_EXCLUDED_LOGGERS.stream()
                .anyMatch(prefix -> e.path("loggerName").asText().startsWith(prefix)));
        assertThat(delivered).noneMatch(e -> e.path("threadName").asText().startsWith("firehose-producer-"));
        Map<String, Long> app = appMessages(delivered);
        assertThat(app.keySet()).isEqualTo(expected(2, 200));
        assertThat(app.values()).allMatch(n -> n == 1);
        ShipperStats stats = appender.stats();
        assertThat(stats.excluded()).isPositive();
        assertThat(stats.failed()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void eventsLoggedJustBeforeTheLoggingSystemStopsAreDelivered() throws Exception {
        String stream = newStream();
        Map<String, String> p = properties(stream);
        p.put("lingerTime", "30s");
        FirehoseAppender appender = configure("logback-json.xml", p);

        logFromThreads(2, 100);
        context.stop();

        ShipperStats stats = appender.stats();
        assertThat(appMessages(DeliveredEvents.of(local, stream)).keySet()).isEqualTo(expected(2, 100));
        assertThat(stats.delivered()).isEqualTo(stats.accepted());
        assertThat(stats.failed()).isZero();
        assertThat(context.getStatusManager().getCopyOfStatusList()).anyMatch(s -> s.getMessage()
                .startsWith("Firehose appender FIREHOSE: stopped") && s.getMessage().contains(" 0 not delivered"));
    }

    @Test
    void mistakesInTheConfigurationAreReportedThroughTheStatusManagerAndLoggingGoesOn() throws Exception {
        FirehoseAppender appender = configure("logback-invalid.xml", Map.of());

        assertThat(appender.isStarted()).isFalse();
        List<String> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR).map(Status::getMessage).collect(Collectors.toList());
        assertThat(errors).anySatisfy(m -> assertThat(m)
                .contains("Firehose appender FIREHOSE not started")
                .contains("streamName is required")
                .contains("packing must be newline, concatenated or none, was 'zip'")
                .contains("lingerTime must be a duration (for example 250ms, 5s, 2m, 1h, PT5S), was 'soon'"));
        assertThatCode(() -> LoggerFactory.getLogger(APP_LOGGER).info("still logging")).doesNotThrowAnyException();
        assertThat(appender.stats()).isNull();
    }

    @Test
    void theReadmeSnippetRunsAsWritten() throws Exception {
        String snippet = new String(getClass().getResourceAsStream("/logback-readme.xml").readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(readme()).contains(snippet);
        local.createDeliveryStream("app-logs");
        // The snippet names no endpoint: the SDK's own setting points it at firehose-local.
        System.setProperty("aws.endpointUrlFirehose", local.endpoint().toString());
        try {
            FirehoseAppender appender = configure("logback-readme.xml", Map.of());
            logFromThreads(2, 50);
            context.stop();
            assertThat(appMessages(DeliveredEvents.of(local, "app-logs")).keySet()).isEqualTo(expected(2, 50));
            assertThat(appender.stats().failed()).isZero();
        } finally {
            System.clearProperty("aws.endpointUrlFirehose");
        }
    }

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }
}
