package dev.firehose.producer.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one delivery stream in one registry, and what each producer event does to them.
 * Every meter's id is remembered so that {@link #remove()} can take them all out again.
 *
 * <p>Thread-safe: events arrive on the producer's threads and the application's threads.
 */
final class StreamMeters {

    /** Levels read from the producer when a gauge is sampled. */
    interface Levels {
        double bufferedRecords();

        double bufferedBytes();

        double inFlightRequests();

        /** Age of the oldest buffered record in nanoseconds; 0 when nothing is buffered. */
        double oldestBufferedRecordAgeNanos();

        /** User records acknowledged since the producer was built. */
        default double acknowledgedUserRecords() {
            return 0;
        }

        /** Firehose records acknowledged since the producer was built (a packed record counts once). */
        default double acknowledgedFirehoseRecords() {
            return 0;
        }

        /** What Firehose bills for those records: each rounded up to 5 KB. */
        default double billedBytes() {
            return 0;
        }
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Set<Meter.Id> ids = ConcurrentHashMap.newKeySet();

    private final Counter incomingRecords;
    private final Counter incomingBytes;
    private final Counter incomingPutRequests;
    private final Counter throttledRecords;
    private final Counter batchRecords;
    private final Counter batchBytes;
    private final Counter batchRequests;
    private final Timer batchLatency;

    private final Counter putRecords;
    private final Counter retriedRecords;
    private final DistributionSummary recordAttempts;
    private final Counter possibleDuplicates;
    private final Timer putBlocked;
    private final DistributionSummary requestRecords;
    private final Map<String, Counter> failedRecords = new ConcurrentHashMap<>();
    private final Map<String, Counter> failedEntries = new ConcurrentHashMap<>();

