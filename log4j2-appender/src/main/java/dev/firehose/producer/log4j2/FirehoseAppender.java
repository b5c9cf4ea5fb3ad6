package dev.firehose.producer.log4j2;

import dev.firehose.producer.appender.AppenderSettings;
import dev.firehose.producer.appender.LogShipper;
import dev.firehose.producer.appender.ShipperStats;
import dev.firehose.producer.appender.StatusReporter;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/**
 * A Log4j2 appender plugin, {@code <Firehose>}, that ships log events to an Amazon Data Firehose
 * delivery stream through a {@code FirehoseProducer}: each event is turned into bytes by the
 * appender's layout (for example {@code JsonTemplateLayout}) on the logging thread, then packed
 * with other events into newline-delimited Firehose records, batched and sent by the producer's
 * own threads, failed entries retried.
 *
 * <pre>{@code
 * <Firehose name="FIREHOSE" streamName="app-logs" region="eu-west-1">
 *   <JsonTemplateLayout eventTemplateUri="classpath:EcsLayout.json"/>
 * </Firehose>
 * }</pre>
 *
 * <p><b>Never blocks, never throws.</b> A full buffer drops the event at once (counted, and
 * reported through Log4j2's {@code StatusLogger} at most every ten seconds) unless
 * {@code maxBlockTime} allows a bounded wait. A logging call never sees an exception from the
 * appender. Configuration mistakes are reported through the {@code StatusLogger} and the appender
 * is not created.
 *
 * <p><b>No feedback loop.</b> Events of the producer, the AWS SDK, Netty, the Apache HTTP clients
 * and Resilience4j, events logged on the producer's threads, and events logged while an event is
 * being shipped are never sent by this appender (other appenders still get them); see
 * {@link LogShipper}.
 *
 * <p><b>Shutdown.</b> Stopping the appender (Log4j2's shutdown hook, or stopping the
 * {@code LoggerContext}) sends what is buffered, waits up to {@code closeTimeout} (or the stop's
 * own timeout, if shorter) and reports how many events were delivered and how many were not.
 *
 * <p>Attributes (see {@link AppenderSettings}): {@code name} and {@code streamName} (required),
 * {@code region}, {@code endpoint}, {@code packing}, {@code gzip}, {@code maxBufferedBytes},
 * {@code maxBufferedRecords}, {@code maxBlockTime}, {@code lingerTime}, {@code deliveryTimeout},
 * {@code closeTimeout}, {@code maxAttempts}, {@code maxInFlightRequests}, {@code metrics},
 * {@code excludeLoggers}, and Log4j2's {@code ignoreExceptions}; a layout is required, a filter
 * optional.
 *
 * <p>Thread-safe: Log4j2 calls it from any number of threads at once.
 */
@Plugin(name = "Firehose", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE, printObject = true)
public final class FirehoseAppender extends AbstractAppender {

    private final AppenderSettings.Resolved settings;
    private final Function<LogEvent, byte[]> encode;
    private volatile LogShipper shipper;

    private FirehoseAppender(String name, Filter filter, Layout<? extends Serializable> layout,
            boolean ignoreExceptions, Property[] properties, AppenderSettings.Resolved settings) {
        super(name, filter, layout, ignoreExceptions, properties);
        this.settings = settings;
        this.encode = layout::toByteArray;
    }

    /**
     * The builder Log4j2 fills from the configuration.
     *
     * @return a new builder
     */
    @PluginBuilderFactory
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Starts the producer; if it cannot be built (no region found, for example), reports it through
     * the {@code StatusLogger} and stays stopped.
     */
    @Override
    public void start() {
        try {
            shipper = LogShipper.start(getName(), settings, new Status());
        } catch (RuntimeException e) {
            LOGGER.error("Firehose appender {} not started: the Firehose producer could not be built: {}", getName(),
                    e.getMessage(), e);
            return;
        }
        super.start();
        LOGGER.debug("Firehose appender {} started: stream {}, {}", getName(), settings.streamName(),
                settings.producerConfig());
    }

