package dev.firehose.producer.appender.internal;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.appender.ShipperStats;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The producer's meters and the dropped-events counter, in Micrometer's global registry (to which
 * applications, and Spring Boot by default, add their registries), tagged with the appender.
 * Loaded only by {@link MeterBinding} once Micrometer is known to be present.
 */
final class MicrometerMeters implements AutoCloseable {

    /** Events dropped before the producer took them, tagged with {@code reason}. */
    static final String DROPPED_EVENTS = "firehose.appender.dropped.events";
    /** Events not sent by design (the appender's own work), see {@code LogShipper}. */
    static final String EXCLUDED_EVENTS = "firehose.appender.excluded.events";

    private final MeterRegistry registry;
    private final FirehoseProducerMetrics producerMetrics;
    private final List<Meter> own = new ArrayList<>();
    /** Function counters hold what they read weakly: this keeps it for as long as the meters. */
    private final Supplier<ShipperStats> stats;

    private MicrometerMeters(MeterRegistry registry, FirehoseProducerMetrics producerMetrics,
            Supplier<ShipperStats> stats) {
        this.registry = registry;
        this.producerMetrics = producerMetrics;
        this.stats = stats;
    }

    static AutoCloseable bind(String appender, FirehoseProducer producer, Supplier<ShipperStats> stats) {
        MeterRegistry registry = Metrics.globalRegistry;
        Tags tags = Tags.of("appender", appender);
        FirehoseProducerMetrics producerMetrics = new FirehoseProducerMetrics(producer, tags);
        producerMetrics.bindTo(registry);
        MicrometerMeters m = new MicrometerMeters(registry, producerMetrics, stats);
        m.dropped(tags, "buffer.full", ShipperStats::droppedBufferFull);
        m.dropped(tags, "too.large", ShipperStats::droppedTooLarge);
        m.dropped(tags, "other", ShipperStats::droppedOther);
        m.own.add(FunctionCounter.builder(EXCLUDED_EVENTS, m.stats, s -> s.get().excluded())
                .description("Events the appender did not send because its own work logged them")
                .baseUnit("events").tags(tags).register(registry));
        return m;
    }

    private void dropped(Tags tags, String reason, ToLongFunction<ShipperStats> count) {
        own.add(FunctionCounter.builder(DROPPED_EVENTS, stats, s -> count.applyAsLong(s.get()))
                .description("Log events the appender dropped instead of blocking the application or failing the"
                        + " logging call")
                .baseUnit("events").tags(tags.and("reason", reason)).register(registry));
    }

    @Override
    public void close() {
        producerMetrics.close();
        own.forEach(registry::remove);
    }
}
