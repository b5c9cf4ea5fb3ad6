package dev.firehose.producer.spring;

import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.spring.internal.ProducerConfigMapper;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The settings of the auto-configured {@code FirehoseProducer}, under {@code firehose.producer}.
 * Every setting of {@code ProducerConfig} has a property here with the same default; durations
 * take Boot's forms ({@code 100ms}, {@code 2m}), sizes Boot's {@code DataSize} forms ({@code 4MB}
 * is 4 MiB). The properties validate themselves when they are bound: a value out of its range
 * stops the application at startup, and Boot's failure analysis names the property, the value and
 * the range.
 */
@ConfigurationProperties(prefix = "firehose.producer")
public class FirehoseProducerProperties implements Validator {

    /** The stream that put(data) sends to; without it only put(stream, data) may be used. */
    private String deliveryStreamName;

    /** How long a batch that is not full waits for more records before it is sent. */
    private Duration lingerTime = Duration.ofMillis(100);

    /** The most records per PutRecordBatch request, 1 to 500. */
    private int maxBatchRecords = 500;

    /** The most record data per PutRecordBatch request, 1,024,000 bytes to 4MB. */
    private DataSize maxBatchBytes = DataSize.ofMegabytes(4);

    /** The most requests in flight per stream, 1 to 1,000; throttling lowers it while it lasts. */
    private int maxInFlightRequestsPerStream = 10;

    /** The most requests in flight across all streams, 1 to 10,000. */
    private int maxInFlightRequests = 50;

    /** The bound on record data accepted and not yet settled, in flight included; at least max-batch-bytes. */
    private DataSize maxBufferedBytes = DataSize.ofMegabytes(32);

    /** The bound on records accepted and not yet settled, in flight included; at least max-batch-records. */
    private int maxBufferedRecords = 20_000;

    /** The share of both buffer bounds one stream may hold, more than 0 and at most 1. */
    private double maxStreamBufferShare = 0.25;

    /** How long a stream with nothing buffered keeps its state (its counts stay in the totals). */
    private Duration streamIdleTimeout = Duration.ofMinutes(5);

    /** What put does when the buffer is full: BLOCK (wait up to max-block-time) or FAIL (throw at once). */
    private BufferFullPolicy bufferFullPolicy = BufferFullPolicy.BLOCK;

    /** The longest a put waits for room under the BLOCK policy. */
    private Duration maxBlockTime = Duration.ofSeconds(60);

    /** Attempts per record, the first included; not used when a Resilience4j Retry is taken from the registry. */
    private int maxAttempts = 10;

    /** The longest time from put to a record's outcome, retries included; longer than linger-time. */
    private Duration deliveryTimeout = Duration.ofMinutes(2);

    /** The longest time of one PutRecordBatch request (the SDK's API call timeout). */
    private Duration requestTimeout = Duration.ofSeconds(30);

    /** Whether "Slow down." lowers the stream's requests in flight and rate, and success raises them back. */
    private boolean adaptiveThrottling = true;

    /** A static records/s limit per stream, 0 for none. */
    private long recordsPerSecondLimit = 0;

    /** A static limit of record data per second and stream, 0 for none. */
    private DataSize bytesPerSecondLimit = DataSize.ofBytes(0);

    /** A static requests/s limit per stream, 0 for none. */
    private long requestsPerSecondLimit = 0;

    /**
     * How long the application's shutdown waits for buffered records to settle before it fails the
     * rest; closing may take up to one second more.
     */
    private Duration closeTimeout = Duration.ofSeconds(30);

    private final Retry retry = new Retry();

    private final Packing packing = new Packing();

    private final Client client = new Client();

    private final Health health = new Health();

    @Override
    public boolean supports(Class<?> type) {
        return FirehoseProducerProperties.class.isAssignableFrom(type);
    }

    /**
     * Checks every setting the way {@code ProducerConfig}'s builder does, and the rules between
     * them: each value out of range is rejected under its own property, a conflict between
     * settings under the whole prefix.
     *
     * @param target these properties
     * @param errors where the rejections go
     */
    @Override
    public void validate(Object target, Errors errors) {
        ProducerConfigMapper.validate((FirehoseProducerProperties) target,
                (field, message) -> errors.rejectValue(field, "firehose.producer.invalid", message),
                message -> errors.reject("firehose.producer.invalid", message));
    }

