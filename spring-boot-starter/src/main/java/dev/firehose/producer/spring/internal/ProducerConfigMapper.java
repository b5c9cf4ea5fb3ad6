package dev.firehose.producer.spring.internal;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.spring.FirehoseProducerProperties;
import io.github.resilience4j.core.IntervalFunction;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link FirehoseProducerProperties} into a {@link ProducerConfig.Builder}. The builder's own
 * checks decide what is valid, so the properties accept exactly what the builder accepts; each
 * refusal is reported under the property's field name.
 */
public final class ProducerConfigMapper {

    private ProducerConfigMapper() {
    }

    /**
     * A builder with the properties applied.
     *
     * @param p the properties
     * @return the builder, for customizers to adjust
     * @throws IllegalArgumentException if a property is out of its range (validation reports it
     *     first, when the properties are bound)
     */
    public static ProducerConfig.Builder toBuilder(FirehoseProducerProperties p) {
        return apply(p, (field, e) -> {
            throw e;
        });
    }

    /**
     * Checks every property, and then the rules between them.
     *
     * @param p the properties
     * @param fieldError receives the field name (a bean path) and the message of each value refused
     * @param globalError receives the message of a conflict between settings
     */
    public static void validate(FirehoseProducerProperties p, BiConsumer<String, String> fieldError,
            Consumer<String> globalError) {
        boolean[] failed = {false};
        ProducerConfig.Builder builder = apply(p, (field, e) -> {
            failed[0] = true;
            fieldError.accept(field, e.getMessage());
        });
        if (p.getDeliveryStreamName() != null) {
            // The producer's builder holds the rule; checked here, a bad name is reported as a property.
            check(fieldError, failed, "deliveryStreamName",
                    () -> FirehoseProducer.builder().deliveryStreamName(p.getDeliveryStreamName()));
        }
        check(fieldError, failed, "client.endpoint", () -> httpUri("client.endpoint", p.getClient().getEndpoint()));
        check(fieldError, failed, "closeTimeout", () -> nonNegative("closeTimeout", p.getCloseTimeout()));
        check(fieldError, failed, "health.bufferFullThreshold",
                () -> positive("bufferFullThreshold", p.getHealth().getBufferFullThreshold()));
        check(fieldError, failed, "health.failureWindow",
                () -> positive("failureWindow", p.getHealth().getFailureWindow()));
        if (!failed[0]) {
            try {
                builder.build();
            } catch (IllegalArgumentException e) {
                globalError.accept(e.getMessage());
            }
        }
    }

    private static void check(BiConsumer<String, String> fieldError, boolean[] failed, String field, Runnable check) {
        try {
            check.run();
        } catch (RuntimeException e) {
            failed[0] = true;
            fieldError.accept(field, e.getMessage());
        }
    }

    private static ProducerConfig.Builder apply(FirehoseProducerProperties p,
            BiConsumer<String, RuntimeException> onError) {
        ProducerConfig.Builder b = ProducerConfig.builder();
        set(onError, "lingerTime", () -> b.lingerTime(p.getLingerTime()));
        set(onError, "maxBatchRecords", () -> b.maxBatchRecords(p.getMaxBatchRecords()));
        set(onError, "maxBatchBytes", () -> b.maxBatchBytes(intBytes("maxBatchBytes", p.getMaxBatchBytes())));
        set(onError, "maxInFlightRequestsPerStream",
                () -> b.maxInFlightRequestsPerStream(p.getMaxInFlightRequestsPerStream()));
        set(onError, "maxInFlightRequests", () -> b.maxInFlightRequests(p.getMaxInFlightRequests()));
        set(onError, "maxBufferedBytes", () -> b.maxBufferedBytes(bytes("maxBufferedBytes", p.getMaxBufferedBytes())));
        set(onError, "maxBufferedRecords", () -> b.maxBufferedRecords(p.getMaxBufferedRecords()));
        set(onError, "maxStreamBufferShare", () -> b.maxStreamBufferShare(p.getMaxStreamBufferShare()));
        set(onError, "streamIdleTimeout", () -> b.streamIdleTimeout(p.getStreamIdleTimeout()));
        set(onError, "bufferFullPolicy", () -> b.bufferFullPolicy(p.getBufferFullPolicy()));
        set(onError, "maxBlockTime", () -> b.maxBlockTime(p.getMaxBlockTime()));
        set(onError, "maxAttempts", () -> b.maxAttempts(p.getMaxAttempts()));
        set(onError, "deliveryTimeout", () -> b.deliveryTimeout(p.getDeliveryTimeout()));
        set(onError, "requestTimeout", () -> b.requestTimeout(p.getRequestTimeout()));
        b.adaptiveThrottling(p.isAdaptiveThrottling());
        set(onError, "recordsPerSecondLimit", () -> b.recordsPerSecondLimit(p.getRecordsPerSecondLimit()));
        set(onError, "bytesPerSecondLimit",
                () -> b.bytesPerSecondLimit(bytes("bytesPerSecondLimit", p.getBytesPerSecondLimit())));
        set(onError, "requestsPerSecondLimit", () -> b.requestsPerSecondLimit(p.getRequestsPerSecondLimit()));
        applyRetry(p.getRetry(), b, onError);
        set(onError, "packing", () -> b.packing(packing(p.getPacking(), onError)));
        return b;
    }