    @Override
    public void append(LogEvent event) {
        LogShipper s = shipper;
        if (s != null) {
            s.ship(event, event.getLoggerName(), encode);
        }
    }

    /**
     * Stops taking events, sends what is buffered within {@code closeTimeout} (or {@code timeout},
     * if it is shorter and more than zero), and reports how many events were delivered and how
     * many were not.
     */
    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = super.stop(timeout, timeUnit, false);
        LogShipper s = shipper;
        if (s != null) {
            Duration wait = settings.closeTimeout();
            if (timeout > 0) {
                Duration given = Duration.ofNanos(timeUnit.toNanos(timeout));
                wait = given.compareTo(wait) < 0 ? given : wait;
            }
            s.close(wait);
        }
        setStopped();
        return stopped;
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

    /** Reports into Log4j2's {@code StatusLogger}, never into a logger of the configuration. */
    private static final class Status implements StatusReporter {
        @Override
        public void info(String message) {
            LOGGER.info(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            LOGGER.warn(message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            LOGGER.error(message, cause);
        }
    }

    /**
     * Builds the appender from the {@code <Firehose>} element; the attributes are those of
     * {@link AppenderSettings}.
     */
    public static final class Builder extends AbstractAppender.Builder<Builder>
            implements org.apache.logging.log4j.core.util.Builder<FirehoseAppender> {

        @PluginBuilderAttribute
        private String streamName;
        @PluginBuilderAttribute
        private String region;
        @PluginBuilderAttribute
        private String endpoint;
        @PluginBuilderAttribute
        private String packing = AppenderSettings.DEFAULT_PACKING;
        @PluginBuilderAttribute
        private boolean gzip;
        @PluginBuilderAttribute
        private String maxBufferedBytes = AppenderSettings.DEFAULT_MAX_BUFFERED_BYTES;
        @PluginBuilderAttribute
        private int maxBufferedRecords = AppenderSettings.DEFAULT_MAX_BUFFERED_RECORDS;
        @PluginBuilderAttribute
        private String maxBlockTime = AppenderSettings.DEFAULT_MAX_BLOCK_TIME;
        @PluginBuilderAttribute
        private String lingerTime = AppenderSettings.DEFAULT_LINGER_TIME;
        @PluginBuilderAttribute
        private String deliveryTimeout = AppenderSettings.DEFAULT_DELIVERY_TIMEOUT;
        @PluginBuilderAttribute
        private String closeTimeout = AppenderSettings.DEFAULT_CLOSE_TIMEOUT;
        @PluginBuilderAttribute
        private int maxAttempts = AppenderSettings.DEFAULT_MAX_ATTEMPTS;
        @PluginBuilderAttribute
        private int maxInFlightRequests = AppenderSettings.DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        @PluginBuilderAttribute
        private boolean metrics = true;
        @PluginBuilderAttribute
        private String excludeLoggers = "";

        private Builder() {
        }

        /**
         * @param streamName see {@link AppenderSettings#setStreamName(String)}
         * @return this builder
         */
        public Builder setStreamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * @param region see {@link AppenderSettings#setRegion(String)}
         * @return this builder
         */
        public Builder setRegion(String region) {
            this.region = region;
            return this;
        }

        /**
         * @param endpoint see {@link AppenderSettings#setEndpoint(String)}
         * @return this builder
         */
        public Builder setEndpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * @param packing see {@link AppenderSettings#setPacking(String)}
         * @return this builder
         */
        public Builder setPacking(String packing) {
            this.packing = packing;
            return this;
        }

        /**
         * @param gzip see {@link AppenderSettings#setGzip(boolean)}
         * @return this builder
         */
        public Builder setGzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /**
         * @param maxBufferedBytes see {@link AppenderSettings#setMaxBufferedBytes(String)}
         * @return this builder
         */
        public Builder setMaxBufferedBytes(String maxBufferedBytes) {
            this.maxBufferedBytes = maxBufferedBytes;
            return this;
        }

        /**
         * @param maxBufferedRecords see {@link AppenderSettings#setMaxBufferedRecords(int)}
         * @return this builder
         */
        public Builder setMaxBufferedRecords(int maxBufferedRecords) {
            this.maxBufferedRecords = maxBufferedRecords;
            return this;
        }

        /**
         * @param maxBlockTime see {@link AppenderSettings#setMaxBlockTime(String)}
         * @return this builder
         */
        public Builder setMaxBlockTime(String maxBlockTime) {
            this.maxBlockTime = maxBlockTime;
            return this;
        }

        /**
         * @param lingerTime see {@link AppenderSettings#setLingerTime(String)}
         * @return this builder
         */
        public Builder setLingerTime(String lingerTime) {
            this.lingerTime = lingerTime;
            return this;
        }

        /**
         * @param deliveryTimeout see {@link AppenderSettings#setDeliveryTimeout(String)}
         * @return this builder
         */
        public Builder setDeliveryTimeout(String deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
            return this;
        }

        /**
         * @param closeTimeout see {@link AppenderSettings#setCloseTimeout(String)}
         * @return this builder
         */
        public Builder setCloseTimeout(String closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * @param maxAttempts see {@link AppenderSettings#setMaxAttempts(int)}
         * @return this builder
         */
        public Builder setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param maxInFlightRequests see {@link AppenderSettings#setMaxInFlightRequests(int)}
         * @return this builder
         */
        public Builder setMaxInFlightRequests(int maxInFlightRequests) {
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        /**
         * @param metrics see {@link AppenderSettings#setMetrics(boolean)}
         * @return this builder
         */
        public Builder setMetrics(boolean metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * @param excludeLoggers see {@link AppenderSettings#setExcludeLoggers(String)}
         * @return this builder
         */
        public Builder setExcludeLoggers(String excludeLoggers) {
            this.excludeLoggers = excludeLoggers;
            return this;
        }

        /**
         * Checks the settings; on a mistake, reports every one through the {@code StatusLogger}
         * and returns null, so that Log4j2 leaves the appender out.
         *
         * @return the appender, not started, or null
         */
        @Override
        public FirehoseAppender build() {
            String name = getName();
            Layout<? extends Serializable> layout = getLayout();
            AppenderSettings s = new AppenderSettings();
            s.setStreamName(streamName);
            s.setRegion(region);
            s.setEndpoint(endpoint);
            s.setPacking(packing);
            s.setGzip(gzip);
            s.setMaxBufferedBytes(maxBufferedBytes);
            s.setMaxBufferedRecords(maxBufferedRecords);
            s.setMaxBlockTime(maxBlockTime);
            s.setLingerTime(lingerTime);
            s.setDeliveryTimeout(deliveryTimeout);
            s.setCloseTimeout(closeTimeout);
            s.setMaxAttempts(maxAttempts);
            s.setMaxInFlightRequests(maxInFlightRequests);
            s.setMetrics(metrics);
            s.setExcludeLoggers(excludeLoggers);
            AppenderSettings.Resolved resolved = null;
            String problems = "";
            try {
                resolved = s.resolve();
            } catch (IllegalArgumentException e) {
                problems = e.getMessage();
            }
            if (name == null || name.isBlank()) {
                problems = join(problems, "name is required");
            }
            if (layout == null) {
                problems = join(problems, "a layout is required, for example <JsonTemplateLayout"
                        + " eventTemplateUri=\"classpath:EcsLayout.json\"/>");
            }
            if (!problems.isEmpty()) {
                LOGGER.error("Firehose appender {} not created: {}", name, problems);
                return null;
            }
            return new FirehoseAppender(name, getFilter(), layout, isIgnoreExceptions(), getPropertyArray(), resolved);
        }

        private static String join(String a, String b) {
            return a.isEmpty() ? b : a + "; " + b;
        }
    }
}