    /** @return the default stream, or null */
    public String getDeliveryStreamName() {
        return deliveryStreamName;
    }

    /** @param deliveryStreamName the default stream */
    public void setDeliveryStreamName(String deliveryStreamName) {
        this.deliveryStreamName = deliveryStreamName;
    }

    /** @return the linger time */
    public Duration getLingerTime() {
        return lingerTime;
    }

    /** @param lingerTime the linger time */
    public void setLingerTime(Duration lingerTime) {
        this.lingerTime = lingerTime;
    }

    /** @return records per request */
    public int getMaxBatchRecords() {
        return maxBatchRecords;
    }

    /** @param maxBatchRecords records per request */
    public void setMaxBatchRecords(int maxBatchRecords) {
        this.maxBatchRecords = maxBatchRecords;
    }

    /** @return record data per request */
    public DataSize getMaxBatchBytes() {
        return maxBatchBytes;
    }

    /** @param maxBatchBytes record data per request */
    public void setMaxBatchBytes(DataSize maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    /** @return requests in flight per stream */
    public int getMaxInFlightRequestsPerStream() {
        return maxInFlightRequestsPerStream;
    }

    /** @param maxInFlightRequestsPerStream requests in flight per stream */
    public void setMaxInFlightRequestsPerStream(int maxInFlightRequestsPerStream) {
        this.maxInFlightRequestsPerStream = maxInFlightRequestsPerStream;
    }

    /** @return requests in flight across streams */
    public int getMaxInFlightRequests() {
        return maxInFlightRequests;
    }

    /** @param maxInFlightRequests requests in flight across streams */
    public void setMaxInFlightRequests(int maxInFlightRequests) {
        this.maxInFlightRequests = maxInFlightRequests;
    }

    /** @return the buffer's bound in bytes */
    public DataSize getMaxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** @param maxBufferedBytes the buffer's bound in bytes */
    public void setMaxBufferedBytes(DataSize maxBufferedBytes) {
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** @return the buffer's bound in records */
    public int getMaxBufferedRecords() {
        return maxBufferedRecords;
    }

    /** @param maxBufferedRecords the buffer's bound in records */
    public void setMaxBufferedRecords(int maxBufferedRecords) {
        this.maxBufferedRecords = maxBufferedRecords;
    }

    /** @return one stream's share of the buffer */
    public double getMaxStreamBufferShare() {
        return maxStreamBufferShare;
    }

    /** @param maxStreamBufferShare one stream's share of the buffer */
    public void setMaxStreamBufferShare(double maxStreamBufferShare) {
        this.maxStreamBufferShare = maxStreamBufferShare;
    }

    /** @return how long an idle stream keeps its state */
    public Duration getStreamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** @param streamIdleTimeout how long an idle stream keeps its state */
    public void setStreamIdleTimeout(Duration streamIdleTimeout) {
        this.streamIdleTimeout = streamIdleTimeout;
    }

    /** @return what put does when the buffer is full */
    public BufferFullPolicy getBufferFullPolicy() {
        return bufferFullPolicy;
    }

    /** @param bufferFullPolicy what put does when the buffer is full */
    public void setBufferFullPolicy(BufferFullPolicy bufferFullPolicy) {
        this.bufferFullPolicy = bufferFullPolicy;
    }

    /** @return the longest wait of a blocked put */
    public Duration getMaxBlockTime() {
        return maxBlockTime;
    }

    /** @param maxBlockTime the longest wait of a blocked put */
    public void setMaxBlockTime(Duration maxBlockTime) {
        this.maxBlockTime = maxBlockTime;
    }

    /** @return attempts per record */
    public int getMaxAttempts() {
        return maxAttempts;
    }

    /** @param maxAttempts attempts per record */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** @return the delivery timeout */
    public Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    /** @param deliveryTimeout the delivery timeout */
    public void setDeliveryTimeout(Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    /** @return the request timeout */
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    /** @param requestTimeout the request timeout */
    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** @return whether throttling adapts the rate */
    public boolean isAdaptiveThrottling() {
        return adaptiveThrottling;
    }

    /** @param adaptiveThrottling whether throttling adapts the rate */
    public void setAdaptiveThrottling(boolean adaptiveThrottling) {
        this.adaptiveThrottling = adaptiveThrottling;
    }

    /** @return the records/s limit per stream */
    public long getRecordsPerSecondLimit() {
        return recordsPerSecondLimit;
    }

    /** @param recordsPerSecondLimit the records/s limit per stream */
    public void setRecordsPerSecondLimit(long recordsPerSecondLimit) {
        this.recordsPerSecondLimit = recordsPerSecondLimit;
    }

    /** @return the bytes/s limit per stream */
    public DataSize getBytesPerSecondLimit() {
        return bytesPerSecondLimit;
    }

    /** @param bytesPerSecondLimit the bytes/s limit per stream */
    public void setBytesPerSecondLimit(DataSize bytesPerSecondLimit) {
        this.bytesPerSecondLimit = bytesPerSecondLimit;
    }

    /** @return the requests/s limit per stream */
    public long getRequestsPerSecondLimit() {
        return requestsPerSecondLimit;
    }

    /** @param requestsPerSecondLimit the requests/s limit per stream */
    public void setRequestsPerSecondLimit(long requestsPerSecondLimit) {
        this.requestsPerSecondLimit = requestsPerSecondLimit;
    }

    /** @return how long shutdown waits for records to settle */
    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    /** @param closeTimeout how long shutdown waits for records to settle */
    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /** @return the retry settings */
    public Retry getRetry() {
        return retry;
    }

    /** @return the packing settings */
    public Packing getPacking() {
        return packing;
    }

    /** @return the client settings */
    public Client getClient() {
        return client;
    }

    /** @return the health settings */
    public Health getHealth() {
        return health;
    }

    /**
     * The backoff between attempts (an exponential random backoff), and the Resilience4j retry
     * instance taken from the application's {@code RetryRegistry} instead, if it has one.
     */
    public static class Retry {

        /** The wait before the second attempt, at least 1ms (waits are whole milliseconds). */
        private Duration initialInterval = Duration.ofMillis(100);

        /** How much each wait grows over the one before, at least 1. */
        private double multiplier = 2.0;

        /** The random spread of each wait, 0 to 1 (0.5: from half to one and a half times). */
        private double randomizationFactor = 0.5;

        /** The longest wait between attempts, at least 1ms. */
        private Duration maxInterval = Duration.ofSeconds(5);

        /**
         * The name of the retry instance to take from the application's Resilience4j
         * RetryRegistry (resilience4j.retry.instances.NAME); when the registry has it, it decides
         * the retries instead of max-attempts and the backoff above.
         */
        private String instanceName = "firehose";

        /** @return the first wait */
        public Duration getInitialInterval() {
            return initialInterval;
        }

        /** @param initialInterval the first wait */
        public void setInitialInterval(Duration initialInterval) {
            this.initialInterval = initialInterval;
        }

        /** @return the growth of the waits */
        public double getMultiplier() {
            return multiplier;
        }

        /** @param multiplier the growth of the waits */
        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        /** @return the random spread */
        public double getRandomizationFactor() {
            return randomizationFactor;
        }

        /** @param randomizationFactor the random spread */
        public void setRandomizationFactor(double randomizationFactor) {
            this.randomizationFactor = randomizationFactor;
        }

        /** @return the longest wait */
        public Duration getMaxInterval() {
            return maxInterval;
        }

        /** @param maxInterval the longest wait */
        public void setMaxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
        }

        /** @return the registry's instance name */
        public String getInstanceName() {
            return instanceName;
        }

        /** @param instanceName the registry's instance name */
        public void setInstanceName(String instanceName) {
            this.instanceName = instanceName;
        }
    }

    /** Packing of small user records into one Firehose record (see RecordPacking). */
    public static class Packing {

        /** How user records are packed: NONE, NEWLINE_DELIMITED, CONCATENATED or DELIMITED (with delimiter). */
        private PackingMode mode = PackingMode.NONE;

        /** The delimiter of the DELIMITED mode, 1 to 64 bytes in UTF-8. */
        private String delimiter;

        /** The most bytes of one packed record, delimiters included, before compression; 1,024 to 1,024,000 bytes. */
        private DataSize maxBytes = DataSize.ofBytes(1_024_000);

        /** The most user records in one packed record, 1 to 100,000 (keep 500 for Firehose's record deaggregation). */
        private int maxRecords = 500;

        /** Whether each packed record is compressed into one GZIP member. */
        private boolean gzip = false;

        /** @return the mode */
        public PackingMode getMode() {
            return mode;
        }

        /** @param mode the mode */
        public void setMode(PackingMode mode) {
            this.mode = mode;
        }

        /** @return the delimiter of the DELIMITED mode */
        public String getDelimiter() {
            return delimiter;
        }

        /** @param delimiter the delimiter of the DELIMITED mode */
        public void setDelimiter(String delimiter) {
            this.delimiter = delimiter;
        }

        /** @return the most bytes of a packed record */
        public DataSize getMaxBytes() {
            return maxBytes;
        }

        /** @param maxBytes the most bytes of a packed record */
        public void setMaxBytes(DataSize maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** @return the most user records of a packed record */
        public int getMaxRecords() {
            return maxRecords;
        }

        /** @param maxRecords the most user records of a packed record */
        public void setMaxRecords(int maxRecords) {
            this.maxRecords = maxRecords;
        }

        /** @return whether packed records are compressed */
        public boolean isGzip() {
            return gzip;
        }

        /** @param gzip whether packed records are compressed */
        public void setGzip(boolean gzip) {
            this.gzip = gzip;
        }
    }

    /** How user records are packed into Firehose records. */
    public enum PackingMode {
        /** One user record per Firehose record. */
        NONE,
        /** A newline after each user record that does not end with one. */
        NEWLINE_DELIMITED,
        /** User records back to back. */
        CONCATENATED,
        /** The delimiter after each user record that does not end with it. */
        DELIMITED
    }

    /**
     * The client the producer builds when the application defines no {@code FirehoseClient} or
     * {@code FirehoseAsyncClient} bean; unset values come from the SDK's default chains.
     */
    public static class Client {

        /** The AWS region, for example us-east-1; default: the SDK's region chain (AWS_REGION, profile, ...). */
        private String region;

        /** An endpoint to send to instead of the region's Firehose endpoint (a VPC endpoint, firehose-local). */
        private URI endpoint;

        /** @return the region, or null */
        public String getRegion() {
            return region;
        }

        /** @param region the region */
        public void setRegion(String region) {
            this.region = region;
        }

        /** @return the endpoint override, or null */
        public URI getEndpoint() {
            return endpoint;
        }

        /** @param endpoint the endpoint override */
        public void setEndpoint(URI endpoint) {
            this.endpoint = endpoint;
        }

        boolean isSet() {
            return region != null || endpoint != null;
        }
    }

    /** When the health indicator reports DOWN. */
    public static class Health {

        /** DOWN once the buffer (or one stream's share of it) has been full this long, as seen by health checks. */
        private Duration bufferFullThreshold = Duration.ofSeconds(30);

        /** DOWN while a stream's latest settled record failed, for this long after that failure. */
        private Duration failureWindow = Duration.ofMinutes(1);

        /** @return how long a full buffer is tolerated */
        public Duration getBufferFullThreshold() {
            return bufferFullThreshold;
        }

        /** @param bufferFullThreshold how long a full buffer is tolerated */
        public void setBufferFullThreshold(Duration bufferFullThreshold) {
            this.bufferFullThreshold = bufferFullThreshold;
        }

        /** @return how long a failure keeps a stream DOWN */
        public Duration getFailureWindow() {
            return failureWindow;
        }

        /** @param failureWindow how long a failure keeps a stream DOWN */
        public void setFailureWindow(Duration failureWindow) {
            this.failureWindow = failureWindow;
        }
    }
}
