package dev.firehose.local.internal.stream;

import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.Limits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The delivery streams of the endpoint, sorted by name, and the faults and quota set per stream
 * name (a setting may precede the stream's creation and outlives its deletion). Thread-safe.
 */
public final class Streams {

    public static final String ACCOUNT = "000000000000";
    public static final String REGION = "us-east-1";

    private final ConcurrentSkipListMap<String, StreamRuntime> streams = new ConcurrentSkipListMap<>();
    private final Map<String, Faults> faults = new ConcurrentHashMap<>();
    private final Map<String, Quota> quotas = new ConcurrentHashMap<>();
    private final long seed;
    private volatile Faults defaultFaults;
    private volatile Quota defaultQuota;

    public Streams(long seed, Faults defaultFaults, Quota defaultQuota) {
        this.seed = seed;
        this.defaultFaults = defaultFaults;
        this.defaultQuota = defaultQuota;
    }

    public static String arn(String name) {
        return "arn:aws:firehose:" + REGION + ":" + ACCOUNT + ":deliverystream/" + name;
    }

    /** ResourceNotFoundException for a stream that does not exist, in the service's words. */
    public static ApiError notFound(String stream) {
        return new ApiError(400, ApiError.RESOURCE_NOT_FOUND,
                "Firehose stream " + stream + " under account " + ACCOUNT + " not found.");
    }

    /** Adds a DirectPut stream; returns false when one of that name exists. */
    public boolean create(StreamConfig config) {
        return create(config, StreamControl.directPut());
    }

    /** Adds a stream with its control-plane state; returns false when one of that name exists. */
    public synchronized boolean create(StreamConfig config, StreamControl control) {
        if (streams.containsKey(config.name())) {
            return false;
        }
        if (streams.size() >= Limits.MAX_STREAMS) {
            throw new ApiError(400, ApiError.LIMIT_EXCEEDED, "You have already reached the limit of "
                    + Limits.MAX_STREAMS + " Firehose streams in this account and region.");
        }
        streams.put(config.name(), new StreamRuntime(config, control, seed));
        return true;
    }

    /** The stream, or {@code null}. */
    public StreamRuntime get(String name) {
        return streams.get(name);
    }

    /** The stream if it exists and is ACTIVE at {@code now}, else ResourceNotFoundException. */
    public StreamRuntime active(String name, Instant now) {
        StreamRuntime s = streams.get(name);
        if (s == null || now.isBefore(s.config().activeAt())) {
            throw notFound(name);
        }
        return s;
    }

    public StreamRuntime remove(String name) {
        return streams.remove(name);
    }

    /** Names after {@code exclusiveStart} (or from the first), at most {@code limit + 1} of them. */
    public List<String> namesAfter(String exclusiveStart, int limit) {
        return namesAfter(exclusiveStart, limit, s -> true);
    }

    /** Names of the streams that pass {@code filter}, after {@code exclusiveStart}, at most {@code limit + 1}. */
    public List<String> namesAfter(String exclusiveStart, int limit, Predicate<StreamRuntime> filter) {
        Collection<StreamRuntime> after = exclusiveStart == null ? streams.values()
                : streams.tailMap(exclusiveStart, false).values();
        List<String> out = new ArrayList<>(Math.min(limit + 1, after.size()));
        for (StreamRuntime s : after) {
            if (out.size() > limit) {
                break;
            }
            if (filter.test(s)) {
                out.add(s.config().name());
            }
        }
        return out;
    }

    public Collection<StreamRuntime> all() {
        return streams.values();
    }

    public Faults faults(String stream) {
        Faults f = faults.get(stream);
        return f != null ? f : defaultFaults;
    }

    public Quota quota(String stream) {
        Quota q = quotas.get(stream);
        return q != null ? q : defaultQuota;
    }

    public void setFaults(String stream, Faults f) {
        faults.put(stream, f);
    }

    public void setQuota(String stream, Quota q) {
        quotas.put(stream, q);
    }

    /** Sets the faults of every stream without its own setting. */
    public void setDefaultFaults(Faults f) {
        defaultFaults = f;
    }

    /** Sets the quota of every stream without its own setting. */
    public void setDefaultQuota(Quota q) {
        defaultQuota = q;
    }
}
