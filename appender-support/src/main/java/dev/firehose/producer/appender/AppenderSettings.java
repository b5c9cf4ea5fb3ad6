package dev.firehose.producer.appender;

import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.appender.internal.Units;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * The settings of a log appender, as written in a logging configuration file: the stream, where
 * to reach it, and the producer settings that matter for logs. Values are kept as written and
 * checked together by {@link #resolve()}, so that an appender can report every mistake through its
 * framework's status system at start instead of failing a logging call.
 *
 * <p>Durations are written {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or in ISO-8601
 * ({@code PT5S}); sizes in bytes, or {@code 512KiB}, {@code 32MiB} (powers of 1,024) or
 * {@code 8MB} (powers of 1,000).
 *
 * <p>Where the settings differ from {@link ProducerConfig}'s defaults, they do so for logs: records
 * are packed newline-delimited (a log line is the small record packing is made for), a full buffer
 * drops the event at once instead of blocking the application ({@link #setMaxBlockTime(String)}
 * allows a bounded wait), the one stream may use the whole buffer, the buffer holds up to 100,000
 * events, and a batch lingers up to one second to pack more lines per request.
 *
 * <p>Not thread-safe: set it up on one thread, then resolve it.
 */
public final class AppenderSettings {

    /** Packing of the default: {@code newline}. */
    public static final String DEFAULT_PACKING = "newline";
    /** Default bound on buffered event bytes: {@code 32MiB}, as {@link ProducerConfig#DEFAULT_MAX_BUFFERED_BYTES}. */
    public static final String DEFAULT_MAX_BUFFERED_BYTES = "32MiB";
    /** Default bound on buffered events: 100,000. */
    public static final int DEFAULT_MAX_BUFFERED_RECORDS = 100_000;
    /** Default longest wait of a logging call for buffer space: {@code 0ms}, never. */
    public static final String DEFAULT_MAX_BLOCK_TIME = "0ms";
    /** Default linger time: {@code 1s}. */
    public static final String DEFAULT_LINGER_TIME = "1s";
    /** Default delivery timeout: {@code 2m}, as {@link ProducerConfig#DEFAULT_DELIVERY_TIMEOUT}. */
    public static final String DEFAULT_DELIVERY_TIMEOUT = "2m";
    /** Default time given to sending what is buffered when the logging system stops: {@code 10s}. */
    public static final String DEFAULT_CLOSE_TIMEOUT = "10s";
    /** Default attempts per record: {@link ProducerConfig#DEFAULT_MAX_ATTEMPTS}. */
    public static final int DEFAULT_MAX_ATTEMPTS = ProducerConfig.DEFAULT_MAX_ATTEMPTS;
    /** Default requests in flight: {@link ProducerConfig#DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM}. */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = ProducerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_STREAM;

    private String streamName;
    private String region;
    private String endpoint;
    private String packing = DEFAULT_PACKING;
    private boolean gzip;
    private String maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private int maxBufferedRecords = DEFAULT_MAX_BUFFERED_RECORDS;
    private String maxBlockTime = DEFAULT_MAX_BLOCK_TIME;
    private String lingerTime = DEFAULT_LINGER_TIME;
    private String deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
    private String closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
    private boolean metrics = true;
    private String excludeLoggers = "";

    /**
     * The delivery stream. Required.
     *
     * @param streamName 1-64 characters of [a-zA-Z0-9_.-]
     */
    public void setStreamName(String streamName) {
        this.streamName = streamName;
    }

    /**
     * The AWS region, for example {@code eu-west-1}. Optional: without it, the SDK's default region
     * chain ({@code aws.region}, {@code AWS_REGION}, the profile, the instance metadata).
     *
     * @param region a region name
     */
    public void setRegion(String region) {
        this.region = region;
    }

    /**
     * An endpoint that replaces the region's (a VPC endpoint, or {@code firehose-local}). Optional:
     * without it, the region's endpoint, or the SDK's {@code AWS_ENDPOINT_URL_FIREHOSE}.
     *
     * @param endpoint an absolute URI
     */
    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * How events are packed into Firehose records: {@code newline} (the default: each event
     * followed by a newline unless it ends with one), {@code concatenated} (back to back), or
     * {@code none} (one event per Firehose record, each billed at least 5 KB).
     *
     * @param packing newline, concatenated or none
     */
    public void setPacking(String packing) {
        this.packing = packing;
    }

    /**
     * Compresses each packed record with GZIP (for S3 destinations without processing; see the
     * README's packing table). Default false.
     *
     * @param gzip true to compress
     */
    public void setGzip(boolean gzip) {
        this.gzip = gzip;
    }

    /**
     * The bound on event bytes buffered and not yet delivered. Default {@value #DEFAULT_MAX_BUFFERED_BYTES}.
     *
     * @param maxBufferedBytes a size, at least 4MiB
     */
    public void setMaxBufferedBytes(String maxBufferedBytes) {
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /**
     * The bound on events buffered and not yet delivered. Default {@value #DEFAULT_MAX_BUFFERED_RECORDS}.
     *
     * @param maxBufferedRecords at least 500
     */
    public void setMaxBufferedRecords(int maxBufferedRecords) {
        this.maxBufferedRecords = maxBufferedRecords;
    }

    /**
     * The longest a logging call waits for buffer space before its event is dropped. Default
     * {@value #DEFAULT_MAX_BLOCK_TIME}: a full buffer drops the event at once.
     *
     * @param maxBlockTime a duration, zero or more
     */
    public void setMaxBlockTime(String maxBlockTime) {
        this.maxBlockTime = maxBlockTime;
    }

    /**
     * How long a batch that is not full waits for more events. Default {@value #DEFAULT_LINGER_TIME}.
     *
     * @param lingerTime a duration, more than zero
     */
    public void setLingerTime(String lingerTime) {
        this.lingerTime = lingerTime;
    }

    /**
     * The longest time from an event to its delivery or failure, retries included. Default
     * {@value #DEFAULT_DELIVERY_TIMEOUT}.
     *
     * @param deliveryTimeout a duration, longer than the linger time
     */
    public void setDeliveryTimeout(String deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    /**
     * How long stopping the logging system waits for buffered events to be delivered; the events
     * still pending then are counted as not delivered. Default {@value #DEFAULT_CLOSE_TIMEOUT}.
     *
     * @param closeTimeout a duration, zero or more
     */
    public void setCloseTimeout(String closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /**
     * Attempts per packed record, the first included. Default {@link ProducerConfig#DEFAULT_MAX_ATTEMPTS} (10).
     *
     * @param maxAttempts 1 or more
     */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /**
     * Requests in flight at once. Default {@value #DEFAULT_MAX_IN_FLIGHT_REQUESTS}.
     *
     * @param maxInFlightRequests 1 to 1,000
     */
    public void setMaxInFlightRequests(int maxInFlightRequests) {
        this.maxInFlightRequests = maxInFlightRequests;
    }

    /**
     * Whether to register the producer's meters and the dropped-events counter with Micrometer's
     * global registry, when {@code firehose-producer-metrics} and Micrometer are on the class
     * path. Default true.
     *
     * @param metrics false to register none
     */
    public void setMetrics(boolean metrics) {
        this.metrics = metrics;
    }

    /**
     * More logger name prefixes whose events are never sent, comma-separated, on top of
     * {@link LogShipper#ALWAYS_EXCLUDED_LOGGERS}. Optional.
     *
     * @param excludeLoggers for example {@code com.example.http,org.eclipse.jetty}
     */
    public void setExcludeLoggers(String excludeLoggers) {
        this.excludeLoggers = excludeLoggers;
    }

    /**
     * Checks every setting and turns them into what a {@link LogShipper} needs.
     *
     * @return the checked settings
     * @throws IllegalArgumentException naming every setting that is missing or out of range, its
     *     value and the rule
     */
    public Resolved resolve() {
        List<String> problems = new ArrayList<>();
        String stream = check(problems, () -> {
            if (streamName == null || streamName.isBlank()) {
                throw new IllegalArgumentException("streamName is required: the delivery stream to send to");
            }
            FirehoseProducer.builder().deliveryStreamName(streamName.trim());
            return streamName.trim();
        });
        URI uri = check(problems, () -> endpointUri());
        ProducerConfig.Builder b = ProducerConfig.builder().maxStreamBufferShare(1.0);
        apply(problems, () -> b.packing(packing()));
        apply(problems, () -> b.maxBufferedBytes(Units.bytes("maxBufferedBytes", maxBufferedBytes)));
        apply(problems, () -> b.maxBufferedRecords(maxBufferedRecords));
        apply(problems, () -> {
            Duration wait = Units.duration("maxBlockTime", maxBlockTime);
            b.maxBlockTime(wait).bufferFullPolicy(wait.isZero() ? BufferFullPolicy.FAIL : BufferFullPolicy.BLOCK);
        });
        apply(problems, () -> b.lingerTime(Units.duration("lingerTime", lingerTime)));
        apply(problems, () -> b.deliveryTimeout(Units.duration("deliveryTimeout", deliveryTimeout)));
        apply(problems, () -> b.maxAttempts(maxAttempts));
        apply(problems, () -> b.maxInFlightRequestsPerStream(maxInFlightRequests).maxInFlightRequests(maxInFlightRequests));
        Duration close = check(problems, () -> {
            Duration d = Units.duration("closeTimeout", closeTimeout);
            if (d.isNegative() || d.compareTo(ProducerConfig.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("closeTimeout must be zero or more and at most "
                        + ProducerConfig.MAX_DURATION + ", was " + closeTimeout);
            }
            return d;
        });
        ProducerConfig config = problems.isEmpty() ? check(problems, b::build) : null;
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Resolved(stream, blankToNull(region), uri, config, close, metrics, prefixes());
    }

    private URI endpointUri() {
        String e = blankToNull(endpoint);
        if (e == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("endpoint must be an absolute URI such as https://firehose.eu-west-1"
                    + ".amazonaws.com, was '" + endpoint + "'");
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an absolute URI with a host, such as"
                    + " http://127.0.0.1:4573, was '" + endpoint + "'");
        }
        return uri;
    }

    private RecordPacking packing() {
        String p = packing == null ? "" : packing.trim().toLowerCase(Locale.ROOT);
        RecordPacking chosen;
        switch (p) {
            case "newline":
                chosen = RecordPacking.newlineDelimited();
                break;
            case "concatenated":
                chosen = RecordPacking.concatenated();
                break;
            case "none":
                if (gzip) {
                    throw new IllegalArgumentException("gzip needs packing newline or concatenated, was packing none");
                }
                return RecordPacking.none();
            default:
                throw new IllegalArgumentException("packing must be newline, concatenated or none, was '" + packing
                        + "'");
        }
        return gzip ? chosen.gzip() : chosen;
    }

    private List<String> prefixes() {
        List<String> list = new ArrayList<>(LogShipper.ALWAYS_EXCLUDED_LOGGERS);
        if (excludeLoggers != null) {
            Arrays.stream(excludeLoggers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
        }
        return List.copyOf(list);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static <T> T check(List<String> problems, Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static void apply(List<String> problems, Runnable step) {
        check(problems, () -> {
            step.run();
            return null;
        });
    }

    /**
     * Checked settings.
     *
     * @param streamName the delivery stream
     * @param region the region, or null for the SDK's default chain
     * @param endpoint the endpoint, or null for the region's
     * @param producerConfig the producer's settings
     * @param closeTimeout how long closing waits for buffered events
     * @param metrics whether to register meters
     * @param excludedLoggers logger name prefixes whose events are never sent
     */
    public record Resolved(String streamName, String region, URI endpoint, ProducerConfig producerConfig,
            Duration closeTimeout, boolean metrics, List<String> excludedLoggers) {

        /**
         * Adjusts the SDK client builder the producer builds with, for region and endpoint.
         *
         * @return a customizer for {@link FirehoseProducer.Builder#clientCustomizer(Consumer)}
         */
        public Consumer<FirehoseClientBuilder> clientCustomizer() {
            return b -> {
                if (region != null) {
                    b.region(Region.of(region));
                }
                if (endpoint != null) {
                    b.endpointOverride(endpoint);
                }
            };
        }
    }
}
