package dev.firehose.producer.appender.internal;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.appender.ShipperStats;
import dev.firehose.producer.appender.StatusReporter;
import java.util.function.Supplier;

/**
 * Registers a shipper's meters when Micrometer and {@code firehose-producer-metrics} are on the
 * class path; without Micrometer, does nothing; with Micrometer alone, says (once per appender
 * start) that the meters need {@code firehose-producer-metrics}. The classes that name Micrometer
 * are loaded only once both are found.
 */
public final class MeterBinding {

    /** A binding that registered nothing. */
    public static final AutoCloseable NONE = () -> { };

    private static final String MICROMETER = "io.micrometer.core.instrument.Metrics";
    private static final String PRODUCER_METRICS = "dev.firehose.producer.metrics.FirehoseProducerMetrics";

    private MeterBinding() {
    }

    /**
     * @param appender the appender's name, the {@code appender} tag
     * @param producer the shipper's producer
     * @param stats the shipper's counts
     * @param status where to report a failure to register
     * @return what removes the meters again
     */
    public static AutoCloseable bindIfPresent(String appender, FirehoseProducer producer, Supplier<ShipperStats> stats,
            StatusReporter status) {
        if (!present(MICROMETER)) {
            return NONE;
        }
        if (!present(PRODUCER_METRICS)) {
            try {
                status.warn("Firehose appender " + appender + ": Micrometer is on the class path but"
                        + " firehose-producer-metrics is not; add it to get the appender's meters", null);
            } catch (RuntimeException ignored) {
                // A status system that throws must not stop the appender from starting.
            }
            return NONE;
        }
        try {
            return MicrometerMeters.bind(appender, producer, stats);
        } catch (RuntimeException | LinkageError e) {
            try {
                status.warn("Firehose appender " + appender + ": the meters could not be registered with Micrometer", e);
            } catch (RuntimeException ignored) {
                // A status system that throws must not stop the appender from starting.
            }
            return NONE;
        }
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, MeterBinding.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
