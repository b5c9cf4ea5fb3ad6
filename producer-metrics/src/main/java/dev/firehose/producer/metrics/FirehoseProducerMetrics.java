package dev.firehose.producer.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.RecordFailedException;
import dev.firehose.producer.RecordSettledEvent;
import dev.firehose.producer.RequestCompletedEvent;
import dev.firehose.producer.StreamStats;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds a {@link FirehoseProducer}'s meters to Micrometer registries: for each delivery stream,
 * meters that mirror the AWS/Firehose CloudWatch metrics the client can observe (named by
 * {@link FirehoseMetric#meterName()}), and meters only the client can have (buffer levels,
 * retries, failures by error code, blocking time; named by the constants of this class).
 *
 * <pre>{@code
 * FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer, Tags.of("app", "shop"));
 * metrics.bindTo(registry);
 * ...
 * metrics.close();   // removes the meters and detaches from the producer
 * }</pre>
 *
 * <p><b>What "incoming" means on the client.</b> A PutRecordBatch request counts towards
 * {@code firehose.incoming.put.requests} when the service answered it with per-record results
 * (HTTP 200), even if some entries failed: that is a request the service took in.
 * {@code firehose.incoming.records} and {@code firehose.incoming.bytes} count the entries it
 * answered with a record id. {@code firehose.put.record.batch.*} count those requests and also
 * the requests the service refused as throttled ("Slow down."), which it received and counted;
 * {@code firehose.throttled.records} counts the records refused as throttled, per entry or by
 * whole request. A request refused with any other error (such as a 500) or not answered at all
 * (I/O error, timeout) counts in none of the mirrors; its records count in
 * {@code firehose.producer.failed.entries}. With these definitions the client's counts equal
 * CloudWatch's for the same stream and window, as long as no answer was lost: a request whose
 * answer was lost may have been stored and counted by the service, and its records then show up
 * in {@code firehose.producer.possible.duplicate.records}.
 *
 * <p><b>When meters appear.</b> Counters count from the moment of binding, so bind before the
 * first {@code put} when the counts are to match CloudWatch. A stream's meters are registered
 * when it is first seen: at binding for the streams the producer already knows and the streams
 * given to {@link Builder#streams(String...)}, otherwise at its first event. Gauges read
 * {@link FirehoseProducer#stats()} when they are sampled.
 *
 * <p>Thread-safe. The binder never closes the producer or the registries; {@link #close()}
 * removes every meter it registered and detaches its listener from the producer.
 */
public final class FirehoseProducerMetrics implements MeterBinder, AutoCloseable {

    /** Tag of {@link #FAILED_RECORDS} and {@link #FAILED_ENTRIES}: the Firehose or producer error code. */
    public static final String ERROR_CODE_TAG = "error.code";

    /** Client only, counter: records {@code put()} took into the buffer. */
    public static final String PUT_RECORDS = "firehose.producer.put.records";
    /** Client only, gauge: records taken and not settled yet. */
    public static final String BUFFERED_RECORDS = "firehose.producer.buffered.records";
    /** Client only, gauge: data bytes of the buffered records. */
    public static final String BUFFERED_BYTES = "firehose.producer.buffered.bytes";
    /** Client only, gauge: requests sent and not answered yet. */
    public static final String IN_FLIGHT_REQUESTS = "firehose.producer.in.flight.requests";
    /** Client only, time gauge: how long the oldest record waiting for its first send has waited. */
    public static final String OLDEST_BUFFERED_RECORD_AGE = "firehose.producer.oldest.buffered.record.age";
    /** Client only, counter: records sent again, once per new attempt. */
    public static final String RETRIED_RECORDS = "firehose.producer.retried.records";
    /** Client only, distribution summary: attempts per settled record. */
    public static final String RECORD_ATTEMPTS = "firehose.producer.record.attempts";
    /** Client only, counter by {@link #ERROR_CODE_TAG}: records that finally failed. */
    public static final String FAILED_RECORDS = "firehose.producer.failed.records";
    /** Client only, counter by {@link #ERROR_CODE_TAG}: entries of attempts that were not accepted. */
    public static final String FAILED_ENTRIES = "firehose.producer.failed.entries";
    /** Client only, counter: settled records the service may hold more than once. */
    public static final String POSSIBLE_DUPLICATE_RECORDS = "firehose.producer.possible.duplicate.records";
    /** Client only, timer: time {@code put()} waited for buffer space. */
    public static final String PUT_BLOCKED = "firehose.producer.put.blocked";
    /** Client only, distribution summary: records per PutRecordBatch request. */
    public static final String REQUEST_RECORDS = "firehose.producer.request.records";
    /** Client only, function counter: user records acknowledged, one per {@code put}, since the producer was built. */
    public static final String ACKNOWLEDGED_USER_RECORDS = "firehose.producer.acknowledged.user.records";
    /**
     * Client only, function counter: Firehose records acknowledged since the producer was built; with
     * packing, one per packed record (fewer than {@link #ACKNOWLEDGED_USER_RECORDS}).
     */
    public static final String ACKNOWLEDGED_FIREHOSE_RECORDS = "firehose.producer.acknowledged.firehose.records";
    /**
     * Client only, function counter: what Firehose bills for the acknowledged records, each rounded up
     * to 5 KB (5,120 bytes), since the producer was built.
     */
    public static final String BILLED_BYTES = "firehose.producer.billed.bytes";

    /**
     * Whether the latency timer publishes a percentile histogram by default: no, as is Micrometer's
     * convention. The application turns it on with {@link Builder#publishPercentileHistogram(boolean)}
     * or with a {@code MeterFilter} of its own.
     */
    public static final boolean DEFAULT_PUBLISH_PERCENTILE_HISTOGRAM = false;

    private final FirehoseProducer producer;
    private final Tags tags;
    private final MeterOptions options;
    private final Set<String> declaredStreams;
    private final Listener listener = new Listener();

    // Written under this, read by the producer's threads without a lock: the registries bound and,
    // per stream, its meters in each of them (copy-on-write, as bindTo may add while events flow).
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final Map<String, List<StreamMeters>> streams = new ConcurrentHashMap<>();
    private boolean listening;
    private volatile boolean closed;

    /**
     * Meters for a producer, with only the {@value FirehoseMetric#STREAM_TAG} tag and the defaults
     * of {@link Builder}. Registers nothing until {@link #bindTo} is called.
     *
     * @param producer the producer to observe; the binder never closes it
     * @throws NullPointerException if {@code producer} is {@code null}
     */
    public FirehoseProducerMetrics(FirehoseProducer producer) {
        this(producer, Tags.empty());
    }

    /**
     * Meters for a producer, with extra tags on every meter and the other defaults of
     * {@link Builder}. Registers nothing until {@link #bindTo} is called.
     *
     * @param producer the producer to observe; the binder never closes it
     * @param tags     tags added to every meter, e.g. the application's name; not the
     *                 {@value FirehoseMetric#STREAM_TAG} tag, which the binder sets
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code tags} holds the {@value FirehoseMetric#STREAM_TAG} key
     */
    public FirehoseProducerMetrics(FirehoseProducer producer, Iterable<Tag> tags) {
        this(builder(producer).tags(tags));
    }

    private FirehoseProducerMetrics(Builder builder) {
        this.producer = builder.producer;
        this.tags = builder.tags;
        this.options = new MeterOptions(builder.publishPercentileHistogram, builder.percentiles);
        this.declaredStreams = Set.copyOf(builder.streams);
    }

    /**
     * A builder for more settings than the constructors take.
     *
     * @param producer the producer to observe; the binder never closes it
     * @return a new builder with every setting at its default
     * @throws NullPointerException if {@code producer} is {@code null}
     */
    public static Builder builder(FirehoseProducer producer) {
        return new Builder(producer);
    }

    /**
     * Registers the meters of every stream known so far in {@code registry}, and of every stream
     * seen later. May be called for several registries; binding the same registry again does
     * nothing.
     *
     * @param registry the registry; the binder never closes it
     * @throws NullPointerException  if {@code registry} is {@code null}
     * @throws IllegalStateException if this binder was closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("FirehoseProducerMetrics is closed; create a new one to bind again");
        }
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        Set<String> known = new LinkedHashSet<>(declaredStreams);
        known.addAll(producer.stats().streams().keySet());
        known.addAll(streams.keySet());
        for (String stream : known) {
            List<StreamMeters> meters = streams.computeIfAbsent(stream, s -> new CopyOnWriteArrayList<>());
            meters.add(newMeters(registry, stream));
        }
        if (!listening) {
            producer.addListener(listener);
            listening = true;
        }
    }

    /**
     * Removes every meter this binder registered from its registries and detaches it from the
     * producer. Closing twice is harmless; the binder cannot be bound again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listening) {
            producer.removeListener(listener);
            listening = false;
        }
        streams.values().forEach(list -> list.forEach(StreamMeters::remove));
        streams.clear();
        registries.clear();
    }

    /**
     * The meters this binder registered, for example to check what a {@code MeterFilter} let
     * through or to remove some of them by hand.
     *
     * @return the ids of every meter registered and not removed yet, in all registries (percentile
     *         gauges a registry derives from a timer are not included); a new, modifiable set; empty
     *         after {@link #close()}
     */
    public synchronized Set<Meter.Id> meterIds() {
        Set<Meter.Id> ids = new LinkedHashSet<>();
        streams.values().forEach(list -> list.forEach(m -> ids.addAll(m.ids())));
        return ids;
    }

    private StreamMeters newMeters(MeterRegistry registry, String stream) {
        return new StreamMeters(registry, stream, tags, options, new StatsLevels(producer, stream));
    }

    /** The stream's meters in every bound registry, registering them on first sight. */
    private List<StreamMeters> meters(String stream) {
        List<StreamMeters> meters = streams.get(stream);
        if (meters != null) {
            return meters;
        }
        synchronized (this) {
            if (closed) {
                return List.of();
            }
            return streams.computeIfAbsent(stream, s -> {
                List<StreamMeters> created = new CopyOnWriteArrayList<>();
                for (MeterRegistry registry : registries) {
                    created.add(newMeters(registry, s));
                }
                return created;
            });
        }
    }

    /**
     * Turns the producer's events into meter updates. Runs on the producer's threads: quick, and
     * never throws on purpose (the producer would count and log it).
     */
    private final class Listener implements ProducerListener {

        @Override
        public void onRecordAccepted(String stream, int bytes) {
            for (StreamMeters m : meters(stream)) {
                m.recordsPut(1);
            }
        }

        @Override
        public void onPutBlocked(String stream, java.time.Duration blocked) {
            for (StreamMeters m : meters(stream)) {
                m.putBlocked(blocked);
            }
        }

        @Override
        public void onRequestCompleted(RequestCompletedEvent e) {
            for (StreamMeters m : meters(e.stream())) {
                m.requestSent(e.records());
                if (!e.requestFailed()) {
                    m.requestAnswered(e.records(), e.bytes(), e.latency(), e.acceptedRecords(), e.acceptedBytes(),
                            e.failedRecordsByCode(), e.throttledRecords());
                } else if (unanswered(e.requestErrorCode())) {
                    m.requestUnanswered(e.records(), e.requestErrorCode());
                } else {
                    m.requestRefused(e.records(), e.bytes(), e.latency(), e.requestErrorCode(), e.throttledRecords());
                }
            }
        }

        @Override
        public void onRecordsRetried(String stream, int records) {
            for (StreamMeters m : meters(stream)) {
                m.recordsRetried(records);
            }
        }

        @Override
        public void onRecordSettled(RecordSettledEvent e) {
            for (StreamMeters m : meters(e.stream())) {
                m.recordSettled(e.success() ? null : e.errorCode(), e.attempts(), e.mayBeDuplicated());
            }
        }
    }

    /**
     * Whether a request error code means the request got no answer from the service: the
     * producer's own codes for I/O errors, timeouts and client-side failures.
     */
    static boolean unanswered(String requestErrorCode) {
        return RecordFailedException.IO_ERROR.equals(requestErrorCode)
                || RecordFailedException.API_CALL_TIMEOUT.equals(requestErrorCode)
                || RecordFailedException.CLIENT_ERROR.equals(requestErrorCode)
                || RecordFailedException.DELIVERY_TIMEOUT.equals(requestErrorCode)
                || RecordFailedException.PRODUCER_CLOSED.equals(requestErrorCode);
    }

    /** A stream's levels, read from a fresh {@link FirehoseProducer#stats()} snapshot; 0 for an unknown stream. */
    private record StatsLevels(FirehoseProducer producer, String stream) implements StreamMeters.Levels {

        private double read(ToDoubleFunction<StreamStats> level) {
            StreamStats stats = producer.stats().stream(stream);
            return stats == null ? 0 : level.applyAsDouble(stats);
        }

        @Override
        public double bufferedRecords() {
            return read(StreamStats::bufferedRecords);
        }

        @Override
        public double bufferedBytes() {
            return read(StreamStats::bufferedBytes);
        }

        @Override
        public double inFlightRequests() {
            return read(StreamStats::requestsInFlight);
        }

        @Override
        public double oldestBufferedRecordAgeNanos() {
            return read(s -> s.oldestBufferedRecordAge().toNanos());
        }

        @Override
        public double acknowledgedUserRecords() {
            return read(StreamStats::recordsAcknowledged);
        }

        @Override
        public double acknowledgedFirehoseRecords() {
            return read(StreamStats::firehoseRecordsAcknowledged);
        }

        @Override
        public double billedBytes() {
            return read(StreamStats::billedBytes);
        }
    }

    /** Builds a {@link FirehoseProducerMetrics}. Not thread-safe. */
    public static final class Builder {
        private final FirehoseProducer producer;
        private Tags tags = Tags.empty();
        private boolean publishPercentileHistogram = DEFAULT_PUBLISH_PERCENTILE_HISTOGRAM;
        private double[] percentiles = new double[0];
        private final Set<String> streams = new LinkedHashSet<>();

        private Builder(FirehoseProducer producer) {
            this.producer = Objects.requireNonNull(producer, "producer");
        }

        /**
         * Tags added to every meter, e.g. the application's name. Replaces the tags set before.
         * Default none.
         *
         * @param tags the tags; not the {@value FirehoseMetric#STREAM_TAG} tag, which the binder sets
         * @return this builder
         * @throws NullPointerException     if {@code tags} is {@code null}
         * @throws IllegalArgumentException if {@code tags} holds the {@value FirehoseMetric#STREAM_TAG} key
         */
        public Builder tags(Iterable<Tag> tags) {
            Tags t = Tags.of(Objects.requireNonNull(tags, "tags"));
            if (t.stream().anyMatch(tag -> tag.getKey().equals(FirehoseMetric.STREAM_TAG))) {
                throw new IllegalArgumentException("tag '" + FirehoseMetric.STREAM_TAG
                        + "' is set by the binder on every meter; choose another key");
            }
            this.tags = t;
            return this;
        }

        /**
         * Whether the {@code firehose.put.record.batch.latency} timer publishes a percentile
         * histogram, which Prometheus' {@code histogram_quantile} and the shipped dashboard's
         * latency percentiles need. {@code true} turns it on; {@code false} leaves the choice to
         * the registry and the application's {@code MeterFilter}s, which publish no histogram
         * unless configured to. A histogram adds about 70 series per stream to a Prometheus
         * scrape. Default {@link #DEFAULT_PUBLISH_PERCENTILE_HISTOGRAM} (false).
         *
         * @param publish {@code true} to publish the histogram
         * @return this builder
         */
        public Builder publishPercentileHistogram(boolean publish) {
            this.publishPercentileHistogram = publish;
            return this;
        }

        /**
         * Percentiles the latency timer computes on the client, for registries without histograms
         * (such as CloudWatch). The registry publishes each as a gauge tagged {@code phi}; such
         * percentiles cannot be aggregated across instances. Replaces the percentiles set before.
         * Default none.
         *
         * @param percentiles each in [0, 1], e.g. {@code 0.5, 0.99}; none to compute none
         * @return this builder
         * @throws NullPointerException     if {@code percentiles} is {@code null}
         * @throws IllegalArgumentException if a percentile is outside [0, 1] or {@code NaN}
         */
        public Builder percentiles(double... percentiles) {
            for (double p : percentiles) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("percentile " + p + " must be in [0, 1]");
                }
            }
            this.percentiles = percentiles.clone();
            return this;
        }

        /**
         * Streams whose meters are registered at binding even before their first record, so
         * that dashboards show zeros rather than nothing. Adds to the streams given before.
         * Default none.
         *
         * @param streams delivery stream names
         * @return this builder
         * @throws NullPointerException if {@code streams} is or holds {@code null}
         */
        public Builder streams(String... streams) {
            for (String stream : streams) {
                Objects.requireNonNull(stream, "stream");
            }
            this.streams.addAll(Arrays.asList(streams));
            return this;
        }

        /**
         * Creates the binder. It registers nothing until {@link FirehoseProducerMetrics#bindTo} is
         * called. The builder can go on to build others.
         *
         * @return a new binder with this builder's settings
         */
        public FirehoseProducerMetrics build() {
            return new FirehoseProducerMetrics(this);
        }
    }
}
