package dev.firehose.local.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.cloudwatch.MetricStore;
import dev.firehose.local.internal.control.ControlPlane;
import dev.firehose.local.internal.data.DataPlane;
import dev.firehose.local.internal.delivery.Delivery;
import dev.firehose.local.internal.delivery.DeliveryTimer;
import dev.firehose.local.internal.delivery.ObjectSink;
import dev.firehose.local.internal.ledger.LedgerBook;
import dev.firehose.local.internal.metrics.FirehoseMetrics;
import dev.firehose.local.internal.partition.RecordProcessing;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.Limits;
import dev.firehose.local.internal.s3.ObjectStore;
import dev.firehose.local.internal.s3.S3Api;
import dev.firehose.local.internal.stream.StreamConfig;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything behind the HTTP server: the streams, the ledger, delivery and the protocol handlers.
 * Thread-safe; independent of the HTTP server.
 */
public final class Engine {

    private final Streams streams;
    private final LedgerBook ledger;
    private final Delivery delivery;
    private final FirehoseApi api;
    private final ControlPlane control;
    private final S3Api s3;
    private final ObjectSink objects;
    private final Clock clock;
    private final boolean sink;

    public Engine(Path dataDirectory, boolean sink, long seed, Faults faults, Quota quota, Clock clock,
                  Duration activationDelay, long ledgerRecordLimit, MetricStore metricStore, ObjectSink objects,
                  DeliveryTimer timer) {
        ObjectMapper mapper = new ObjectMapper();
        this.clock = clock;
        this.sink = sink;
        this.streams = new Streams(seed, faults, quota);
        this.ledger = new LedgerBook(!sink, ledgerRecordLimit);
        FirehoseMetrics metrics = new FirehoseMetrics(metricStore);
        this.objects = objects;
        this.delivery = new Delivery(objects, metrics, clock, timer);
        this.control = new ControlPlane(mapper, streams, delivery, clock, activationDelay);
        DataPlane data = new DataPlane(streams, ledger, delivery, metrics, clock, sink, seed);
        this.api = new FirehoseApi(mapper, data, control);
        this.s3 = new S3Api(new ObjectStore(dataDirectory, this::streamBuckets));
    }

    /** The S3 API over the delivered objects. */
    public S3Api s3() {
        return s3;
    }

    /** The buckets the streams deliver to, each with the creation time of its oldest stream. */
    private Map<String, Instant> streamBuckets() {
        Map<String, Instant> out = new HashMap<>();
        for (StreamRuntime s : streams.all()) {
            out.merge(s.config().bucket(), s.config().createdAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        return out;
    }

    public FirehoseApi api() {
        return api;
    }

    public Streams streams() {
        return streams;
    }

    public LedgerBook ledger() {
        return ledger;
    }

    public boolean sink() {
        return sink;
    }

    /**
     * Creates a DirectPut stream delivering to bucket {@code bucket} with default hints, ACTIVE at once.
     *
     * @throws IllegalStateException when a stream of that name exists
     * @throws IllegalArgumentException when the name breaks the service's rules
     */
    public void createStream(String name, String bucket) {
        List<String> problems = new ArrayList<>();
        Limits.checkStreamName(name, "deliveryStreamName", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Instant now = clock.instant();
        StreamConfig config = new StreamConfig(name, Streams.arn(name), "1", now, now, "ExtendedS3",
                StreamConfig.DEFAULT_ROLE_ARN, "arn:aws:s3:::" + bucket, bucket, "", "",
                StreamConfig.DEFAULT_SIZE_IN_MBS, StreamConfig.DEFAULT_INTERVAL_SECONDS, "UNCOMPRESSED",
                RecordProcessing.none());
        try {
            control.createActive(config);
        } catch (ApiError e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** Releases where objects go (an S3 client); call after the last delivery. */
    public void close() {
        objects.close();
    }

    /** Delivers every stream's buffer now. */
    public void deliverNow() {
        for (StreamRuntime s : streams.all()) {
            synchronized (s) {
                delivery.deliver(s);
            }
        }
    }

    /** Delivers the buffers whose interval hint (or zero-buffering window) has passed by the clock. */
    public void deliverDue() {
        Instant now = clock.instant();
        for (StreamRuntime s : streams.all()) {
            synchronized (s) {
                delivery.deliverIfDue(s, now);
            }
        }
    }
}
