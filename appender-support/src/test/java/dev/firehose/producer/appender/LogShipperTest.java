package dev.firehose.producer.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * The shipper around a real producer and firehose-local: whatever the encoder, the status system
 * or the timing does, a call to ship never throws, and every event ends up in exactly one of
 * accepted, dropped and excluded; accepted ones are delivered or counted as failed.
 */
@Timeout(30)
class LogShipperTest {

    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static FirehoseLocal local;
    private static FirehoseClient client;

    private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
    private final AtomicLong now = new AtomicLong();
    private LogShipper shipper;
    private String stream;

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().seed(3).build().start();
        client = local.syncClient();
    }

    @AfterAll
    static void stopEndpoint() {
        client.close();
        local.close();
    }

    @AfterEach
    void closeShipper() {
        if (shipper != null) {
            shipper.close(Duration.ofSeconds(5));
        }
    }

    private LogShipper shipper(StatusReporter status) {
        stream = "logs-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(stream);
        FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName(stream).client(client)
                .config(ProducerConfig.builder().packing(RecordPacking.newlineDelimited())
                        .lingerTime(Duration.ofMillis(20)).build())
                .build();
        shipper = LogShipper.of("TEST", producer, status, Duration.ofSeconds(5), LogShipper.ALWAYS_EXCLUDED_LOGGERS,
                false, now::get);
        return shipper;
    }

    private LogShipper shipper() {
        return shipper(new StatusReporter() {
            @Override
            public void info(String message) {
                reports.add("INFO " + message);
            }

            @Override
            public void warn(String message, Throwable cause) {
                reports.add("WARN " + message);
            }

            @Override
            public void error(String message, Throwable cause) {
                reports.add("ERROR " + message);
            }
        });
    }

    private static final Function<String, byte[]> UTF8 = s -> (s + "\n").getBytes(StandardCharsets.UTF_8);

    private List<String> storedLines() {
        StringBuilder all = new StringBuilder();
        local.ledger().records(stream).forEach(r -> all.append(new String(r.data(), StandardCharsets.UTF_8)));
        return all.length() == 0 ? List.of() : List.of(all.toString().split("\n"));
    }

    @Test
    void anEncoderThatThrowsDropsOnlyThatEvent() {
        LogShipper s = shipper();
        Function<String, byte[]> failsOnThree = e -> {
            if (e.equals("e3")) {
                throw new IllegalStateException("layout broke on e3");
            }
            return UTF8.apply(e);
        };
        for (int i = 0; i < 10; i++) {
            String event = "e" + i;
            assertThatCode(() -> s.ship(event, "app", failsOnThree)).doesNotThrowAnyException();
        }
        ShipperStats stats = s.close(Duration.ofSeconds(5));

        assertThat(stats.accepted()).isEqualTo(9);
        assertThat(stats.droppedOther()).isEqualTo(1);
        assertThat(stats.delivered()).isEqualTo(9);
        assertThat(storedLines()).containsExactlyInAnyOrder("e0", "e1", "e2", "e4", "e5", "e6", "e7", "e8", "e9");
        assertThat(reports).anyMatch(r -> r.startsWith("WARN Firehose appender TEST: dropped 1 events")
                && r.contains("layout broke on e3"));
    }

    @Test
    void anEncoderThatThrowsAnErrorDropsOnlyThatEventAndNeverReachesTheLoggingCall() {
        LogShipper s = shipper();
        // A layout that recurses without end, or misses a class at run time, throws an Error.
        Function<String, byte[]> failsOnThree = e -> {
            if (e.equals("e3")) {
                throw new StackOverflowError("layout recursed on e3");
            }
            if (e.equals("e5")) {
                throw new NoClassDefFoundError("com/example/MissingJsonWriter");
            }
            return UTF8.apply(e);
        };
        for (int i = 0; i < 10; i++) {
            String event = "e" + i;
            assertThatCode(() -> s.ship(event, "app", failsOnThree)).doesNotThrowAnyException();
        }
        ShipperStats stats = s.close(Duration.ofSeconds(5));

        assertThat(stats.droppedOther()).isEqualTo(2);
        assertThat(stats.accepted()).isEqualTo(8).isEqualTo(stats.delivered());
        assertThat(storedLines()).containsExactlyInAnyOrder("e0", "e1", "e2", "e4", "e6", "e7", "e8", "e9");
        assertThat(reports).anyMatch(r -> r.startsWith("WARN Firehose appender TEST: dropped 1 events")
                && r.contains("layout recursed on e3"));
    }

    @Test
    void whatIsLoggedWhileAnEventIsBeingShippedIsExcluded() {
        LogShipper s = shipper();
        // An encoder that logs, as a layout with a bug (or a lookup that logs) would.
        Function<String, byte[]> logsWhileEncoding = e -> {
            s.ship("logged by the encoder", "app.layout", UTF8);
            return UTF8.apply(e);
        };
        s.ship("outer", "app", logsWhileEncoding);
        s.ship("from the SDK", "software.amazon.awssdk.request", UTF8);
        s.ship("from the producer", "dev.firehose.producer.internal.Sender", UTF8);
        s.ship("from a lookalike", "dev.firehose.producerx", UTF8);
        ShipperStats stats = s.close(Duration.ofSeconds(5));

        assertThat(stats.excluded()).isEqualTo(3);
        assertThat(storedLines()).containsExactlyInAnyOrder("outer", "from a lookalike");
        assertThat(stats.accepted()).isEqualTo(2).isEqualTo(stats.delivered());
    }

    @Test
    void anEventOverTheRecordLimitIsDroppedAsTooLarge() {
        LogShipper s = shipper();
        s.ship("x".repeat(ProducerConfig.MAX_RECORD_BYTES), "app", UTF8);
        s.ship("small", "app", UTF8);
        ShipperStats stats = s.close(Duration.ofSeconds(5));

        assertThat(stats.droppedTooLarge()).isEqualTo(1);
        assertThat(storedLines()).containsExactly("small");
        assertThat(reports).anyMatch(r -> r.contains("too large 1") && r.contains("1,024,000"));
    }

    @Test
    void dropReportsComeAtMostOncePerIntervalWithTheCountsSinceTheLast() {
        LogShipper s = shipper();
        Function<String, byte[]> nothing = e -> null;
        for (int i = 0; i < 5; i++) {
            s.ship("e", "app", nothing);
        }
        now.addAndGet(LogShipper.REPORT_INTERVAL.toNanos());
        for (int i = 0; i < 3; i++) {
            s.ship("e", "app", nothing);
        }

        assertThat(reports.stream().filter(r -> r.contains("dropped"))).containsExactly(
                "WARN Firehose appender TEST: dropped 1 events since the last report, 1 in all (buffer full 0, too"
                        + " large 0, other 1)",
                "WARN Firehose appender TEST: dropped 5 events since the last report, 6 in all (buffer full 0, too"
                        + " large 0, other 6)");
        assertThat(s.stats().droppedOther()).isEqualTo(8);
    }

    @Test
    void aStatusSystemThatThrowsNeverReachesTheLoggingCall() {
        LogShipper s = shipper(new StatusReporter() {
            @Override
            public void info(String message) {
                throw new IllegalStateException("status broke");
            }

            @Override
            public void warn(String message, Throwable cause) {
                throw new IllegalStateException("status broke");
            }

            @Override
            public void error(String message, Throwable cause) {
                throw new IllegalStateException("status broke");
            }
        });
        assertThatCode(() -> s.ship("e", "app", e -> {
            throw new IllegalStateException("layout broke");
        })).doesNotThrowAnyException();
        s.ship("kept", "app", UTF8);
        assertThat(s.stats().droppedOther()).isEqualTo(1);
        assertThat(s.close(Duration.ofSeconds(5)).delivered()).isEqualTo(1);
    }

    @Test
    void afterCloseEventsAreDroppedAndTheCountsBalance() {
        LogShipper s = shipper();
        for (int i = 0; i < 100; i++) {
            s.ship("e" + i, "app", UTF8);
        }
        ShipperStats closed = s.close(Duration.ofSeconds(5));
        assertThatCode(() -> s.ship("late", "app", UTF8)).doesNotThrowAnyException();

        assertThat(closed.accepted()).isEqualTo(100);
        assertThat(closed.delivered() + closed.failed()).isEqualTo(closed.accepted());
        assertThat(closed.delivered()).isEqualTo(100);
        assertThat(storedLines()).hasSize(100).doesNotContain("late");
        assertThat(s.stats().droppedOther()).isZero();
        assertThat(reports).anyMatch(r -> r.startsWith("INFO Firehose appender TEST: stopped")
                && r.contains("100 events delivered, 0 not delivered"));
        assertThat(s.close(Duration.ofSeconds(5))).isSameAs(closed);
    }

    @Test
    void aRegistryThatRefusesAMeterHalfwayLeavesNoneOfTheAppendersMetersAndTheShipperStillShips() {
        // Refuses the last meter the binding registers, for this appender only (the filter stays
        // in the global registry for the rest of the JVM, so it is as narrow as it can be).
        io.micrometer.core.instrument.Metrics.globalRegistry.config().meterFilter(
                new io.micrometer.core.instrument.config.MeterFilter() {
                    @Override
                    public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                        if ("HALFWAY".equals(id.getTag("appender"))
                                && id.getName().equals("firehose.appender.excluded.events")) {
                            throw new IllegalStateException("this registry refuses " + id.getName());
                        }
                        return id;
                    }
                });
        stream = "logs-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(stream);
        FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName(stream).client(client)
                .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(20)).build()).build();
        shipper = LogShipper.of("HALFWAY", producer, new StatusReporter() {
            @Override
            public void info(String message) {
                reports.add("INFO " + message);
            }

            @Override
            public void warn(String message, Throwable cause) {
                reports.add("WARN " + message);
            }

            @Override
            public void error(String message, Throwable cause) {
                reports.add("ERROR " + message);
            }
        }, Duration.ofSeconds(5), LogShipper.ALWAYS_EXCLUDED_LOGGERS, true, now::get);

        assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.find("firehose.producer.records.put")
                .meters()).noneMatch(m -> "HALFWAY".equals(m.getId().getTag("appender")));
        assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.getMeters())
                .noneMatch(m -> "HALFWAY".equals(m.getId().getTag("appender")));
        assertThat(reports).anyMatch(r -> r.startsWith("WARN") && r.contains("meters could not be registered"));
        shipper.ship("still shipped", "app", e -> (e + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(shipper.close(Duration.ofSeconds(5)).delivered()).isEqualTo(1);
        shipper = null;
    }
}
