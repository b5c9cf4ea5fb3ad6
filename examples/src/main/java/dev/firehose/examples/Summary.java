package dev.firehose.examples;

import dev.firehose.producer.metrics.FirehoseMetric;
import dev.firehose.producer.metrics.Reconciliation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.firehose.producer.StreamStats;
import java.time.Duration;
import java.util.Map;

/**
 * The run in numbers: what the futures said (records put, acknowledged, failed by code, latency)
 * next to what the producer's meters counted (requests, retries, throttled records).
 *
 * @param stream the delivery stream
 * @param put records put
 * @param acknowledged records acknowledged
 * @param failedByCode records failed, by error code
 * @param requests PutRecordBatch requests the service answered (meter {@code firehose.put.record.batch.requests})
 * @param retried records resent (meter {@code firehose.producer.retried.records})
 * @param throttled entries refused with "Slow down." (meter {@code firehose.throttled.records})
 * @param elapsed from the first put to the last settled record
 * @param latencyP50 median put-to-acknowledgement time
 * @param latencyP99 99th percentile put-to-acknowledgement time
 * @param firehoseRecords Firehose records stored (fewer than {@code acknowledged} with packing)
 * @param billedBytes what Firehose bills for them: each rounded up to 5 KB
 * @param unpackedBilledBytes what it would bill for the same records sent one per Firehose record
 */
record Summary(String stream, long put, long acknowledged, Map<String, Long> failedByCode, long requests,
               long retried, long throttled, Duration elapsed, Duration latencyP50, Duration latencyP99,
               long firehoseRecords, long billedBytes, long unpackedBilledBytes) {

    static final String RETRIED_RECORDS = "firehose.producer.retried.records";

    /**
     * @param meters the client's AWS/Firehose-named counts, from {@link Reconciliation#clientTotals}
     */
    static Summary of(TrafficRun.Outcome outcome, Map<FirehoseMetric, Double> meters, MeterRegistry registry,
                      String stream, StreamStats stats) {
        return new Summary(stream, outcome.put(), outcome.acknowledged(), outcome.failedByCode(),
                Math.round(meters.getOrDefault(FirehoseMetric.PUT_RECORD_BATCH_REQUESTS, 0.0)),
                count(registry, RETRIED_RECORDS, stream),
                Math.round(meters.getOrDefault(FirehoseMetric.THROTTLED_RECORDS, 0.0)),
                outcome.elapsed(), outcome.latencyP50(), outcome.latencyP99(), stats.firehoseRecordsAcknowledged(),
                stats.billedBytes(), outcome.unpackedBilledBytes());
    }

    /** The sum of the client-only counters named {@code name} for the stream, over any other tags. */
    static long count(MeterRegistry registry, String name, String stream) {
        double sum = 0;
        for (Meter meter : registry.find(name).tag(FirehoseMetric.STREAM_TAG, stream).meters()) {
            if (meter instanceof Counter counter) {
                sum += counter.count();
            } else if (meter instanceof FunctionCounter counter) {
                sum += counter.count();
            }
        }
        return Math.round(sum);
    }

    long failed() {
        return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    String render() {
        StringBuilder out = new StringBuilder("Summary for stream ").append(stream).append('\n');
        line(out, "records put", String.format("%,d", put));
        line(out, "acknowledged", String.format("%,d (%.1f%%)", acknowledged, 100.0 * acknowledged / Math.max(1, put)));
        line(out, "failed", String.format("%,d", failed()));
        failedByCode.forEach((code, count) -> line(out, "  " + code, String.format("%,d", count)));
        line(out, "requests", String.format("%,d PutRecordBatch (%.0f records per request on average)",
                requests, requests == 0 ? 0.0 : (double) (acknowledged + retried) / requests));
        line(out, "retries", String.format("%,d records resent, %,d of them refused with \"Slow down.\"",
                retried, throttled));
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        line(out, "throughput", String.format("%,.0f records/s (%.2f s in all)", put / seconds, seconds));
        line(out, "put to ack", String.format("p50 %,d ms, p99 %,d ms", latencyP50.toMillis(), latencyP99.toMillis()));
        line(out, "billed by Firehose", String.format("%,.1f KiB for %,d Firehose records (%,.1f KiB unpacked, %.1fx)",
                billedBytes / 1024.0, firehoseRecords, unpackedBilledBytes / 1024.0,
                billedBytes == 0 ? 0.0 : (double) unpackedBilledBytes / billedBytes));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("  %-26s %s%n", label, value));
    }
}