    StreamMeters(MeterRegistry registry, String stream, Tags extraTags, MeterOptions options,
                 Levels levels) {
        this.registry = registry;
        this.tags = extraTags.and(FirehoseMetric.STREAM_TAG, stream);

        incomingRecords = counter(FirehoseMetric.INCOMING_RECORDS,
                "Records the service accepted (entries answered with a record id); mirrors the CloudWatch "
                        + "metric AWS/Firehose IncomingRecords");
        incomingBytes = counter(FirehoseMetric.INCOMING_BYTES,
                "Data bytes of the records the service accepted; mirrors the CloudWatch metric AWS/Firehose "
                        + "IncomingBytes");
        incomingPutRequests = counter(FirehoseMetric.INCOMING_PUT_REQUESTS,
                "PutRecordBatch requests the service took in and answered with per-record results, including "
                        + "those with failed entries; mirrors the CloudWatch metric AWS/Firehose IncomingPutRequests");
        throttledRecords = counter(FirehoseMetric.THROTTLED_RECORDS,
                "Records the service refused with ServiceUnavailableException (quota exceeded), as a failed "
                        + "entry or in a refused request; mirrors the CloudWatch metric AWS/Firehose "
                        + "ThrottledRecords");
        batchRecords = counter(FirehoseMetric.PUT_RECORD_BATCH_RECORDS,
                "Records sent in PutRecordBatch requests the service answered with per-record results or "
                        + "refused as throttled; mirrors the CloudWatch metric AWS/Firehose PutRecordBatch.Records");
        batchBytes = counter(FirehoseMetric.PUT_RECORD_BATCH_BYTES,
                "Data bytes sent in PutRecordBatch requests the service answered with per-record results or "
                        + "refused as throttled; mirrors the CloudWatch metric AWS/Firehose PutRecordBatch.Bytes");
        batchRequests = counter(FirehoseMetric.PUT_RECORD_BATCH_REQUESTS,
                "PutRecordBatch requests the service answered with per-record results or refused as "
                        + "throttled; mirrors the CloudWatch metric AWS/Firehose PutRecordBatch.Requests");
        Timer.Builder latency = Timer.builder(FirehoseMetric.PUT_RECORD_BATCH_LATENCY.meterName())
                .description("Time from sending a PutRecordBatch request to its answer (per-record results or refused as "
                        + "throttled), seen by the client, network included; mirrors the CloudWatch metric "
                        + "AWS/Firehose PutRecordBatch.Latency")
                .tags(tags);
        if (options.publishPercentileHistogram()) {
            // Otherwise left unset, so that the registry's defaults and the application's
            // MeterFilters decide, as with any Micrometer meter.
            latency.publishPercentileHistogram(true);
        }
        if (options.percentiles().length > 0) {
            latency.publishPercentiles(options.percentiles());
        }
        batchLatency = remember(latency.register(registry));

        putRecords = counter(FirehoseProducerMetrics.PUT_RECORDS, "records",
                "Records the application handed to put() and the producer took into its buffer (client only)");
        retriedRecords = counter(FirehoseProducerMetrics.RETRIED_RECORDS, "records",
                "Records sent again after a failed attempt, once per new attempt (client only)");
        possibleDuplicates = counter(FirehoseProducerMetrics.POSSIBLE_DUPLICATE_RECORDS, "records",
                "Records that settled after an attempt with an ambiguous outcome (answer lost, or a server "
                        + "error), so the service may hold them twice (client only)");
        recordAttempts = remember(DistributionSummary.builder(FirehoseProducerMetrics.RECORD_ATTEMPTS)
                .description("Attempts a record took until it was acknowledged or failed (client only)")
                .baseUnit("attempts")
                .tags(tags)
                .register(registry));
        requestRecords = remember(DistributionSummary.builder(FirehoseProducerMetrics.REQUEST_RECORDS)
                .description("Records per PutRecordBatch request sent (client only)")
                .baseUnit("records")
                .tags(tags)
                .register(registry));
        putBlocked = remember(Timer.builder(FirehoseProducerMetrics.PUT_BLOCKED)
                .description("Time put() spent blocked waiting for buffer space (client only)")
                .tags(tags)
                .register(registry));

        gauge(FirehoseProducerMetrics.BUFFERED_RECORDS, "records", levels::bufferedRecords,
                "Records taken by put() and not yet settled: waiting, in flight or waiting for a retry "
                        + "(client only)");
        gauge(FirehoseProducerMetrics.BUFFERED_BYTES, "bytes", levels::bufferedBytes,
                "Data bytes of the buffered records (client only)");
        gauge(FirehoseProducerMetrics.IN_FLIGHT_REQUESTS, "requests", levels::inFlightRequests,
                "PutRecordBatch requests sent and not yet answered (client only)");
        functionCounter(FirehoseProducerMetrics.ACKNOWLEDGED_USER_RECORDS, "records", levels,
                Levels::acknowledgedUserRecords,
                "User records acknowledged since the producer was built, one per put (client only)");
        functionCounter(FirehoseProducerMetrics.ACKNOWLEDGED_FIREHOSE_RECORDS, "records", levels,
                Levels::acknowledgedFirehoseRecords,
                "Firehose records acknowledged since the producer was built; with packing fewer than the user "
                        + "records (client only)");
        functionCounter(FirehoseProducerMetrics.BILLED_BYTES, "bytes", levels, Levels::billedBytes,
                "What Firehose bills for the acknowledged records: each rounded up to 5 KB (client only)");
        remember(TimeGauge.builder(FirehoseProducerMetrics.OLDEST_BUFFERED_RECORD_AGE, (Supplier<Number>) levels::oldestBufferedRecordAgeNanos,
                        TimeUnit.NANOSECONDS)
                .description("Time the oldest buffered record has waited; 0 when nothing is buffered (client only)")
                .tags(tags)
                .register(registry));
    }

    // ---- events -------------------------------------------------------------------------------

    /** put() took {@code records} records into the buffer. */
    void recordsPut(long records) {
        putRecords.increment(records);
    }

    /** put() waited {@code blocked} for buffer space. */
    void putBlocked(Duration blocked) {
        putBlocked.record(blocked);
    }

    /** A PutRecordBatch request of {@code records} records completed, answered or not. */
    void requestSent(int records) {
        requestRecords.record(records);
    }

