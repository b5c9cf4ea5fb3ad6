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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The producer's meters and the dropped-events counter, in Micrometer's global registry (to which
 * applications, and Spring Boot by default, add their registries), tagged with the appender.
 * Loaded only by {@link MeterBinding} once Micrometer is known to be present.
 *
 * <p>One binding holds an appender name's meters at a time. Log4j2 starts the appender of a
 * reloaded configuration before it stops the old one of the same name, and Micrometer hands a
 * second registration of an id the meter of the first: so a new binding removes the meters of
 * the one it replaces and registers its own, and closing a replaced binding removes nothing.
 */
final class MicrometerMeters implements AutoCloseable {

    /** Events dropped before the producer took them, tagged with {@code reason}. */
    static final String DROPPED_EVENTS = "firehose.appender.dropped.events";
    /** Events not sent by design (the appender's own work), see {@code LogShipper}. */
    static final String EXCLUDED_EVENTS = "firehose.appender.excluded.events";

    /** The binding that holds each appender name's meters. Guarded by itself. */
    private static final Map<String, MicrometerMeters> HOLDERS = new HashMap<>();

    private final String appender;
    private final MeterRegistry registry;
    private final FirehoseProducerMetrics producerMetrics;
    private final List<Meter> own = new ArrayList<>();
    /** Function counters hold what they read weakly: this keeps it for as long as the meters. */
    private final Supplier<ShipperStats> stats;

    private MicrometerMeters(String appender, MeterRegistry registry, FirehoseProducerMetrics producerMetrics,
            Supplier<ShipperStats> stats) {
        this.appender = appender;
        this.registry = registry;
        this.producerMetrics = producerMetrics;
        this.stats = stats;
    }

    static AutoCloseable bind(String appender, FirehoseProducer producer, Supplier<ShipperStats> stats) {
        synchronized (HOLDERS) {
            MicrometerMeters replaced = HOLDERS.remove(appender);
            if (replaced != null) {
                replaced.removeMeters();
            }
            MeterRegistry registry = Metrics.globalRegistry;
            Tags tags = Tags.of("appender", appender);
            FirehoseProducerMetrics producerMetrics = new FirehoseProducerMetrics(producer, tags);
            MicrometerMeters m = new MicrometerMeters(appender, registry, producerMetrics, stats);
            try {
                producerMetrics.bindTo(registry);
                m.dropped(tags, "buffer.full", ShipperStats::droppedBufferFull);
                m.dropped(tags, "too.large", ShipperStats::droppedTooLarge);
                m.dropped(tags, "other", ShipperStats::droppedOther);
                m.own.add(FunctionCounter.builder(EXCLUDED_EVENTS, m.stats, s -> s.get().excluded())
                        .description("Events the appender did not send because its own work logged them")
                        .baseUnit("events").tags(tags).register(registry));
            } catch (RuntimeException | LinkageError e) {
                // Registered halfway (a registry that refuses a meter): leave none of it behind.
                m.removeMeters();
                throw e;
            }
            HOLDERS.put(appender, m);
            return m;
        }
    }

    private void dropped(Tags tags, String reason, ToLongFunction<ShipperStats> count) {
        own.add(FunctionCounter.builder(DROPPED_EVENTS, stats, s -> count.applyAsLong(s.get()))
                .description("Log events the appender dropped instead of blocking the application or failing the"
                        + " logging call")
                .baseUnit("events").tags(tags.and("reason", reason)).register(registry));
    }

    /** Removes the meters, unless a newer binding of the same appender name took them over. */
    @Override
    public void close() {
        synchronized (HOLDERS) {
            if (HOLDERS.remove(appender, this)) {
                removeMeters();
            }
        }
    }

    /** Removes by id, so only while this binding holds its appender name's meters, and once. */
    private void removeMeters() {
        producerMetrics.close();
        own.forEach(registry::remove);
    }
}
