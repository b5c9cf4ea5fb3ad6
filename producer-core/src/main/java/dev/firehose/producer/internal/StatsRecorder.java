package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.StreamStats;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The producer's counters and levels, per stream. Thread-safe: counters are {@link LongAdder}s,
 * so putting threads never contend on them; a snapshot reads them one by one.
 */
final class StatsRecorder {

    /** One stream's counters. */
    static final class Counters {
        final LongAdder recordsPut = new LongAdder();
        final LongAdder bytesPut = new LongAdder();
        final LongAdder recordsAcknowledged = new LongAdder();
        final LongAdder bytesAcknowledged = new LongAdder();
        final LongAdder recordsFailed = new LongAdder();
        final ConcurrentHashMap<String, LongAdder> failedByCode = new ConcurrentHashMap<>();
        final LongAdder recordsRetried = new LongAdder();
        final LongAdder recordsMayBeDuplicated = new LongAdder();
        final LongAdder requests = new LongAdder();
        final LongAdder requestsFailed = new LongAdder();
        final LongAdder requestRecords = new LongAdder();
        final LongAdder firehoseRecordsAcknowledged = new LongAdder();
        final LongAdder billedBytes = new LongAdder();
        final LongAdder requestBytes = new LongAdder();
        final LongAdder throttledRecords = new LongAdder();
        /** Bytes of failed records; buffered records and bytes are what was put less what settled. */
        final LongAdder bytesFailed = new LongAdder();
        /** Requests sent and not yet answered: counted down before their records settle. */
        final LongAdder requestsInFlight = new LongAdder();
    }

    private final ConcurrentHashMap<String, Counters> streams = new ConcurrentHashMap<>();
    private final LongAdder putsBlocked = new LongAdder();
    private final LongAdder listenerErrors = new LongAdder();
    private final LongAdder acknowledgedLate = new LongAdder();
    /** The counters of streams whose state was dropped, so that the totals never go back. */
    private final Counters retired = new Counters();

    Counters stream(String stream) {
        Counters c = streams.get(stream);
        return c != null ? c : streams.computeIfAbsent(stream, s -> new Counters());
    }

    void recordAccepted(String stream, int bytes) {
        recordAccepted(stream(stream), bytes);
    }

    /** A record accepted into a stream whose counters the caller holds (from {@link #stream}). */
    static void recordAccepted(Counters c, int bytes) {
        c.recordsPut.increment();
        c.bytesPut.add(bytes);
    }

    void recordSettled(String stream, int bytes, String errorCode, boolean mayBeDuplicated) {
        Counters c = stream(stream);
        if (errorCode == null) {
            c.recordsAcknowledged.increment();
            c.bytesAcknowledged.add(bytes);
        } else {
            c.bytesFailed.add(bytes);
            c.recordsFailed.increment();
            c.failedByCode.computeIfAbsent(errorCode, k -> new LongAdder()).increment();
        }
        if (mayBeDuplicated) {
            c.recordsMayBeDuplicated.increment();
        }
    }

    /** {@code records} acknowledged records of one response, {@code bytes} in all. */
    void recordsAcknowledged(String stream, int records, long bytes, int mayBeDuplicated) {
        Counters c = stream(stream);
        c.recordsAcknowledged.add(records);
        c.bytesAcknowledged.add(bytes);
        if (mayBeDuplicated > 0) {
            c.recordsMayBeDuplicated.add(mayBeDuplicated);
        }
    }

    void requestSent(String stream) {
        stream(stream).requestsInFlight.increment();
    }

    /** A request sent and never answered: close failed its records. */
    void requestAbandoned(String stream) {
        stream(stream).requestsInFlight.decrement();
    }

    void requestCompleted(String stream, int records, long bytes, boolean failed, int throttled) {
        Counters c = stream(stream);
        c.requestsInFlight.decrement();
        c.requests.increment();
        c.requestRecords.add(records);
        c.requestBytes.add(bytes);
        if (failed) {
            c.requestsFailed.increment();
        }
        c.throttledRecords.add(throttled);
    }

    /**
     * Firehose records the service stored (a packed record counts once), and what it bills for them.
     *
     * @param records the acknowledged Firehose records of a response
     * @param billedBytes their sizes, each rounded up to the next 5 KB
     */
    void firehoseRecordsAcknowledged(String stream, int records, long billedBytes) {
        Counters c = stream(stream);
        c.firehoseRecordsAcknowledged.add(records);
        c.billedBytes.add(billedBytes);
    }

    void recordsRetried(String stream, int records) {
        stream(stream).recordsRetried.add(records);
    }

    /** Records the service acknowledged after the producer had failed them at their deadline. */
    void recordsAcknowledgedLate(String stream, int records) {
        acknowledgedLate.add(records);
    }

