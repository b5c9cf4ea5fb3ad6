package dev.firehose.producer.appender;

import dev.firehose.producer.BufferFullException;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import dev.firehose.producer.RecordTooLargeException;
import dev.firehose.producer.RequestCompletedEvent;
import dev.firehose.producer.StreamStats;
import dev.firehose.producer.appender.internal.LoggerExclusions;
import dev.firehose.producer.appender.internal.MeterBinding;
import dev.firehose.producer.appender.internal.ReportGate;
import dev.firehose.producer.appender.internal.ThreadRole;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Puts a logging framework's encoded events into a {@link FirehoseProducer} for an appender:
 * never blocking the logging thread longer than the configured {@code maxBlockTime} (by default
 * not at all: a full buffer drops the event), never sending what its own work logs, and, when
 * closed, sending what is buffered within a timeout and reporting what could not be delivered.
 *
 * <p><b>No feedback loop.</b> An event is not sent, and counted as excluded, when its logger's
 * name starts with one of {@link #ALWAYS_EXCLUDED_LOGGERS} (the producer, the AWS SDK, Netty, the
 * Apache HTTP clients, Resilience4j) or of the appender's own exclusions, when it is logged on one
 * of a shipper's producer threads, or when it is logged while the same thread is already encoding
 * or putting an event. Those events still reach the framework's other appenders.
 *
 * <p><b>Reports</b> go to a {@link StatusReporter}, the framework's status system, never to a
 * logger: dropped events and failed deliveries at most once per {@link #REPORT_INTERVAL} each, with
 * their counts, and a summary when the shipper closes.
 *
 * <p>Thread-safe: {@link #ship} may be called from any number of threads at once.
 */
public final class LogShipper implements AutoCloseable {

    /**
     * Logger name prefixes whose events are never sent, whatever the settings: the loggers of the
     * work that sending an event does.
     */
    public static final List<String> ALWAYS_EXCLUDED_LOGGERS = List.of("dev.firehose.producer",
            "software.amazon.awssdk", "io.netty", "org.apache.hc", "org.apache.http", "io.github.resilience4j");

    /** The least time between two reports of the same kind (dropped events, failed deliveries): 10 s. */
    public static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

    private final String name;
    /** How reports name the appender. */
    private final String label;
    private final FirehoseProducer producer;
    private final StatusReporter status;
    private final Duration closeTimeout;
    private final LoggerExclusions exclusions;
    private final AutoCloseable meters;

    private final LongAdder droppedBufferFull = new LongAdder();
    private final LongAdder droppedTooLarge = new LongAdder();
    private final LongAdder droppedOther = new LongAdder();
    private final LongAdder excluded = new LongAdder();
    private final ReportGate dropGate;
    private final ReportGate failureGate;
    /** Dropped events as of the last drop report; written by the thread that opened the gate. */
    private final AtomicLong droppedReported = new AtomicLong();
    private final LongAdder failedSinceReport = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ShipperStats finalStats;

    private LogShipper(String name, FirehoseProducer producer, StatusReporter status, Duration closeTimeout,
            List<String> excludedLoggers, boolean metrics, LongSupplier nanoClock) {
        this.name = name;
        this.label = "Firehose appender " + name;
        this.producer = producer;
        this.status = status;
        this.closeTimeout = closeTimeout;
        this.exclusions = new LoggerExclusions(excludedLoggers);
        this.dropGate = new ReportGate(REPORT_INTERVAL, nanoClock);
        this.failureGate = new ReportGate(REPORT_INTERVAL, nanoClock);
        producer.addListener(new Listener());
        this.meters = metrics ? MeterBinding.bindIfPresent(name, producer, this::stats, status) : MeterBinding.NONE;
    }

    /**
     * Builds the producer from the settings and starts shipping.
     *
     * @param name the appender's name, in reports and in the meters' {@code appender} tag
     * @param settings the checked settings
     * @param status where to report
     * @return a started shipper
     * @throws dev.firehose.producer.FirehoseProducerException if the producer cannot build its
     *     client (for example, no region is configured or found)
     */
    public static LogShipper start(String name, AppenderSettings.Resolved settings, StatusReporter status) {
        FirehoseProducer producer = FirehoseProducer.builder()
                .deliveryStreamName(settings.streamName())
                .config(settings.producerConfig())
                .clientCustomizer(settings.clientCustomizer())
                .build();
        try {
            return new LogShipper(name, producer, status, settings.closeTimeout(), settings.excludedLoggers(),
                    settings.metrics(), System::nanoTime);
        } catch (RuntimeException | Error e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * A shipper around a producer the caller built (its default stream is where events go); the
     * shipper closes it.
     *
     * @param name the appender's name
     * @param producer the producer, with a default stream
     * @param status where to report
     * @param closeTimeout how long {@link #close()} waits for buffered events
     * @param excludedLoggers logger name prefixes whose events are never sent (for example
     *     {@link #ALWAYS_EXCLUDED_LOGGERS})
     * @param metrics whether to register meters with Micrometer's global registry, if present
     * @param nanoClock the time for the report intervals, as {@link System#nanoTime()}
     * @return a shipper
     */
    public static LogShipper of(String name, FirehoseProducer producer, StatusReporter status, Duration closeTimeout,
            List<String> excludedLoggers, boolean metrics, LongSupplier nanoClock) {
        return new LogShipper(Objects.requireNonNull(name, "name"), Objects.requireNonNull(producer, "producer"),
                Objects.requireNonNull(status, "status"), Objects.requireNonNull(closeTimeout, "closeTimeout"),
                List.copyOf(excludedLoggers), metrics, Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    /**
     * Encodes an event on the calling thread and puts it, unless it is excluded. Never throws:
     * whatever goes wrong is counted and reported, an encoder's {@link LinkageError},
     * {@link StackOverflowError} or {@link AssertionError} included (only the JVM's own failures,
     * such as {@link OutOfMemoryError}, pass through).
     *
     * @param event the framework's event
     * @param loggerName the name of the logger the event was logged with
     * @param encoder turns the event into the bytes of one record (the layout or encoder); the
     *     array is handed over to the producer and must not be reused
     * @param <E> the framework's event type
     */
    public <E> void ship(E event, String loggerName, Function<? super E, byte[]> encoder) {
        ThreadRole role = ThreadRole.current();
        if (role.producerThread || role.shipping || exclusions.excludes(loggerName)) {
            excluded.increment();
            return;
        }
        if (closed.get()) {
            drop(droppedOther, null);
            return;
        }
        role.shipping = true;
        try {
            byte[] data;
            try {
                data = encoder.apply(event);
            } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError e) {
                // A layout with a bug, or one that misses a class at run time: that event only. The
                // errors of the JVM itself (out of memory) are not the appender's to hide.
                drop(droppedOther, e);
                return;
            }
            if (data == null) {
                drop(droppedOther, null);
                return;
            }
            producer.putOwned(data);
        } catch (BufferFullException e) {
            drop(droppedBufferFull, e);
        } catch (RecordTooLargeException e) {
            drop(droppedTooLarge, e);
        } catch (RuntimeException e) {
            // PutAfterCloseException while closing, PutInterruptedException (the flag stays set), or
            // anything unforeseen: never the application's problem.
            drop(droppedOther, e);
        } finally {
            role.shipping = false;
        }
    }

    /** @return the counts so far; see {@link ShipperStats} for when they balance */
    public ShipperStats stats() {
        ShipperStats done = finalStats;
        return done != null ? done : snapshot();
    }

    private ShipperStats snapshot() {
        ProducerStats p = producer.stats();
        StreamStats t = p.total();
        return new ShipperStats(t.recordsPut(), t.recordsAcknowledged(), t.recordsFailed(), droppedBufferFull.sum(),
                droppedTooLarge.sum(), droppedOther.sum(), excluded.sum(), p);
    }

    /** Closes with the close timeout of the settings. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops taking events (later ones are dropped), sends what is buffered and waits up to
     * {@code timeout} for it to be delivered (plus {@link FirehoseProducer#CLOSE_MARGIN} at most),
     * then counts what is still pending as failed, removes the meters and reports a summary.
     * Closing again returns the same stats.
     *
     * @param timeout how long to wait for buffered events
     * @return the final counts: {@code accepted == delivered + failed}
     */
    public ShipperStats close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return stats();
        }
        long start = System.nanoTime();
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            quietly(() -> status.error(label + ": closing the Firehose producer failed", e));
        }
        try {
            meters.close();
        } catch (Exception e) {
            quietly(() -> status.warn(label + ": removing the meters failed", e));
        }
        ShipperStats s = snapshot();
        finalStats = s;
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        Long atClose = s.producer().total().recordsFailedByCode().get(RecordFailedException.PRODUCER_CLOSED);
        String summary = String.format("%s: stopped in %,d ms: %,d events delivered, %,d not delivered (%,d still"
                + " pending when the %s close timeout ran out), %,d dropped (buffer full %,d, too large %,d, other %,d),"
                + " %,d excluded", label, ms, s.delivered(), s.failed(), atClose == null ? 0 : atClose, timeout,
                s.dropped(), s.droppedBufferFull(), s.droppedTooLarge(), s.droppedOther(), s.excluded());
        quietly(() -> {
            if (s.failed() == 0 && s.dropped() == 0) {
                status.info(summary);
            } else {
                status.warn(summary, null);
            }
        });
        return s;
    }

    /** Reports without letting a status system that throws reach a logging call or a stop. */
    private static void quietly(Runnable report) {
        try {
            report.run();
        } catch (RuntimeException e) {
            // Nowhere left to report it: the status system is where reports go.
        }
    }

    private void drop(LongAdder reason, Throwable cause) {
        reason.increment();
        if (!dropGate.tryOpen()) {
            return;
        }
        long full = droppedBufferFull.sum();
        long large = droppedTooLarge.sum();
        long other = droppedOther.sum();
        long all = full + large + other;
        long since = all - droppedReported.getAndSet(all);
        quietly(() -> status.warn(String.format("%s: dropped %,d events since the last report, %,d in all (buffer"
                + " full %,d, too large %,d, other %,d)%s", label, since, all, full, large, other,
                cause == null ? "" : "; the last: " + cause.getMessage()), cause));
    }

    /** Runs on the producer's threads (and on the thread that closes it). */
    private final class Listener implements ProducerListener {

        @Override
        public void onRequestCompleted(RequestCompletedEvent event) {
            ThreadRole.markProducerThread();
        }

        @Override
        public void onRecordsRetried(String stream, int records) {
            ThreadRole.markProducerThread();
        }

        @Override
        public void onRecordSettled(RecordSettledEvent event) {
            ThreadRole.markProducerThread();
            if (event.success()) {
                return;
            }
            failedSinceReport.increment();
            if (failureGate.tryOpen()) {
                long since = failedSinceReport.sumThenReset();
                quietly(() -> status.warn(String.format("%s: %,d events could not be delivered to %s since the last"
                        + " report (the last: %s after %d attempts)", label, since, event.stream(), event.errorCode(),
                        event.attempts()), null));
            }
        }
    }
}
