package dev.firehose.local;

import dev.firehose.local.cloudwatch.CloudWatchService;
import dev.firehose.local.cloudwatch.MetricStore;
import dev.firehose.local.internal.AdminApi;
import dev.firehose.local.internal.Engine;
import dev.firehose.local.internal.delivery.Delivery;
import dev.firehose.local.internal.delivery.ObjectSink;
import dev.firehose.local.internal.delivery.S3Target;
import dev.firehose.local.internal.http.HttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A local Amazon Data Firehose endpoint: a real HTTP server (on 127.0.0.1 unless
 * {@link Builder#host} says otherwise) that speaks the Firehose AWS JSON 1.1 protocol, so the
 * unmodified AWS SDK (or the AWS CLI with {@code --endpoint-url}) talks to it. It validates
 * requests as the service does, delivers records to a local directory in the S3 key layout (and
 * serves them over the S3 API, path-style, on the same port), enforces per-stream quotas, injects
 * faults, and keeps a {@link Ledger}.
 *
 * <pre>{@code
 * try (FirehoseLocal local = FirehoseLocal.builder().build().start();
 *      FirehoseClient client = local.syncClient()) {
 *     local.createDeliveryStream("clicks");
 *     client.putRecord(r -> r.deliveryStreamName("clicks").record(x -> x.data(SdkBytes.fromUtf8String("hi"))));
 *     assert local.ledger().count("clicks") == 1;
 * }
 * }</pre>
 *
 * <p>Thread-safe. Clients handed out are owned by the caller, who closes them.
 */
public final class FirehoseLocal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FirehoseLocal.class);

    /** Access key of the preconfigured clients (any credentials are accepted). */
    public static final String DUMMY_ACCESS_KEY = "firehose-local";
    /** Bucket of streams made by {@link #createDeliveryStream(String)}. */
    public static final String DEFAULT_BUCKET = "firehose-local";
    /**
     * How long a stream with zero buffering ({@code BufferingHints.IntervalInSeconds} 0) holds its
     * records after the oldest arrived, by the endpoint's clock: 20 milliseconds. The records put
     * within that window (one request, or several) go out as one object at its end; a test with an
     * injected clock advances the clock by this much and calls {@link #deliverDue()}.
     */
    public static final Duration ZERO_BUFFERING_WINDOW = Delivery.ZERO_BUFFERING_WINDOW;

    private final Builder config;
    private final Path dataDirectory;
    private final MetricStore metricStore;
    private final Engine engine;
    private final Ledger ledger;
    private final HttpEndpoint http;
    /** Runs the periodic delivery check and the zero-buffering timers; its one thread writes those objects. */
    private final ScheduledThreadPoolExecutor ticker;
    private volatile URI endpoint;
    private volatile boolean closed;

    private FirehoseLocal(Builder b) {
        this.config = b;
        this.dataDirectory = b.dataDirectory != null ? b.dataDirectory : newTempDirectory();
        this.metricStore = new MetricStore(b.clock);
        ObjectSink objects = b.s3Endpoint == null ? ObjectSink.directory(dataDirectory)
                : ObjectSink.s3(new S3Target(b.s3Endpoint, b.s3Region, b.s3AccessKey, b.s3SecretKey));
        this.ticker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "firehose-local-delivery");
            t.setDaemon(true);
            return t;
        });
        // Timers still waiting when close() stops the ticker are dropped: close() delivers every buffer itself.
        ticker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.engine = new Engine(dataDirectory, b.sinkMode, b.seed, b.defaultFaults, b.defaultQuota, b.clock,
                b.activationDelay, b.ledgerRecordLimit, metricStore, objects, this::scheduleDelivery);
        this.ledger = new Ledger(engine.ledger());
        this.http = new HttpEndpoint(engine.api(), new CloudWatchService(metricStore), new AdminApi(engine), engine.s3(),
                b.ioThreads);
    }

    /**
     * A builder with every setting at its default: a free port, a new temporary data directory,
     * delivery on, no faults, no quota.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port on the {@link Builder#host host} and starts answering, and (unless in sink mode) starts checking
     * the streams' BufferingHints interval. Starting a started endpoint does nothing.
     *
     * @return this endpoint, started
     * @throws IllegalStateException if the endpoint was closed, or the port cannot be bound
     */
    public synchronized FirehoseLocal start() {
        if (endpoint != null) {
            return this;
        }
        if (closed) {
            throw new IllegalStateException("This FirehoseLocal is closed; build a new one");
        }
        int port = http.start(config.host, config.port);
        endpoint = URI.create("http://" + clientHost(config.host) + ":" + port);
        if (!config.sinkMode) {
            long period = config.deliveryCheckInterval.toMillis();
            ticker.scheduleWithFixedDelay(this::deliverDueQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        log.info("firehose-local listening on {} (data directory {}, sink mode {})", endpoint, dataDirectory, config.sinkMode);
        return this;
    }

    /**
     * The URL that clients use, for an SDK's {@code endpointOverride} or the AWS CLI's
     * {@code --endpoint-url}; the Firehose, CloudWatch and S3 APIs are all served there (S3
     * path-style: {@code forcePathStyle(true)} in the SDK).
     *
     * @return the URL, e.g. {@code http://127.0.0.1:41234}, with the port actually bound
     * @throws IllegalStateException if the endpoint was not started
     */
    public URI endpoint() {
        URI e = endpoint;
        if (e == null) {
            throw new IllegalStateException("Not started: call start() first");
        }
        return e;
    }

    /**
     * An async client builder pointed at this endpoint with region us-east-1 and
     * {@link #credentialsProvider() dummy static credentials}, to configure further (retries, HTTP
     * client, interceptors) before building.
     *
     * @return a new builder
     * @throws IllegalStateException if the endpoint was not started
     */
    public FirehoseAsyncClientBuilder asyncClientBuilder() {
        return FirehoseAsyncClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentialsProvider());
    }

    /**
     * A sync client builder pointed at this endpoint with region us-east-1 and
     * {@link #credentialsProvider() dummy static credentials}, to configure further before
     * building.
     *
     * @return a new builder
     * @throws IllegalStateException if the endpoint was not started
     */
    public FirehoseClientBuilder syncClientBuilder() {
        return FirehoseClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentialsProvider());
    }

    /**
     * A new async client for this endpoint, built by {@link #asyncClientBuilder()} with the SDK's
     * defaults otherwise (including its retries).
     *
     * @return a new client, which the caller owns and closes
     * @throws IllegalStateException if the endpoint was not started
     */
    public FirehoseAsyncClient asyncClient() {
        return asyncClientBuilder().build();
    }

    /**
     * A new sync client for this endpoint, built by {@link #syncClientBuilder()} with the SDK's
     * defaults otherwise (including its retries).
     *
     * @return a new client, which the caller owns and closes
     * @throws IllegalStateException if the endpoint was not started
     */
    public FirehoseClient syncClient() {
        return syncClientBuilder().build();
    }

    /**
     * The dummy static credentials the clients above use; any SDK client for this endpoint (a
     * CloudWatch client, say) can use them too. Signatures are not checked, but requests must be signed.
     *
     * @return a provider of the access key {@value #DUMMY_ACCESS_KEY} and a fixed secret
     */
    public static StaticCredentialsProvider credentialsProvider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(DUMMY_ACCESS_KEY, "firehose-local-secret"));
    }

    /**
     * Creates a DirectPut stream with an ExtendedS3 destination to bucket {@value #DEFAULT_BUCKET},
     * no prefix, default BufferingHints (5 MiB, 300 s), UNCOMPRESSED; ACTIVE on return.
     *
     * @param name the stream name: 1 to 64 characters of {@code [a-zA-Z0-9_.-]}
     * @throws NullPointerException     if {@code name} is {@code null}
     * @throws IllegalArgumentException when the name breaks the service's rules
     * @throws IllegalStateException    when a stream of that name exists
     */
    public void createDeliveryStream(String name) {
        engine.createStream(Objects.requireNonNull(name, "name"), DEFAULT_BUCKET);
    }

    /**
     * Sets the faults of one stream, replacing the faults it had; takes effect from the next
     * request. {@link Faults#none()} turns them off (it does not fall back to the default faults).
     *
     * @param stream the stream name; the stream need not exist yet
     * @param faults the faults
     * @throws NullPointerException if an argument is {@code null}
     */
    public void setFaults(String stream, Faults faults) {
        engine.streams().setFaults(Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(faults, "faults"));
    }

    /**
     * Sets the quota of one stream, replacing the quota it had; takes effect from the next request.
     *
     * @param stream the stream name; the stream need not exist yet
     * @param quota  the quota; {@link Quota#unlimited()} lifts every limit
     * @throws NullPointerException if an argument is {@code null}
     */
    public void setQuota(String stream, Quota quota) {
        engine.streams().setQuota(Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(quota, "quota"));
    }

    /**
     * Sets the faults of every stream that has no faults of its own (set with {@link #setFaults});
     * takes effect from the next request.
     *
     * @param faults the faults
     * @throws NullPointerException if {@code faults} is {@code null}
     */
    public void setDefaultFaults(Faults faults) {
        engine.streams().setDefaultFaults(Objects.requireNonNull(faults, "faults"));
    }

    /**
     * Sets the quota of every stream that has no quota of its own (set with {@link #setQuota});
     * takes effect from the next request.
     *
     * @param quota the quota
     * @throws NullPointerException if {@code quota} is {@code null}
     */
    public void setDefaultQuota(Quota quota) {
        engine.streams().setDefaultQuota(Objects.requireNonNull(quota, "quota"));
    }

    /**
     * What the endpoint received and stored, per stream: the record of truth a test checks its
     * client against.
     *
     * @return the ledger, live (it goes on counting); the same instance on every call
     */
    public Ledger ledger() {
        return ledger;
    }

    /**
     * The metric store holding the AWS/Firehose metrics of this endpoint's Put calls, and the
     * metrics clients publish with PutMetricData; the endpoint's CloudWatch API serves it.
     *
     * @return the store, live; the same instance on every call
     */
    public MetricStore metricStore() {
        return metricStore;
    }

    /**
     * Where objects are delivered: {@code <dataDirectory>/<bucket>/<key>}. The endpoint never
     * deletes it, nor what it holds.
     *
     * @return the directory given to {@link Builder#dataDirectory}, or the temporary directory
     *         created for this endpoint
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Writes every stream's buffered records to disk now. */
    public void deliverNow() {
        engine.deliverNow();
    }

    /**
     * Writes the buffers whose BufferingHints interval (with zero buffering, the
     * {@link #ZERO_BUFFERING_WINDOW}) has passed by the endpoint's clock. The endpoint does this
     * every {@link Builder#deliveryCheckInterval}, and at the end of each zero-buffering window; a
     * test with an injected clock advances the clock and calls this.
     */
    public void deliverDue() {
        engine.deliverDue();
    }

    /** The engine's timer for zero-buffering windows: a one-shot task on the ticker, dropped once closed. */
    private void scheduleDelivery(Duration delay, Runnable task) {
        try {
            ticker.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: close() delivers what is buffered once the server has stopped.
            log.debug("Zero-buffering timer not set: the endpoint is closing");
        }
    }

    private void deliverDueQuietly() {
        try {
            engine.deliverDue();
        } catch (RuntimeException e) {
            log.error("Interval delivery failed", e);
        }
    }

    /** Stops the server (open connections are closed), then delivers every buffer. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Stop taking requests first, so that nothing arrives after the final delivery. The ticker is
        // shut down, not interrupted: a delivery it is writing completes (an interrupted file write
        // would lose its object), and any it would write later finds its buffer already delivered
        // by deliverNow(), which takes each stream in turn.
        ticker.shutdown();
        http.close();
        if (!config.sinkMode) {
            engine.deliverNow();
        }
        engine.close();
        log.info("firehose-local at {} closed", endpoint);
    }

    /** The host clients on this machine reach: loopback for a wildcard address, brackets for IPv6. */
    static String clientHost(String bindHost) {
        if (bindHost.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (bindHost.equals("::") || bindHost.equals("[::]")) {
            return "[::1]";
        }
        return bindHost.indexOf(':') >= 0 && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
    }

    private static Path newTempDirectory() {
        try {
            return Files.createTempDirectory("firehose-local-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory", e);
        }
    }

    @Override
    public String toString() {
        return "FirehoseLocal{" + (endpoint == null ? "not started" : endpoint) + ", dir=" + dataDirectory
                + ", sink=" + config.sinkMode + '}';
    }

    /** Builds a {@link FirehoseLocal}. Not thread-safe. */
    public static final class Builder {
        /** Default host: 127.0.0.1, this machine only. */
        public static final String DEFAULT_HOST = "127.0.0.1";
        /** Default port: 0, a free port. */
        public static final int DEFAULT_PORT = 0;
        /** Default seed of the fault generator. */
        public static final long DEFAULT_SEED = 0L;
        /** Default time between checks of the BufferingHints interval: 1 second. */
        public static final Duration DEFAULT_DELIVERY_CHECK_INTERVAL = Duration.ofSeconds(1);
        /** Default region of the S3 endpoint objects are delivered into: us-east-1. */
        public static final String DEFAULT_S3_REGION = "us-east-1";
        /** Default access key for the S3 endpoint: {@value}; its secret is {@value #DEFAULT_S3_SECRET_KEY}. */
        public static final String DEFAULT_S3_ACCESS_KEY = DUMMY_ACCESS_KEY;
        /** Default secret key for the S3 endpoint. */
        public static final String DEFAULT_S3_SECRET_KEY = "firehose-local-secret";
        /** Default number of HTTP event-loop threads: 2. */
        public static final int DEFAULT_IO_THREADS = 2;
        /** Default number of records the ledger keeps, over all streams: 10,000,000. */
        public static final long DEFAULT_LEDGER_RECORD_LIMIT = 10_000_000L;

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path dataDirectory;
        private boolean sinkMode;
        private long seed = DEFAULT_SEED;
        private Faults defaultFaults = Faults.none();
        private Quota defaultQuota = Quota.unlimited();
        private Clock clock = Clock.systemUTC();
        private Duration activationDelay = Duration.ZERO;
        private Duration deliveryCheckInterval = DEFAULT_DELIVERY_CHECK_INTERVAL;
        private int ioThreads = DEFAULT_IO_THREADS;
        private long ledgerRecordLimit = DEFAULT_LEDGER_RECORD_LIMIT;
        private URI s3Endpoint;
        private String s3Region = DEFAULT_S3_REGION;
        private String s3AccessKey = DEFAULT_S3_ACCESS_KEY;
        private String s3SecretKey = DEFAULT_S3_SECRET_KEY;

        private Builder() {
        }

        /**
         * The address the server binds. Default {@value #DEFAULT_HOST}, reachable from this machine
         * only; {@code 0.0.0.0} (every IPv4 interface) in a container, so that the port can be
         * published. With a wildcard address {@link FirehoseLocal#endpoint()} names the loopback.
         *
         * @param host an IP address or a host name of this machine
         * @return this builder
         * @throws NullPointerException     if {@code host} is {@code null}
         * @throws IllegalArgumentException if {@code host} is blank
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank, was '" + host + "'");
            }
            this.host = host.strip();
            return this;
        }

        /**
         * The TCP port on the {@link #host host}. Default {@value #DEFAULT_PORT}, a free port chosen at
         * {@link FirehoseLocal#start()} (read it from {@link FirehoseLocal#endpoint()}).
         *
         * @param port in [0, 65535]; 0 for a free port
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is outside [0, 65535]
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where objects are delivered, as {@code <dataDirectory>/<bucket>/<key>}; created when
         * needed. Default a new temporary directory, {@code firehose-local-*}. The endpoint never
         * deletes it.
         *
         * @param dataDirectory the directory
         * @return this builder
         * @throws NullPointerException if {@code dataDirectory} is {@code null}
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * Sink mode, for load tests: records are counted and dropped, so nothing is delivered and
         * the ledger keeps counts only; the endpoint accepts and answers as fast as it can.
         * Requests are validated, and quotas, faults and metrics work as usual. Default {@code false}.
         *
         * @param sinkMode {@code true} for sink mode
         * @return this builder
         */
        public Builder sinkMode(boolean sinkMode) {
            this.sinkMode = sinkMode;
            return this;
        }

        /**
         * Seed of the fault generators (and of RecordIds and object names): the same seed and the
         * same sequence of requests give the same faults. Default {@value #DEFAULT_SEED}.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Faults of every stream without faults of its own; can be changed later with
         * {@link FirehoseLocal#setDefaultFaults}. Default {@link Faults#none()}.
         *
         * @param faults the faults
         * @return this builder
         * @throws NullPointerException if {@code faults} is {@code null}
         */
        public Builder defaultFaults(Faults faults) {
            this.defaultFaults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * Quota of every stream without a quota of its own; can be changed later with
         * {@link FirehoseLocal#setDefaultQuota}. Default {@link Quota#unlimited()}.
         *
         * @param quota the quota
         * @return this builder
         * @throws NullPointerException if {@code quota} is {@code null}
         */
        public Builder defaultQuota(Quota quota) {
            this.defaultQuota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /**
         * The clock for arrival times, quotas, stream activation, delivery and metric timestamps,
         * so that a test can step time instead of sleeping. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock; read from the endpoint's threads, so it must be thread-safe
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a stream made by the CreateDeliveryStream API stays CREATING, by the endpoint's
         * clock, before it turns ACTIVE; {@link FirehoseLocal#createDeliveryStream} is not delayed.
         * Default zero.
         *
         * @param delay zero or positive
         * @return this builder
         * @throws NullPointerException     if {@code delay} is {@code null}
         * @throws IllegalArgumentException if {@code delay} is negative
         */
        public Builder activationDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("activationDelay must not be negative, was " + delay);
            }
            this.activationDelay = delay;
            return this;
        }

        /**
         * How often, in real time, the endpoint checks whether a stream's BufferingHints interval
         * has passed and delivers its buffer. Default {@link #DEFAULT_DELIVERY_CHECK_INTERVAL}
         * (1 second). Streams with zero buffering do not wait for this check: a timer delivers
         * their buffer at the end of its {@link FirehoseLocal#ZERO_BUFFERING_WINDOW}.
         *
         * @param interval at least 1 millisecond
         * @return this builder
         * @throws NullPointerException     if {@code interval} is {@code null}
         * @throws IllegalArgumentException if {@code interval} is shorter than 1 millisecond
         */
        public Builder deliveryCheckInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("deliveryCheckInterval must be at least 1 ms, was " + interval);
            }
            this.deliveryCheckInterval = interval;
            return this;
        }

        /**
         * The number of HTTP event-loop threads, which parse, store and answer requests. Default
         * {@value #DEFAULT_IO_THREADS}.
         *
         * @param ioThreads in [1, 64]
         * @return this builder
         * @throws IllegalArgumentException if {@code ioThreads} is outside [1, 64]
         */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1 || ioThreads > 64) {
                throw new IllegalArgumentException("ioThreads must be in [1, 64], was " + ioThreads);
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * How many stored records the ledger keeps, over all streams, so that memory stays bounded
         * when the endpoint runs for long; past it, the ledger only counts. Default
         * {@value #DEFAULT_LEDGER_RECORD_LIMIT}.
         *
         * @param limit 0 or more; 0 keeps no record
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is negative
         */
        public Builder ledgerRecordLimit(long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("ledgerRecordLimit must not be negative, was " + limit);
            }
            this.ledgerRecordLimit = limit;
            return this;
        }

        /**
         * Delivers objects into an S3-compatible endpoint (MinIO, LocalStack, another
         * firehose-local) with the AWS SDK's S3 client, path-style, instead of into the data
         * directory; each stream's bucket must exist there. A put that fails (after the SDK's
         * retries, within 30 seconds) loses that object, as a failed delivery does in the service:
         * the records stay in the ledger, the error is logged and {@code DeliveryToS3.Success}
         * records 0. Needs {@code software.amazon.awssdk:s3} on the class path (an optional
         * dependency of firehose-local). Default none: objects go to the data directory.
         *
         * @param endpoint the endpoint's URL, e.g. {@code http://127.0.0.1:9000}
         * @return this builder
         * @throws NullPointerException     if {@code endpoint} is {@code null}
         * @throws IllegalArgumentException if {@code endpoint} is not an absolute http or https URL
         */
        public Builder s3Endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("s3Endpoint must be an http or https URL with a host, was " + endpoint);
            }
            this.s3Endpoint = endpoint;
            return this;
        }

        /**
         * The region to sign for at the {@link #s3Endpoint S3 endpoint}. Default
         * {@value #DEFAULT_S3_REGION}.
         *
         * @param region a region name
         * @return this builder
         * @throws NullPointerException     if {@code region} is {@code null}
         * @throws IllegalArgumentException if {@code region} is blank
         */
        public Builder s3Region(String region) {
            this.s3Region = nonBlank(region, "s3Region");
            return this;
        }

        /**
         * The credentials for the {@link #s3Endpoint S3 endpoint}. Default
         * {@value #DEFAULT_S3_ACCESS_KEY} / {@value #DEFAULT_S3_SECRET_KEY}, which LocalStack and
         * firehose-local accept; MinIO wants its own.
         *
         * @param accessKey the access key
         * @param secretKey the secret key
         * @return this builder
         * @throws NullPointerException     if a key is {@code null}
         * @throws IllegalArgumentException if a key is blank
         */
        public Builder s3Credentials(String accessKey, String secretKey) {
            this.s3AccessKey = nonBlank(accessKey, "accessKey");
            this.s3SecretKey = nonBlank(secretKey, "secretKey");
            return this;
        }

        private static String nonBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        /**
         * Creates the endpoint, not started yet: call {@link FirehoseLocal#start()}. Creates the
         * temporary data directory if none was given. The builder can go on to build others.
         *
         * @return a new endpoint with this builder's settings
         * @throws java.io.UncheckedIOException if the temporary data directory cannot be created
         * @throws IllegalStateException        if an {@link #s3Endpoint} is set and the SDK's S3
         *                                      module is not on the class path
         */
        public FirehoseLocal build() {
            return new FirehoseLocal(copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.host = host;
            b.port = port;
            b.dataDirectory = dataDirectory;
            b.sinkMode = sinkMode;
            b.seed = seed;
            b.defaultFaults = defaultFaults;
            b.defaultQuota = defaultQuota;
            b.clock = clock;
            b.activationDelay = activationDelay;
            b.deliveryCheckInterval = deliveryCheckInterval;
            b.ioThreads = ioThreads;
            b.ledgerRecordLimit = ledgerRecordLimit;
            b.s3Endpoint = s3Endpoint;
            b.s3Region = s3Region;
            b.s3AccessKey = s3AccessKey;
            b.s3SecretKey = s3SecretKey;
            return b;
        }
    }
}