    /**
     * Drops a stream's counters, keeping them in the totals (sender thread, when the stream has been
     * idle: nothing buffered, nothing in flight, no put in progress).
     */
    void retire(String stream) {
        synchronized (retired) {
            // Under the same lock as snapshot: a snapshot sees the stream either live or retired.
            Counters c = streams.remove(stream);
            if (c == null) {
                return;
            }
            retired.recordsPut.add(c.recordsPut.sum());
            retired.bytesPut.add(c.bytesPut.sum());
            retired.recordsAcknowledged.add(c.recordsAcknowledged.sum());
            retired.bytesAcknowledged.add(c.bytesAcknowledged.sum());
            retired.recordsFailed.add(c.recordsFailed.sum());
            c.failedByCode.forEach((code, n) -> retired.failedByCode.computeIfAbsent(code, k -> new LongAdder())
                    .add(n.sum()));
            retired.recordsRetried.add(c.recordsRetried.sum());
            retired.recordsMayBeDuplicated.add(c.recordsMayBeDuplicated.sum());
            retired.requests.add(c.requests.sum());
            retired.requestsFailed.add(c.requestsFailed.sum());
            retired.requestRecords.add(c.requestRecords.sum());
            retired.requestBytes.add(c.requestBytes.sum());
            retired.firehoseRecordsAcknowledged.add(c.firehoseRecordsAcknowledged.sum());
            retired.billedBytes.add(c.billedBytes.sum());
            retired.throttledRecords.add(c.throttledRecords.sum());
            retired.bytesFailed.add(c.bytesFailed.sum());
        }
    }

    void putBlocked() {
        putsBlocked.increment();
    }

    void listenerError() {
        listenerErrors.increment();
    }

    /**
     * @param accumulator read for the oldest-record level
     * @param now the current time in nanoseconds
     */
    ProducerStats snapshot(RecordAccumulator accumulator, long now) {
        synchronized (retired) {
            return snapshotLocked(accumulator, now);
        }
    }

    private ProducerStats snapshotLocked(RecordAccumulator accumulator, long now) {
        Map<String, StreamStats> perStream = new TreeMap<>();
        long[] sum = new long[17];
        Map<String, Long> totalByCode = new HashMap<>();
        int totalInFlight = 0;
        long oldest = 0;
        for (Map.Entry<String, Counters> e : streams.entrySet()) {
            String stream = e.getKey();
            Counters c = e.getValue();
            Map<String, Long> byCode = new TreeMap<>();
            c.failedByCode.forEach((code, n) -> byCode.put(code, n.sum()));
            byCode.forEach((code, n) -> totalByCode.merge(code, n, Long::sum));
            int inFlight = (int) Math.max(0, c.requestsInFlight.sum());
            long age = accumulator.oldestWaitingAgeNanos(stream, now);
            // Settled before put: a record that settles meanwhile is counted in neither, or in put
            // only, so buffered is never below what it was.
            long acknowledged = c.recordsAcknowledged.sum();
            long bytesAcknowledged = c.bytesAcknowledged.sum();
            long failed = c.recordsFailed.sum();
            long bytesFailed = c.bytesFailed.sum();
            long put = c.recordsPut.sum();
            long bytesPut = c.bytesPut.sum();
            StreamStats s = new StreamStats(stream, put, bytesPut, acknowledged,
                    bytesAcknowledged, failed, Collections.unmodifiableMap(byCode),
                    c.recordsRetried.sum(),
                    c.recordsMayBeDuplicated.sum(), c.requests.sum(), c.requestsFailed.sum(), c.requestRecords.sum(),
                    c.requestBytes.sum(), c.throttledRecords.sum(), Math.max(0, put - acknowledged - failed),
                    Math.max(0, bytesPut - bytesAcknowledged - bytesFailed),
                    inFlight, Duration.ofNanos(age), c.firehoseRecordsAcknowledged.sum(), c.billedBytes.sum());
            perStream.put(stream, s);
            long[] v = {s.recordsPut(), s.bytesPut(), s.recordsAcknowledged(), s.bytesAcknowledged(), s.recordsFailed(),
                s.recordsRetried(), s.recordsMayBeDuplicated(), s.requests(), s.requestsFailed(), s.requestRecords(),
                s.requestBytes(), s.throttledRecords(), s.bufferedRecords(), s.bufferedBytes(), 0,
                s.firehoseRecordsAcknowledged(), s.billedBytes()};
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i];
            }
            totalInFlight += inFlight;
            oldest = Math.max(oldest, age);
        }
        // Streams whose state was dropped.
        long[] r = {retired.recordsPut.sum(), retired.bytesPut.sum(), retired.recordsAcknowledged.sum(),
            retired.bytesAcknowledged.sum(), retired.recordsFailed.sum(), retired.recordsRetried.sum(),
            retired.recordsMayBeDuplicated.sum(), retired.requests.sum(), retired.requestsFailed.sum(),
            retired.requestRecords.sum(), retired.requestBytes.sum(), retired.throttledRecords.sum(),
            Math.max(0, retired.recordsPut.sum() - retired.recordsAcknowledged.sum() - retired.recordsFailed.sum()),
            Math.max(0, retired.bytesPut.sum() - retired.bytesAcknowledged.sum() - retired.bytesFailed.sum()), 0,
            retired.firehoseRecordsAcknowledged.sum(), retired.billedBytes.sum()};
        for (int i = 0; i < r.length; i++) {
            sum[i] += r[i];
        }
        retired.failedByCode.forEach((code, n) -> totalByCode.merge(code, n.sum(), Long::sum));
        StreamStats total = new StreamStats("*", sum[0], sum[1], sum[2], sum[3], sum[4],
                Collections.unmodifiableMap(new TreeMap<>(totalByCode)),
                sum[5], sum[6], sum[7], sum[8], sum[9], sum[10], sum[11], sum[12], sum[13], totalInFlight,
                Duration.ofNanos(oldest), sum[15], sum[16]);
        return new ProducerStats(total, Collections.unmodifiableMap(perStream), putsBlocked.sum(),
                listenerErrors.sum(), acknowledgedLate.sum());
    }
}
