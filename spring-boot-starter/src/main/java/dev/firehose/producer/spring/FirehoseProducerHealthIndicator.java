package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.StreamStats;
import dev.firehose.producer.spring.internal.StreamOutcomes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The producer's health ({@code /actuator/health/firehose}). DOWN when
 * <ul>
 *   <li>records are failing for good: a stream's latest settled record failed (after its retries,
 *       or at once for an error that retrying cannot fix), within the failure window; the next
 *       record of that stream that is stored clears it; or</li>
 *   <li>the buffer has been full for longer than the threshold: the buffer, or one stream's share
 *       of it, held {@value #FULL_PERCENT}% or more of its records or bytes bound at every health check
 *       over that time (the time is measured from the first check that saw it full).</li>
 * </ul>
 * Otherwise UP. Details: buffered records and bytes, requests in flight, records failed by error
 * code since the start, and the failing streams or the full buffers.
 *
 * <p>Thread-safe. It listens to the producer from its construction; {@link #destroy()} detaches it.
 */
public class FirehoseProducerHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    /** The fill, in percent of a bound, at which a buffer counts as full. */
    public static final int FULL_PERCENT = 95;

    private final FirehoseProducer producer;
    private final ProducerConfig config;
    private final Duration bufferFullThreshold;
    private final Duration failureWindow;
    private final Clock clock;
    private final StreamOutcomes outcomes;
    // Since when the health checks have seen a full buffer; null while they see none.
    private final AtomicReference<Instant> fullSince = new AtomicReference<>();

    /**
     * An indicator listening to the producer.
     *
     * @param producer the producer, whose own settings give the buffer bounds
     * @param bufferFullThreshold how long the buffer may stay full
     * @param failureWindow how long a stream's failure keeps the producer DOWN
     * @param clock the time
     */
    public FirehoseProducerHealthIndicator(FirehoseProducer producer, Duration bufferFullThreshold, Duration failureWindow, Clock clock) {
        super("Firehose producer health check failed");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.config = Objects.requireNonNull(producer.config(), "producer.config()");
        this.bufferFullThreshold = Objects.requireNonNull(bufferFullThreshold, "bufferFullThreshold");
        this.failureWindow = Objects.requireNonNull(failureWindow, "failureWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.outcomes = new StreamOutcomes(clock);
        producer.addListener(outcomes);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ProducerStats stats = producer.stats();
        StreamStats total = stats.total();
        builder.withDetail("bufferedRecords", total.bufferedRecords())
                .withDetail("bufferedBytes", total.bufferedBytes())
                .withDetail("requestsInFlight", total.requestsInFlight())
                .withDetail("recordsFailedByCode", total.recordsFailedByCode());
        boolean down = false;
        Map<String, StreamOutcomes.Failing> failing = outcomes.failing(failureWindow);
        if (!failing.isEmpty()) {
            Map<String, String> codes = new LinkedHashMap<>();
            failing.forEach((stream, f) -> codes.put(stream, f.errorCode()));
            builder.withDetail("failingStreams", codes);
            down = true;
        }
        List<String> full = fullBuffers(stats);
        Instant now = clock.instant();
        if (full.isEmpty()) {
            fullSince.set(null);
        } else {
            fullSince.compareAndSet(null, now);
            Instant since = fullSince.get();
            builder.withDetail("fullBuffers", full);
            if (since != null) {
                builder.withDetail("fullSince", since.toString());
                if (Duration.between(since, now).compareTo(bufferFullThreshold) >= 0) {
                    down = true;
                }
            }
        }
        if (down) {
            builder.down();
        } else {
            builder.up();
        }
    }

    /** @return "*" if the whole buffer is full, and the streams whose share is full */
    private List<String> fullBuffers(ProducerStats stats) {
        List<String> full = new ArrayList<>();
        if (isFull(stats.total(), config.maxBufferedRecords(), config.maxBufferedBytes())) {
            full.add(stats.total().stream());
        }
        double share = config.maxStreamBufferShare();
        long streamRecords = Math.max((long) (share * config.maxBufferedRecords()), config.maxBatchRecords());
        long streamBytes = Math.max((long) (share * config.maxBufferedBytes()), config.maxBatchBytes());
        for (StreamStats s : stats.streams().values()) {
            if (isFull(s, streamRecords, streamBytes)) {
                full.add(s.stream());
            }
        }
        return full;
    }

    private static boolean isFull(StreamStats s, long maxRecords, long maxBytes) {
        return s.bufferedRecords() * 100 >= maxRecords * FULL_PERCENT || s.bufferedBytes() * 100 >= maxBytes * FULL_PERCENT;
    }

    /** Stops listening to the producer. */
    @Override
    public void destroy() {
        producer.removeListener(outcomes);
    }
}