    /**
     * The service answered a PutRecordBatch request with per-record results (HTTP 200), some of
     * which may be errors.
     *
     * @param failedByCode     entries answered with an ErrorCode, by code
     * @param throttledRecords entries among them refused with "Slow down."
     */
    void requestAnswered(int records, long bytes, Duration latency, int acceptedRecords, long acceptedBytes,
                         Map<String, Integer> failedByCode, int throttledRecords) {
        batchRequests.increment();
        batchRecords.increment(records);
        batchBytes.increment(bytes);
        batchLatency.record(latency);
        incomingPutRequests.increment();
        incomingRecords.increment(acceptedRecords);
        incomingBytes.increment(acceptedBytes);
        throttledRecords(throttledRecords);
        failedByCode.forEach((code, n) -> failedEntries(code).increment(n));
    }

    /**
     * The service refused a PutRecordBatch request as a whole with an error answer (for example
     * HTTP 503 ServiceUnavailableException or 500 InternalFailure). A request refused because the
     * stream is throttled ("Slow down.") was received and counted by the service: it counts in
     * {@code PutRecordBatch.*} and {@code ThrottledRecords}, though not as an incoming (successful)
     * request. Any other refused request counts in none of the mirrors.
     *
     * @param throttledRecords records refused with "Slow down.": all of them, or none
     */
    void requestRefused(int records, long bytes, Duration latency, String errorCode, int throttledRecords) {
        if (throttledRecords > 0) {
            batchRequests.increment();
            batchRecords.increment(records);
            batchBytes.increment(bytes);
            batchLatency.record(latency);
            throttledRecords(throttledRecords);
        }
        failedEntries(errorCode).increment(records);
    }

    /** A request got no answer (I/O error, timeout): whether the service saw it is unknown. */
    void requestUnanswered(int records, String errorCode) {
        failedEntries(errorCode).increment(records);
    }

    private void throttledRecords(int n) {
        if (n > 0) {
            throttledRecords.increment(n);
        }
    }

    /** {@code records} records are sent again. */
    void recordsRetried(int records) {
        retriedRecords.increment(records);
    }

    /** A record settled: acknowledged ({@code errorCode == null}) or failed with {@code errorCode}. */
    void recordSettled(String errorCode, int attempts, boolean mayBeDuplicated) {
        recordAttempts.record(attempts);
        if (errorCode != null) {
            failedRecords(errorCode).increment();
        }
        if (mayBeDuplicated) {
            possibleDuplicates.increment();
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** Removes every meter this instance registered. */
    void remove() {
        for (Meter.Id id : ids) {
            registry.remove(id);
        }
        ids.clear();
    }

    Set<Meter.Id> ids() {
        return Set.copyOf(ids);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Counter failedRecords(String code) {
        return failedRecords.computeIfAbsent(code, c -> counter(FirehoseProducerMetrics.FAILED_RECORDS, "records",
                "Records that finally failed (their future completed exceptionally), by error code (client only)",
                c));
    }

    private Counter failedEntries(String code) {
        return failedEntries.computeIfAbsent(code, c -> counter(FirehoseProducerMetrics.FAILED_ENTRIES, "entries",
                "Entries of PutRecordBatch attempts that were not accepted, by error code: failed entries of an "
                        + "answer (FailedPutCount) and all entries of a refused or unanswered request (client only)",
                c));
    }

    private Counter counter(FirehoseMetric metric, String description) {
        return counter(metric.meterName(), metric.baseUnit(), description);
    }

    private Counter counter(String name, String baseUnit, String description) {
        return remember(Counter.builder(name).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry));
    }

    private Counter counter(String name, String baseUnit, String description, String errorCode) {
        return remember(Counter.builder(name).description(description).baseUnit(baseUnit).tags(tags)
                .tag(FirehoseProducerMetrics.ERROR_CODE_TAG, errorCode == null ? "unknown" : errorCode)
                .register(registry));
    }

    private void functionCounter(String name, String baseUnit, Levels levels, ToDoubleFunction<Levels> value,
                                 String description) {
        remember(FunctionCounter.builder(name, levels, value).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry));
    }

    private void gauge(String name, String baseUnit, Supplier<Number> value, String description) {
        remember(Gauge.builder(name, value).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry));
    }

    private <M extends Meter> M remember(M meter) {
        ids.add(meter.getId());
        return meter;
    }
}
