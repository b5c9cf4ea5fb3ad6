package dev.firehose.producer;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The producer's settings: immutable, built with {@link #builder()}, changed with {@link #toBuilder()}.
 * Every setting has a documented default ({@code DEFAULT_*}); single values are checked by the
 * setters, rules between settings by {@link Builder#build()}.
 *
 * <p>Firehose limits the producer respects whatever the settings: at most
 * {@value #MAX_BATCH_RECORDS} records and {@value #MAX_BATCH_BYTES} bytes (4 MiB, raw data bytes
 * as the Kinesis Agent counts them) per PutRecordBatch, at most {@value #MAX_RECORD_BYTES} bytes per record.
 */
public final class ProducerConfig {

    /** Firehose's limit on records per PutRecordBatch request: 500. */
    public static final int MAX_BATCH_RECORDS = 500;
    /** Firehose's limit on the data in one PutRecordBatch request: 4 MiB, counted in raw data bytes. */
    public static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
    /** Firehose's limit on one record: 1,000 KiB (1,024,000 bytes) before base64. */
    public static final int MAX_RECORD_BYTES = 1_024_000;

    /**
     * The longest any duration setting may be (365 days): far beyond any sensible value, and short
     * enough that deadlines computed from it never overflow.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    /**
     * Default linger time: 100 ms. A batch that is not full is sent when its oldest record has
     * waited this long. Firehose allows 2,000 requests/s per stream (1,000 in smaller regions),
     * shared by every producer writing to it. At low volume a 100 ms linger sends at most about
     * 10 partial requests/s per producer and stream, so a hundred producers stay well within the
     * quota; at high volume batches fill to 500 records or 4 MiB long before 100 ms and the linger
     * plays no part. It adds at most 100 ms to the latency of a quiet stream, which Firehose's own
     * buffering (60 s or more before delivery) dwarfs.
     */
    public static final Duration DEFAULT_LINGER_TIME = Duration.ofMillis(100);
    /** Default records per request: {@value #MAX_BATCH_RECORDS}, the Firehose limit. */
    public static final int DEFAULT_MAX_BATCH_RECORDS = MAX_BATCH_RECORDS;
    /** Default raw data bytes per request: {@value #MAX_BATCH_BYTES} (4 MiB), the Firehose limit. */
    public static final int DEFAULT_MAX_BATCH_BYTES = MAX_BATCH_BYTES;
    /**
     * Default requests in flight per stream: 10. With a typical 50-200 ms PutRecordBatch latency
     * this carries 25,000-100,000 records/s per stream and producer, and 10 concurrent requests
     * stay far below the 2,000 requests/s quota. Throttling lowers it at run time (AIMD).
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM = 10;
    /**
     * Default bound on buffered data: 32 MiB, counted in raw data bytes of records accepted and
     * not yet settled (including those in flight). It holds 8 full requests: enough to keep the
     * default 10 requests in flight busy with records of a few KiB, while the records held stay few
     * enough for the garbage collector to keep up (the benchmarks showed a 64 MiB / 100,000 record
     * buffer costing a third of the throughput at 1 KiB in young-collection work).
     */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 32L * 1024 * 1024;
    /**
     * Default bound on buffered records: 20,000 (40 full requests of 500), accepted and not yet
     * settled; with small records this is the bound that applies first.
     */
    public static final int DEFAULT_MAX_BUFFERED_RECORDS = 20_000;
    /** Default policy when the buffer is full: {@link BufferFullPolicy#BLOCK}. */
    public static final BufferFullPolicy DEFAULT_BUFFER_FULL_POLICY = BufferFullPolicy.BLOCK;
    /** Default longest wait of a blocked {@code put}: 60 s. */
    public static final Duration DEFAULT_MAX_BLOCK_TIME = Duration.ofSeconds(60);
    /**
     * Default attempts per record, the first included: 10. With the default backoff they span
     * about 20 s, well inside the delivery timeout.
     */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** Default first retry interval: 100 ms. */
    public static final Duration DEFAULT_RETRY_INITIAL_INTERVAL = Duration.ofMillis(100);
    /** Default growth of the retry interval per attempt: 2.0. */
    public static final double DEFAULT_RETRY_MULTIPLIER = 2.0;
    /** Default jitter of the retry interval: 0.5 (each interval is drawn from ±50% of its value). */
    public static final double DEFAULT_RETRY_RANDOMIZATION_FACTOR = 0.5;
    /** Default longest retry interval: 5 s. */
    public static final Duration DEFAULT_RETRY_MAX_INTERVAL = Duration.ofSeconds(5);
    /**
     * The default retry interval: exponential with jitter,
     * {@code IntervalFunction.ofExponentialRandomBackoff(100 ms, 2.0, 0.5, 5 s)}.
     */
    public static final IntervalFunction DEFAULT_RETRY_INTERVAL = IntervalFunction.ofExponentialRandomBackoff(
            DEFAULT_RETRY_INITIAL_INTERVAL, DEFAULT_RETRY_MULTIPLIER, DEFAULT_RETRY_RANDOMIZATION_FACTOR,
            DEFAULT_RETRY_MAX_INTERVAL);

    /**
     * Default time from {@code put} to a record's outcome: 2 minutes. A record not acknowledged by
     * then fails with {@link DeliveryTimeoutException}; no retry starts after it.
     */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Default longest time of one request (the SDK's API call timeout): 30 s. A request's timeout
     * is its own: records with less than this left before their deadline travel in requests of
     * their own, whose timeout is the time left to the latest of their deadlines.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Default requests in flight across all streams: 50, the size of the connection pool of the
     * client the producer builds (the SDK's default). With the producer's own client each request
     * in flight holds one request thread, so this also bounds those threads. It is five times the
     * per-stream default, so a stream whose requests hang holds at most a fifth of them.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 50;
    /**
     * Default share of the buffer one stream may hold: 0.25 of {@link #maxBufferedBytes()} and of
     * {@link #maxBufferedRecords()}. A stream whose requests hang or are throttled fills at most its
     * share, so up to three sick streams still leave a quarter of the buffer to the healthy ones.
     */
    public static final double DEFAULT_MAX_STREAM_BUFFER_SHARE = 0.25;
    /**
     * Default time after which the state the producer keeps for a stream (its queues, pacing and
     * per-stream counters) is dropped once the stream has nothing buffered: 5 minutes. Its counters
     * stay in the totals; a later put starts the stream afresh.
     */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default: adapt the sending rate to throttling (AIMD): true. */
    public static final boolean DEFAULT_ADAPTIVE_THROTTLING = true;
    /** Default static per-stream limits (records/s, bytes/s, requests/s): 0, meaning none. */
    public static final long DEFAULT_RATE_LIMIT = 0;

    private final Duration lingerTime;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final int maxInFlightRequestsPerStream;
    private final long maxBufferedBytes;
    private final int maxBufferedRecords;
    private final BufferFullPolicy bufferFullPolicy;
    private final Duration maxBlockTime;
    private final int maxAttempts;
    private final IntervalFunction retryInterval;
    private final Duration deliveryTimeout;
    private final Duration requestTimeout;
    private final boolean adaptiveThrottling;
    private final long recordsPerSecondLimit;
    private final long bytesPerSecondLimit;
    private final long requestsPerSecondLimit;
    private final int maxInFlightRequests;
    private final double maxStreamBufferShare;
    private final Duration streamIdleTimeout;
    private final RecordPacking packing;
    /** The RetryConfig set with the builder, or null. */
    private final RetryConfig retryConfigSet;
    private final RetryConfig retryConfig;
    private final Retry retry;

    private ProducerConfig(Builder b) {
        this.lingerTime = b.lingerTime;
        this.maxBatchRecords = b.maxBatchRecords;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxInFlightRequestsPerStream = b.maxInFlightRequestsPerStream;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.maxBufferedRecords = b.maxBufferedRecords;
        this.bufferFullPolicy = b.bufferFullPolicy;
        this.maxBlockTime = b.maxBlockTime;
        this.maxAttempts = b.maxAttempts;
        this.retryInterval = b.retryInterval;
        this.deliveryTimeout = b.deliveryTimeout;
        this.requestTimeout = b.requestTimeout;
        this.adaptiveThrottling = b.adaptiveThrottling;
        this.recordsPerSecondLimit = b.recordsPerSecondLimit;
        this.bytesPerSecondLimit = b.bytesPerSecondLimit;
        this.requestsPerSecondLimit = b.requestsPerSecondLimit;
        this.maxInFlightRequests = b.maxInFlightRequests;
        this.maxStreamBufferShare = b.maxStreamBufferShare;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.packing = b.packing;
        this.retry = b.retry;
        this.retryConfigSet = b.retryConfig;
        this.retryConfig = b.retry != null ? b.retry.getRetryConfig()
                : b.retryConfig != null ? b.retryConfig
                : RetryConfig.custom().maxAttempts(b.maxAttempts).intervalFunction(b.retryInterval).build();
    }

    /** @return a builder with every setting at its default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the settings with every default */
    public static ProducerConfig defaults() {
        return builder().build();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return how long a batch that is not full waits for more records; see {@link #DEFAULT_LINGER_TIME} */
    public Duration lingerTime() {
        return lingerTime;
    }

    /** @return the most records per request */
    public int maxBatchRecords() {
        return maxBatchRecords;
    }

    /** @return the most raw data bytes per request */
    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    /** @return the most requests in flight per stream (before throttling lowers it) */
    public int maxInFlightRequestsPerStream() {
        return maxInFlightRequestsPerStream;
    }

    /** @return the bound on data bytes accepted and not yet settled */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** @return the bound on records accepted and not yet settled */
    public int maxBufferedRecords() {
        return maxBufferedRecords;
    }

    /** @return what {@code put} does when the buffer is full */
    public BufferFullPolicy bufferFullPolicy() {
        return bufferFullPolicy;
    }

    /** @return the longest a {@code put} waits for buffer space under {@link BufferFullPolicy#BLOCK} */
    public Duration maxBlockTime() {
        return maxBlockTime;
    }

    /**
     * @return the most attempts per record, the first included: the {@link #retryConfig()}'s
     *     {@code maxAttempts}
     */
    public int maxAttempts() {
        return retryConfig.getMaxAttempts();
    }

    /**
     * @return the interval function set with {@link Builder#retryInterval}; the wait a
     *     {@link #retry()} or {@link #retryConfig()} handed in gives is its own
     */
    public IntervalFunction retryInterval() {
        return retryInterval;
    }

    /**
     * @return the Resilience4j retry settings the producer's retries follow: those of the
     *     {@link #retry()} handed in, else those set with {@link Builder#retryConfig}, else
     *     {@link #maxAttempts()} attempts spaced by {@link #retryInterval()}
     */
    public RetryConfig retryConfig() {
        return retryConfig;
    }

    /**
     * @return the Resilience4j {@link Retry} handed in with {@link Builder#retry(Retry)}, or null:
     *     the producer then makes its own from {@link #retryConfig()}
     */
    public Retry retry() {
        return retry;
    }

    /** @return the most requests in flight across all streams */
    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    /** @return the share of the buffer bounds one stream may hold, in (0, 1] */
    public double maxStreamBufferShare() {
        return maxStreamBufferShare;
    }

    /** @return how long a stream with nothing buffered keeps its state */
    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** @return how user records are packed into Firehose records ({@link RecordPacking#none()} by default) */
    public RecordPacking packing() {
        return packing;
    }

    /** @return the longest time from {@code put} to a record's outcome */
    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    /** @return the longest time of one request */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return whether the sending rate adapts to throttling */
    public boolean adaptiveThrottling() {
        return adaptiveThrottling;
    }

    /** @return the static records/s limit per stream, 0 for none */
    public long recordsPerSecondLimit() {
        return recordsPerSecondLimit;
    }

    /** @return the static bytes/s limit per stream, 0 for none */
    public long bytesPerSecondLimit() {
        return bytesPerSecondLimit;
    }

    /** @return the static requests/s limit per stream, 0 for none */
    public long requestsPerSecondLimit() {
        return requestsPerSecondLimit;
    }

    @Override
    public String toString() {
        return "ProducerConfig{lingerTime=" + lingerTime
                + ", maxBatchRecords=" + maxBatchRecords
                + ", maxBatchBytes=" + maxBatchBytes
                + ", maxInFlightRequestsPerStream=" + maxInFlightRequestsPerStream
                + ", maxBufferedBytes=" + maxBufferedBytes
                + ", maxBufferedRecords=" + maxBufferedRecords
                + ", bufferFullPolicy=" + bufferFullPolicy
                + ", maxBlockTime=" + maxBlockTime
                + ", maxInFlightRequests=" + maxInFlightRequests
                + ", maxStreamBufferShare=" + maxStreamBufferShare
                + ", streamIdleTimeout=" + streamIdleTimeout
                + ", packing=" + packing
                + ", maxAttempts=" + maxAttempts()
                + ", retry=" + (retry != null ? "Retry '" + retry.getName() + "'"
                        : retryConfigSet != null ? "custom RetryConfig"
                        : retryInterval == DEFAULT_RETRY_INTERVAL ? "default interval" : "custom interval")
                + ", deliveryTimeout=" + deliveryTimeout
                + ", requestTimeout=" + requestTimeout
                + ", adaptiveThrottling=" + adaptiveThrottling
                + ", recordsPerSecondLimit=" + recordsPerSecondLimit
                + ", bytesPerSecondLimit=" + bytesPerSecondLimit
                + ", requestsPerSecondLimit=" + requestsPerSecondLimit + '}';
    }

    /** Builds a {@link ProducerConfig}. Not thread-safe. */
    public static final class Builder {
        private Duration lingerTime = DEFAULT_LINGER_TIME;
        private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
        private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private int maxInFlightRequestsPerStream = DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM;
        private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
        private int maxBufferedRecords = DEFAULT_MAX_BUFFERED_RECORDS;
        private BufferFullPolicy bufferFullPolicy = DEFAULT_BUFFER_FULL_POLICY;
        private Duration maxBlockTime = DEFAULT_MAX_BLOCK_TIME;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private IntervalFunction retryInterval = DEFAULT_RETRY_INTERVAL;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private boolean adaptiveThrottling = DEFAULT_ADAPTIVE_THROTTLING;
        private long recordsPerSecondLimit = DEFAULT_RATE_LIMIT;
        private long bytesPerSecondLimit = DEFAULT_RATE_LIMIT;
        private long requestsPerSecondLimit = DEFAULT_RATE_LIMIT;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        private double maxStreamBufferShare = DEFAULT_MAX_STREAM_BUFFER_SHARE;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private RecordPacking packing = RecordPacking.none();
        private RetryConfig retryConfig;
        private Retry retry;

        private Builder() {
        }

        private Builder(ProducerConfig c) {
            lingerTime = c.lingerTime;
            maxBatchRecords = c.maxBatchRecords;
            maxBatchBytes = c.maxBatchBytes;
            maxInFlightRequestsPerStream = c.maxInFlightRequestsPerStream;
            maxBufferedBytes = c.maxBufferedBytes;
            maxBufferedRecords = c.maxBufferedRecords;
            bufferFullPolicy = c.bufferFullPolicy;
            maxBlockTime = c.maxBlockTime;
            maxAttempts = c.maxAttempts;
            retryInterval = c.retryInterval;
            deliveryTimeout = c.deliveryTimeout;
            requestTimeout = c.requestTimeout;
            adaptiveThrottling = c.adaptiveThrottling;
            recordsPerSecondLimit = c.recordsPerSecondLimit;
            bytesPerSecondLimit = c.bytesPerSecondLimit;
            requestsPerSecondLimit = c.requestsPerSecondLimit;
            maxInFlightRequests = c.maxInFlightRequests;
            maxStreamBufferShare = c.maxStreamBufferShare;
            streamIdleTimeout = c.streamIdleTimeout;
            packing = c.packing;
            retry = c.retry;
            retryConfig = c.retryConfigSet;
        }

        /**
         * How long a batch that is not full waits for more records before it is sent.
         * Default {@link ProducerConfig#DEFAULT_LINGER_TIME} (100 ms; the javadoc there explains why).
         *
         * @param lingerTime zero or more
         * @return this builder
         */
        public Builder lingerTime(Duration lingerTime) {
            this.lingerTime = nonNegative("lingerTime", lingerTime);
            return this;
        }

        /**
         * The most records per PutRecordBatch request. Default {@link ProducerConfig#DEFAULT_MAX_BATCH_RECORDS} (500).
         *
         * @param maxBatchRecords 1 to 500
         * @return this builder
         */
        public Builder maxBatchRecords(int maxBatchRecords) {
            this.maxBatchRecords = inRange("maxBatchRecords", maxBatchRecords, 1, MAX_BATCH_RECORDS);
            return this;
        }

        /**
         * The most raw data bytes per PutRecordBatch request.
         * Default {@link ProducerConfig#DEFAULT_MAX_BATCH_BYTES} (4,194,304, i.e. 4 MiB).
         *
         * @param maxBatchBytes 1,024,000 (one record of the largest size) to 4,194,304
         * @return this builder
         */
        public Builder maxBatchBytes(int maxBatchBytes) {
            this.maxBatchBytes = inRange("maxBatchBytes", maxBatchBytes, MAX_RECORD_BYTES, MAX_BATCH_BYTES);
            return this;
        }

        /**
         * The most requests in flight per stream; throttling lowers the effective value at run time
         * and success raises it back. Default {@link ProducerConfig#DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM} (10).
         *
         * @param maxInFlightRequestsPerStream 1 to 1,000
         * @return this builder
         */
        public Builder maxInFlightRequestsPerStream(int maxInFlightRequestsPerStream) {
            this.maxInFlightRequestsPerStream = inRange("maxInFlightRequestsPerStream",
                    maxInFlightRequestsPerStream, 1, 1000);
            return this;
        }

        /**
         * The bound on raw data bytes accepted and not yet settled, in flight included.
         * Default {@link ProducerConfig#DEFAULT_MAX_BUFFERED_BYTES} (32 MiB). Must be at least
         * {@link #maxBatchBytes(int)} (checked by {@link #build()}).
         *
         * @param maxBufferedBytes at least 1,024,000
         * @return this builder
         */
        public Builder maxBufferedBytes(long maxBufferedBytes) {
            this.maxBufferedBytes = inRange("maxBufferedBytes", maxBufferedBytes, MAX_RECORD_BYTES, Long.MAX_VALUE / 2);
            return this;
        }

        /**
         * The bound on records accepted and not yet settled, in flight included.
         * Default {@link ProducerConfig#DEFAULT_MAX_BUFFERED_RECORDS} (20,000). Must be at least
         * {@link #maxBatchRecords(int)} (checked by {@link #build()}).
         *
         * @param maxBufferedRecords at least 1
         * @return this builder
         */
        public Builder maxBufferedRecords(int maxBufferedRecords) {
            this.maxBufferedRecords = inRange("maxBufferedRecords", maxBufferedRecords, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * What {@code put} does when the buffer is full.
         * Default {@link ProducerConfig#DEFAULT_BUFFER_FULL_POLICY} (BLOCK).
         *
         * @param bufferFullPolicy BLOCK or FAIL
         * @return this builder
         */
        public Builder bufferFullPolicy(BufferFullPolicy bufferFullPolicy) {
            this.bufferFullPolicy = Objects.requireNonNull(bufferFullPolicy, "bufferFullPolicy");
            return this;
        }

        /**
         * The longest a {@code put} waits for buffer space under {@link BufferFullPolicy#BLOCK}.
         * Default {@link ProducerConfig#DEFAULT_MAX_BLOCK_TIME} (60 s).
         *
         * @param maxBlockTime zero or more
         * @return this builder
         */
        public Builder maxBlockTime(Duration maxBlockTime) {
            this.maxBlockTime = nonNegative("maxBlockTime", maxBlockTime);
            return this;
        }

        /**
         * The most attempts per record, the first included (Resilience4j's {@code maxAttempts}).
         * Default {@link ProducerConfig#DEFAULT_MAX_ATTEMPTS} (10).
         *
         * @param maxAttempts 1 or more (1 means never retry)
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = inRange("maxAttempts", maxAttempts, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * The Resilience4j interval function giving the wait after attempt {@code n} (called with n = 1, 2, ...).
         * Default {@link ProducerConfig#DEFAULT_RETRY_INTERVAL}:
         * {@code IntervalFunction.ofExponentialRandomBackoff(100 ms, 2.0, 0.5, 5 s)}.
         *
         * @param retryInterval for example {@code IntervalFunction.ofExponentialRandomBackoff(...)}
         * @return this builder
         */
        public Builder retryInterval(IntervalFunction retryInterval) {
            this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
            return this;
        }

        /**
         * The Resilience4j retry settings the producer's retries follow, instead of
         * {@link #maxAttempts(int)} and {@link #retryInterval(IntervalFunction)}: its
         * {@code maxAttempts}, its interval function (given the attempt and the failure) and its
         * {@code retryExceptions} / {@code retryOnException} predicate, which sees a
         * {@link RecordFailedException} carrying the error code (and, for a failed request, the
         * SDK's exception as its cause). Errors that retrying cannot fix (an unknown stream, a
         * rejected signature, bad credentials) are never retried, whatever the predicate says.
         * Default: none, {@link #maxAttempts(int)} and {@link #retryInterval(IntervalFunction)} apply.
         *
         * @param retryConfig the settings, or null to go back to the default
         * @return this builder
         */
        public Builder retryConfig(RetryConfig retryConfig) {
            this.retryConfig = retryConfig;
            return this;
        }

        /**
         * The Resilience4j {@link Retry} that decides the producer's retries, for example one from
         * the application's {@code RetryRegistry} (so that {@code resilience4j-micrometer}'s retry
         * metrics and the registry's event consumers see the producer's records). Each record that
         * fails (or each record of a request that failed) goes through its own
         * {@link Retry#asyncContext()}: its events and metrics count records. Its config applies as
         * described at {@link #retryConfig(RetryConfig)}. The producer never sleeps on the
         * {@code Retry}'s behalf: it schedules the retry itself and keeps the delivery timeout.
         * Default: none, the producer makes its own {@code Retry} from {@link ProducerConfig#retryConfig()}.
         *
         * @param retry the retry, or null to go back to the default
         * @return this builder
         */
        public Builder retry(Retry retry) {
            this.retry = retry;
            return this;
        }

        /**
         * The most requests in flight across all streams. With the client the producer builds, each
         * request in flight holds one request thread and one pooled connection; so this also bounds
         * those threads. Default {@link ProducerConfig#DEFAULT_MAX_IN_FLIGHT_REQUESTS} (50). Must
         * be at least {@link #maxInFlightRequestsPerStream(int)} (checked by {@link #build()}).
         *
         * @param maxInFlightRequests 1 to 10,000
         * @return this builder
         */
        public Builder maxInFlightRequests(int maxInFlightRequests) {
            this.maxInFlightRequests = inRange("maxInFlightRequests", maxInFlightRequests, 1, 10_000);
            return this;
        }

        /**
         * The share of {@link #maxBufferedBytes(long)} and of {@link #maxBufferedRecords(int)} that one
         * stream may hold: a put to a stream at its share waits (or fails, under
         * {@link BufferFullPolicy#FAIL}) while puts to other streams go on. Default
         * {@link ProducerConfig#DEFAULT_MAX_STREAM_BUFFER_SHARE} (0.25). A producer that sends to one
         * stream only may set 1.0. The share always holds at least one full batch.
         *
         * @param maxStreamBufferShare more than 0, at most 1
         * @return this builder
         */
        public Builder maxStreamBufferShare(double maxStreamBufferShare) {
            if (!(maxStreamBufferShare > 0 && maxStreamBufferShare <= 1)) {
                throw new IllegalArgumentException("maxStreamBufferShare must be more than 0 and at most 1, was "
                        + maxStreamBufferShare);
            }
            this.maxStreamBufferShare = maxStreamBufferShare;
            return this;
        }

        /**
         * Packs small user records into one Firehose record (see {@link RecordPacking}): each
         * {@code put} still gets its own future, which completes with the RecordId of the Firehose
         * record that carried it and its position in it. Default {@link RecordPacking#none()}.
         *
         * @param packing the packing
         * @return this builder
         */
        public Builder packing(RecordPacking packing) {
            this.packing = Objects.requireNonNull(packing, "packing");
            return this;
        }

        /**
         * How long a stream with nothing buffered and nothing in flight keeps the state the producer
         * holds for it (queues, pacing, per-stream counters). Its counters stay in the totals.
         * Default {@link ProducerConfig#DEFAULT_STREAM_IDLE_TIMEOUT} (5 minutes).
         *
         * @param streamIdleTimeout more than zero
         * @return this builder
         */
        public Builder streamIdleTimeout(Duration streamIdleTimeout) {
            this.streamIdleTimeout = positive("streamIdleTimeout", streamIdleTimeout);
            return this;
        }

        /**
         * The longest time from {@code put} to a record's outcome, retries included (like Kafka's
         * {@code delivery.timeout.ms}). Default {@link ProducerConfig#DEFAULT_DELIVERY_TIMEOUT} (2 minutes).
         * Must be longer than the linger time (checked by {@link #build()}).
         *
         * @param deliveryTimeout more than zero
         * @return this builder
         */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = positive("deliveryTimeout", deliveryTimeout);
            return this;
        }

        /**
         * The longest time of one request, set as the SDK's API call timeout. Records with less than
         * this left before their delivery deadline are not sent with fresher records: they go in
         * requests of their own, whose timeout is the time left to the latest of their deadlines
         * (the producer fails each record at its own deadline, in flight or not). Default {@link ProducerConfig#DEFAULT_REQUEST_TIMEOUT} (30 s).
         *
         * @param requestTimeout more than zero
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /**
         * Whether "Slow down." lowers the stream's sending rate (halving requests in flight, then
         * the request rate) and success raises it back step by step.
         * Default {@link ProducerConfig#DEFAULT_ADAPTIVE_THROTTLING} (true).
         *
         * @param adaptiveThrottling true to adapt
         * @return this builder
         */
        public Builder adaptiveThrottling(boolean adaptiveThrottling) {
            this.adaptiveThrottling = adaptiveThrottling;
            return this;
        }

        /**
         * A static records/s limit per stream and producer, to stay under a known quota from the start.
         * Default {@link ProducerConfig#DEFAULT_RATE_LIMIT} (0, none).
         *
         * @param recordsPerSecondLimit 0 (none) or more
         * @return this builder
         */
        public Builder recordsPerSecondLimit(long recordsPerSecondLimit) {
            this.recordsPerSecondLimit = inRange("recordsPerSecondLimit", recordsPerSecondLimit, 0, Long.MAX_VALUE);
            return this;
        }

        /**
         * A static bytes/s limit per stream and producer. Default {@link ProducerConfig#DEFAULT_RATE_LIMIT} (0, none).
         *
         * @param bytesPerSecondLimit 0 (none) or more
         * @return this builder
         */
        public Builder bytesPerSecondLimit(long bytesPerSecondLimit) {
            this.bytesPerSecondLimit = inRange("bytesPerSecondLimit", bytesPerSecondLimit, 0, Long.MAX_VALUE);
            return this;
        }

        /**
         * A static requests/s limit per stream and producer.
         * Default {@link ProducerConfig#DEFAULT_RATE_LIMIT} (0, none).
         *
         * @param requestsPerSecondLimit 0 (none) or more
         * @return this builder
         */
        public Builder requestsPerSecondLimit(long requestsPerSecondLimit) {
            this.requestsPerSecondLimit = inRange("requestsPerSecondLimit", requestsPerSecondLimit, 0, Long.MAX_VALUE);
            return this;
        }

        /**
         * Checks the rules between settings and builds the config.
         *
         * @return the immutable config
         * @throws IllegalArgumentException if maxBufferedBytes &lt; maxBatchBytes, maxBufferedRecords &lt;
         *     maxBatchRecords, maxInFlightRequests &lt; maxInFlightRequestsPerStream, both retry and
         *     retryConfig are set, or deliveryTimeout &lt;= lingerTime
         */
        public ProducerConfig build() {
            if (maxBufferedBytes < maxBatchBytes) {
                throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes
                        + ") must be at least maxBatchBytes (" + maxBatchBytes + ")");
            }
            if (maxBufferedRecords < maxBatchRecords) {
                throw new IllegalArgumentException("maxBufferedRecords (" + maxBufferedRecords
                        + ") must be at least maxBatchRecords (" + maxBatchRecords + ")");
            }
            if (maxInFlightRequests < maxInFlightRequestsPerStream) {
                throw new IllegalArgumentException("maxInFlightRequests (" + maxInFlightRequests
                        + ") must be at least maxInFlightRequestsPerStream (" + maxInFlightRequestsPerStream + ")");
            }
            if (retry != null && retryConfig != null) {
                throw new IllegalArgumentException("set either retry or retryConfig, not both: a Retry carries"
                        + " its own RetryConfig");
            }
            if (deliveryTimeout.compareTo(lingerTime) <= 0) {
                throw new IllegalArgumentException("deliveryTimeout (" + deliveryTimeout
                        + ") must be longer than lingerTime (" + lingerTime + ")");
            }
            return new ProducerConfig(this);
        }

        private static Duration nonNegative(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(name + " must be zero or more and at most " + MAX_DURATION + ", was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(name + " must be more than zero and at most " + MAX_DURATION
                        + ", was " + value);
            }
            return value;
        }

        private static int inRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }

        private static long inRange(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