    private static void applyRetry(FirehoseProducerProperties.Retry r, ProducerConfig.Builder b,
            BiConsumer<String, RuntimeException> onError) {
        boolean defaults = Objects.equals(r.getInitialInterval(), ProducerConfig.DEFAULT_RETRY_INITIAL_INTERVAL)
                && r.getMultiplier() == ProducerConfig.DEFAULT_RETRY_MULTIPLIER
                && r.getRandomizationFactor() == ProducerConfig.DEFAULT_RETRY_RANDOMIZATION_FACTOR
                && Objects.equals(r.getMaxInterval(), ProducerConfig.DEFAULT_RETRY_MAX_INTERVAL);
        if (defaults) {
            return;     // keeps ProducerConfig.DEFAULT_RETRY_INTERVAL itself
        }
        boolean[] ok = {true};
        BiConsumer<String, RuntimeException> retryError = (field, e) -> {
            ok[0] = false;
            onError.accept(field, e);
        };
        set(retryError, "retry.initialInterval",
                () -> retryWait("retry.initialInterval", r.getInitialInterval()));
        set(retryError, "retry.maxInterval",
                () -> retryWait("retry.maxInterval", r.getMaxInterval()));
        set(retryError, "retry.multiplier", () -> {
            if (!(r.getMultiplier() >= 1.0)) {
                throw new IllegalArgumentException("retry.multiplier must be at least 1.0, was " + r.getMultiplier());
            }
        });
        set(retryError, "retry.randomizationFactor", () -> {
            if (!(r.getRandomizationFactor() >= 0 && r.getRandomizationFactor() <= 1)) {
                throw new IllegalArgumentException("retry.randomizationFactor must be between 0 and 1, was "
                        + r.getRandomizationFactor());
            }
        });
        if (ok[0]) {
            set(onError, "retry", () -> b.retryInterval(IntervalFunction.ofExponentialRandomBackoff(
                    r.getInitialInterval(), r.getMultiplier(), r.getRandomizationFactor(), r.getMaxInterval())));
        }
    }

    private static RecordPacking packing(FirehoseProducerProperties.Packing p,
            BiConsumer<String, RuntimeException> onError) {
        FirehoseProducerProperties.PackingMode mode = Objects.requireNonNull(p.getMode(), "packing.mode");
        if (p.getDelimiter() != null && mode != FirehoseProducerProperties.PackingMode.DELIMITED) {
            onError.accept("packing.delimiter", new IllegalArgumentException(
                    "packing.delimiter is only used with packing.mode DELIMITED, and mode is " + mode));
        }
        RecordPacking packing;
        switch (mode) {
            case NONE -> {
                if (p.isGzip() || p.getMaxRecords() != RecordPacking.DEFAULT_MAX_RECORDS
                        || p.getMaxBytes().toBytes() != RecordPacking.MAX_BYTES) {
                    onError.accept("packing.mode", new IllegalArgumentException(
                            "packing.gzip, packing.max-bytes and packing.max-records need a packing.mode other than"
                                    + " NONE"));
                }
                return RecordPacking.none();
            }
            case NEWLINE_DELIMITED -> packing = RecordPacking.newlineDelimited();
            case CONCATENATED -> packing = RecordPacking.concatenated();
            case DELIMITED -> {
                if (p.getDelimiter() == null) {
                    onError.accept("packing.delimiter", new IllegalArgumentException(
                            "packing.mode DELIMITED needs packing.delimiter"));
                    return RecordPacking.none();
                }
                try {
                    packing = RecordPacking.delimited(p.getDelimiter());
                } catch (IllegalArgumentException e) {
                    onError.accept("packing.delimiter", e);
                    return RecordPacking.none();
                }
            }
            default -> throw new IllegalStateException("unknown packing mode " + mode);
        }
        RecordPacking[] result = {packing};
        set(onError, "packing.maxBytes",
                () -> result[0] = result[0].maxBytes(intBytes("packing.maxBytes", p.getMaxBytes())));
        set(onError, "packing.maxRecords", () -> result[0] = result[0].maxRecords(p.getMaxRecords()));
        if (p.isGzip()) {
            set(onError, "packing.gzip", () -> result[0] = result[0].gzip());
        }
        return result[0];
    }

    private static void set(BiConsumer<String, RuntimeException> onError, String field, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
            onError.accept(field, e instanceof NullPointerException
                    ? new IllegalArgumentException(field + " must be set") : e);
        }
    }

    private static long bytes(String name, DataSize size) {
        return Objects.requireNonNull(size, name).toBytes();
    }

    private static int intBytes(String name, DataSize size) {
        long bytes = bytes(name, size);
        if (bytes > Integer.MAX_VALUE || bytes < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE + " bytes, was " + bytes);
        }
        return (int) bytes;
    }

    /** Null (the region's endpoint), or an absolute http(s) URI: "localhost:4573" would parse with scheme "localhost". */
    private static void httpUri(String name, URI uri) {
        if (uri == null) {
            return;
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException(name + " must be an absolute http or https URI with a host, such as"
                    + " https://firehose.eu-west-1.amazonaws.com or http://127.0.0.1:4573, was " + uri);
        }
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.compareTo(ProducerConfig.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be zero or more and at most " + ProducerConfig.MAX_DURATION
                    + ", was " + d);
        }
    }

    /**
     * Resilience4j's waits are whole milliseconds: under 1 ms its interval function throws, when it
     * is built (max) or at the first retry (initial), and a record that needed a retry would fail.
     */
    private static void retryWait(String name, Duration d) {
        nonNegative(name, d);
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1ms (retry waits are whole milliseconds), was "
                    + d);
        }
    }

    private static void positive(String name, Duration d) {
        nonNegative(name, d);
        if (d.isZero()) {
            throw new IllegalArgumentException(name + " must be more than zero, was " + d);
        }
    }
}
