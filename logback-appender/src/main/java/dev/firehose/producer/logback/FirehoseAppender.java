package dev.firehose.producer.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.firehose.producer.appender.AppenderSettings;
import dev.firehose.producer.appender.LogShipper;
import dev.firehose.producer.appender.ShipperStats;
import dev.firehose.producer.appender.StatusReporter;
import java.util.function.Function;

/**
 * A Logback appender that ships log events to an Amazon Data Firehose delivery stream through a
 * {@code FirehoseProducer}: each event is encoded by the appender's {@code <encoder>} (for
 * example Logback's {@code JsonEncoder}, or a pattern) on the logging thread, then packed with
 * other events into newline-delimited Firehose records, batched and sent by the producer's own
 * threads, failed entries retried.
 *
 * <pre>{@code
 * <appender name="FIREHOSE" class="dev.firehose.producer.logback.FirehoseAppender">
 *   <streamName>app-logs</streamName>
 *   <region>eu-west-1</region>
 *   <encoder class="ch.qos.logback.classic.encoder.JsonEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p><b>Never blocks, never throws.</b> A full buffer drops the event at once (counted, and
 * reported through Logback's status system at most every ten seconds) unless
 * {@code maxBlockTime} allows a bounded wait. A logging call never sees an exception from the
 * appender. Configuration mistakes are reported through the status system when the appender
 * starts, and the appender then stays stopped.
 *
 * <p><b>No feedback loop.</b> Events of the producer, the AWS SDK, Netty, the Apache HTTP clients
 * and Resilience4j, events logged on the producer's threads, and events logged while an event is
 * being shipped are never sent by this appender (other appenders still get them); see
 * {@link LogShipper}.
 *
 * <p><b>Shutdown.</b> Stopping the appender (Logback's {@code <shutdownHook/>}, or stopping the
 * {@code LoggerContext}) sends what is buffered, waits up to {@code closeTimeout} and reports how
 * many events were delivered and how many were not.
 *
 * <p>Settings (each an element of the appender, see {@link AppenderSettings}): {@code streamName}
 * (required), {@code region}, {@code endpoint}, {@code packing}, {@code gzip},
 * {@code maxBufferedBytes}, {@code maxBufferedRecords}, {@code maxBlockTime}, {@code lingerTime},
 * {@code deliveryTimeout}, {@code closeTimeout}, {@code maxAttempts}, {@code maxInFlightRequests},
 * {@code metrics}, {@code excludeLoggers}.
 *
 * <p>Thread-safe: Logback calls it from any number of threads at once, without a lock.
 */
public class FirehoseAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final AppenderSettings settings = new AppenderSettings();
    private Encoder<ILoggingEvent> encoder;
    private Function<ILoggingEvent, byte[]> encode;
    private volatile LogShipper shipper;

    /** Creates an appender; Logback sets it up from the configuration. */
    public FirehoseAppender() {
    }

    /**
     * Turns each event into the bytes of one record. Required.
     *
     * @param encoder for example {@code ch.qos.logback.classic.encoder.JsonEncoder}
     */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** @return the encoder, or null */
    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /**
     * @param streamName the delivery stream; see {@link AppenderSettings#setStreamName(String)}
     */
    public void setStreamName(String streamName) {
        settings.setStreamName(streamName);
    }

    /**
     * @param region the AWS region; see {@link AppenderSettings#setRegion(String)}
     */
    public void setRegion(String region) {
        settings.setRegion(region);
    }

    /**
     * @param endpoint an endpoint URI; see {@link AppenderSettings#setEndpoint(String)}
     */
    public void setEndpoint(String endpoint) {
        settings.setEndpoint(endpoint);
    }

    /**
     * @param packing newline, concatenated or none; see {@link AppenderSettings#setPacking(String)}
     */
    public void setPacking(String packing) {
        settings.setPacking(packing);
    }

    /**
     * @param gzip whether to compress packed records; see {@link AppenderSettings#setGzip(boolean)}
     */
    public void setGzip(boolean gzip) {
        settings.setGzip(gzip);
    }

    /**
     * @param maxBufferedBytes a size; see {@link AppenderSettings#setMaxBufferedBytes(String)}
     */
    public void setMaxBufferedBytes(String maxBufferedBytes) {
        settings.setMaxBufferedBytes(maxBufferedBytes);
    }

    /**
     * @param maxBufferedRecords a count; see {@link AppenderSettings#setMaxBufferedRecords(int)}
     */
    public void setMaxBufferedRecords(int maxBufferedRecords) {
        settings.setMaxBufferedRecords(maxBufferedRecords);
    }

    /**
     * @param maxBlockTime a duration; see {@link AppenderSettings#setMaxBlockTime(String)}
     */
    public void setMaxBlockTime(String maxBlockTime) {
        settings.setMaxBlockTime(maxBlockTime);
    }

    /**
     * @param lingerTime a duration; see {@link AppenderSettings#setLingerTime(String)}
     */
    public void setLingerTime(String lingerTime) {
        settings.setLingerTime(lingerTime);
    }

    /**
     * @param deliveryTimeout a duration; see {@link AppenderSettings#setDeliveryTimeout(String)}
     */
    public void setDeliveryTimeout(String deliveryTimeout) {
        settings.setDeliveryTimeout(deliveryTimeout);
    }

    /**
     * @param closeTimeout a duration; see {@link AppenderSettings#setCloseTimeout(String)}
     */
    public void setCloseTimeout(String closeTimeout) {
        settings.setCloseTimeout(closeTimeout);
    }

    /**
     * @param maxAttempts attempts per record; see {@link AppenderSettings#setMaxAttempts(int)}
     */
    public void setMaxAttempts(int maxAttempts) {
        settings.setMaxAttempts(maxAttempts);
    }

    /**
     * @param maxInFlightRequests requests at once; see {@link AppenderSettings#setMaxInFlightRequests(int)}
     */
    public void setMaxInFlightRequests(int maxInFlightRequests) {
        settings.setMaxInFlightRequests(maxInFlightRequests);
    }

    /**
     * @param metrics whether to register meters; see {@link AppenderSettings#setMetrics(boolean)}
     */
    public void setMetrics(boolean metrics) {
        settings.setMetrics(metrics);
    }

    /**
     * @param excludeLoggers more logger prefixes never sent; see {@link AppenderSettings#setExcludeLoggers(String)}
     */
    public void setExcludeLoggers(String excludeLoggers) {
        settings.setExcludeLoggers(excludeLoggers);
    }

    /**
     * Checks the settings and starts the producer; on a mistake, reports it through the status
     * system and stays stopped.
     */
    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        String appender = "Firehose appender " + getName();
        AppenderSettings.Resolved resolved;
        try {
            resolved = settings.resolve();
        } catch (IllegalArgumentException e) {
            addError(appender + " not started: " + e.getMessage());
            resolved = null;
        }
        if (encoder == null) {
            addError(appender + " not started: no encoder; add one, for example <encoder"
                    + " class=\"ch.qos.logback.classic.encoder.JsonEncoder\"/>");
        }
        if (resolved == null || encoder == null) {
            return;
        }
        try {
            Encoder<ILoggingEvent> e = encoder;
            encode = e::encode;
            shipper = LogShipper.start(getName(), resolved, new Status());
        } catch (RuntimeException e) {
            addError(appender + " not started: the Firehose producer could not be built: " + e.getMessage(), e);
            return;
        }
        super.start();
        addInfo(appender + " started: stream " + resolved.streamName() + ", " + resolved.producerConfig());
    }

    @Override
    protected void append(ILoggingEvent event) {
        LogShipper s = shipper;
        if (s != null) {
            s.ship(event, event.getLoggerName(), encode);
        }
    }

    /**
     * Stops taking events, sends what is buffered within {@code closeTimeout}, and reports how many
     * events were delivered and how many were not.
     */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LogShipper s = shipper;
        if (s != null) {
            s.close();
        }
    }

    /**
     * What the appender did with the events it was given.
     *
     * @return the counts, or null if the appender never started
     */
    public ShipperStats stats() {
        LogShipper s = shipper;
        return s == null ? null : s.stats();
    }

    /** Reports into Logback's status manager, never into a logger. */
    private final class Status implements StatusReporter {
        @Override
        public void info(String message) {
            addInfo(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            addWarn(message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            addError(message, cause);
        }
    }
}
