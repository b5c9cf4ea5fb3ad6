package dev.firehose.benchmarks;

import dev.firehose.producer.ProducerConfig;
import java.lang.management.ManagementFactory;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Renders a suite's results as Markdown: the targets with their verdicts, one table per endpoint,
 * the HTTP client comparison and the latency at half rate. Every figure comes from the results;
 * nothing here is a constant of the machine.
 */
final class ResultsReport {

    static final double TARGET_RATIO = 0.90;
    static final double TARGET_RECORDS_PER_SECOND = 1_000_000;
    static final double TARGET_FULL_PERCENT = 99.0;
    static final long LATENCY_SLACK_MILLIS = 50;
    private static final double MIB = 1024.0 * 1024.0;

    private final SuiteResults results;
    private final ProducerConfig config;
    private final String chartFile;

    ResultsReport(SuiteResults results, String chartFile) {
        this.results = results;
        this.config = results.producerConfig;
        this.chartFile = chartFile;
    }

    String markdown(ZonedDateTime when) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "_Measured %s; %s. %s, %d cores, JVM options `%s`. "
                        + "Each figure is the median of the measured runs; ± is half the spread between the fastest "
                        + "and the slowest run._%n%n",
                when.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                results.options.describe(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), jvmOptions()));
        md.append(String.format(Locale.ROOT, "Producer configuration: defaults (linger %d ms, %d requests in flight "
                        + "per stream, buffer %d MiB / %,d records, of which one stream may hold %.0f%%). Ceiling: %d "
                        + "requests in flight from %d threads (async), %d threads (sync).%n%n",
                config.lingerTime().toMillis(), config.maxInFlightRequestsPerStream(),
                config.maxBufferedBytes() / (1024 * 1024), config.maxBufferedRecords(),
                100 * config.maxStreamBufferShare(), results.ceilingInFlight,
                results.options.ceilingAsyncThreads, results.options.syncThreads));
        targets(md);
        for (String endpoint : endpoints()) {
            md.append("\n#### ").append(endpoint.equals("in-process")
                    ? "In-process endpoint (no network: the client's CPU alone)"
                    : "firehose-local, sink mode, over loopback (endpoint in the same process)").append("\n\n");
            mainTable(md, endpoint);
        }
        if (results.main.stream().anyMatch(r -> r.key().startsWith("packed-") && r.measured())) {
            md.append("\n#### What Firehose bills\n\n");
            billingTable(md);
        }
        if (!results.httpCeiling.isEmpty()) {
            md.append("\n#### HTTP clients (firehose-local)\n\n");
            httpTable(md);
        }
        if (!results.halfRate.isEmpty()) {
            md.append("\n#### Latency at half the saturation rate\n\n");
            halfRateTable(md);
        }
        if (!results.liveHeap.isEmpty()) {
            md.append("\n#### Live heap at saturation (after a full GC)\n\n");
            liveHeapTable(md);
        }
        List<String> notes = notes();
        if (!notes.isEmpty()) {
            md.append("\n#### Not measured\n\n");
            for (String note : notes) {
                md.append("- ").append(note).append('\n');
            }
        }
        if (chartFile != null) {
            md.append("\n![records per second by contender, endpoint and record size](").append(chartFile).append(")\n");
        }
        return md.toString();
    }

    // ---- targets ----

    private void targets(StringBuilder md) {
        md.append("| target | where | measured | verdict |\n|---|---|---|---|\n");
        for (String endpoint : endpoints()) {
            for (int size : List.of(100, 1024)) {
                Optional<ScenarioResult> producer = bestProducer(endpoint, size);
                Optional<ScenarioResult> ceiling = find(results.main, endpoint, size, "ceiling-async");
                if (producer.isEmpty() || ceiling.isEmpty()) {
                    continue;
                }
                double ratio = producer.get().recordsPerSecond() / ceiling.get().recordsPerSecond();
                md.append(String.format(Locale.ROOT, "| producer ≥ 90%% of the async ceiling's records/s | %s, %s | "
                                + "%.0f%% (%s, %s vs %s records/s) | %s |%n",
                        endpoint, size(size), 100 * ratio, producer.get().key(),
                        count(producer.get().recordsPerSecond()), count(ceiling.get().recordsPerSecond()),
                        verdict(ratio >= TARGET_RATIO, String.format(Locale.ROOT, "%.0f points",
                                100 * (TARGET_RATIO - ratio)))));
            }
        }
        bestProducer("firehose-local", 100).ifPresent(best -> {
            double rate = best.recordsPerSecond();
            md.append(String.format(Locale.ROOT, "| ≥ 1,000,000 records/s of 100 B, endpoint included | "
                            + "firehose-local, 100 B | %s records/s (%s) | %s |%n",
                    count(rate), best.key(), verdict(rate >= TARGET_RECORDS_PER_SECOND,
                            String.format(Locale.ROOT, "%.0f%%", 100 * (1 - rate / TARGET_RECORDS_PER_SECOND)))));
        });
        for (String endpoint : endpoints()) {
            List<ScenarioResult> producers = results.main.stream()
                    .filter(r -> r.endpoint().equals(endpoint) && r.key().startsWith("producer-") && r.measured())
                    .toList();
            if (producers.isEmpty()) {
                continue;
            }
            ScenarioResult worst = producers.stream()
                    .min((a, b) -> Double.compare(a.median(RunMeasurement::fullRequestsPercent),
                            b.median(RunMeasurement::fullRequestsPercent))).orElseThrow();
            double full = worst.median(RunMeasurement::fullRequestsPercent);
            md.append(String.format(Locale.ROOT, "| ≥ 99%% of requests full at saturation | %s, all sizes | "
                            + "lowest %.1f%% (%s, %s), requests sent while the threads were putting | %s |%n",
                    endpoint, full, worst.key(), size(worst.recordSize()), verdict(full >= TARGET_FULL_PERCENT,
                            String.format(Locale.ROOT, "%.1f points", TARGET_FULL_PERCENT - full))));
        }
        long limitMillis = config.lingerTime().toMillis() + LATENCY_SLACK_MILLIS;
        for (SuiteResults.HalfRate half : results.halfRate) {
            ScenarioResult r = half.result();
            if (!r.measured()) {
                continue;
            }
            double p99 = r.median(RunMeasurement::p99Micros) / 1000.0;
            md.append(String.format(Locale.ROOT, "| p99 put-to-ack ≤ linger + 50 ms (%d ms) at half rate%s | %s, %s | "
                            + "%.1f ms at %s records/s | %s |%n",
                    limitMillis, isPacked(r) ? ", packed" : "", r.endpoint(), size(r.recordSize()), p99,
                    count(half.fedRecordsPerSecond()),
                    verdict(p99 <= limitMillis, String.format(Locale.ROOT, "%.1f ms", p99 - limitMillis))));
        }
        packingTargets(md);
        heapTarget(md);
    }

    /**
     * Packing's targets: packed user records per second against the raw SDK's async ceiling for
     * unpacked records (2x at 100 B, 1.5x at 1 KiB), and what Firehose bills per 1,000 user records
     * of 100 B (at most 1/40 of unpacked).
     */
    private void packingTargets(StringBuilder md) {
        for (String endpoint : endpoints()) {
            for (int size : List.of(100, 1024)) {
                double target = size == 100 ? 2.0 : 1.5;
                Optional<ScenarioResult> packed = bestWith(endpoint, size, "packed-");
                Optional<ScenarioResult> ceiling = find(results.main, endpoint, size, "ceiling-async");
                if (packed.isEmpty() || ceiling.isEmpty()) {
                    continue;
                }
                double ratio = packed.get().recordsPerSecond() / ceiling.get().recordsPerSecond();
                md.append(String.format(Locale.ROOT, "| packed ≥ %.1fx the unpacked async ceiling's records/s | %s, %s "
                                + "| %.2fx (%s, %s vs %s records/s) | %s |%n",
                        target, endpoint, size(size), ratio, packed.get().key(),
                        count(packed.get().recordsPerSecond()), count(ceiling.get().recordsPerSecond()),
                        verdict(ratio >= target, String.format(Locale.ROOT, "%.2fx", target - ratio))));
            }
        }
        for (String prefix : List.of("packed-", "packed-gzip-")) {
            results.main.stream()
                    .filter(r -> r.recordSize() == 100 && isPacked(r.key(), prefix) && r.measured())
                    .findFirst()
                    .ifPresent(r -> {
                        double packed = r.median(m -> m.outcome().billedPerThousand(m.recordSize()));
                        double unpacked = 1_000.0 * 5_120;
                        boolean gzip = prefix.equals("packed-gzip-");
                        md.append(String.format(Locale.ROOT, "| billed bytes per 1,000 user records of 100 B%s | "
                                        + "%s, 100 B | %,.0f bytes (%s), 1/%.0f of unpacked (%,.0f) | %s |%n",
                                gzip ? ", packed with GZIP (reported)" : ", packed ≤ 1/40 of unpacked",
                                r.endpoint(), packed, r.key(), unpacked / Math.max(1, packed), unpacked,
                                gzip ? "reported" : verdict(packed * 40 <= unpacked,
                                        String.format(Locale.ROOT, "1/%.0f", unpacked / Math.max(1, packed)))));
                    });
        }
    }

    /**
     * Billed bytes per 1,000 records, for each size and each contender that packs (measured: each
     * Firehose record it stored, rounded up to 5 KB), against the same records unpacked (each
     * rounded up to 5 KB), on the first endpoint that measured it.
     */
    private void billingTable(StringBuilder md) {
        md.append("Firehose bills every record rounded up to 5 KB (5,120 bytes). Unpacked, each user record is a "
                + "Firehose record; packed (newline-delimited, at most 500 user records and 1,000 KiB per Firehose "
                + "record), hundreds share one.\n\n");
        md.append("| size | contender | user records per Firehose record | billed per 1,000 records | unpacked "
                + "| saving |\n|---|---|--:|--:|--:|--:|\n");
        for (int size : results.options.sizes) {
            for (String prefix : List.of("packed-", "packed-gzip-")) {
                results.main.stream()
                        .filter(r -> r.recordSize() == size && isPacked(r.key(), prefix) && r.measured())
                        .findFirst()
                        .ifPresent(r -> {
                            double billed = r.median(m -> m.outcome().billedPerThousand(m.recordSize()));
                            double unpacked = 1_000.0 * ((size + 5_119L) / 5_120 * 5_120);
                            double perRecord = r.median(m -> m.requests().records() == 0 ? 0
                                    : (double) m.outcome().acknowledged() / m.requests().records());
                            md.append(String.format(Locale.ROOT, "| %s | %s (%s) | %,.0f | %,.0f bytes | %,.0f bytes "
                                            + "| %.0fx |%n",
                                    size(size), r.key(), r.endpoint(), perRecord, billed, unpacked,
                                    unpacked / Math.max(1, billed)));
                        });
            }
        }
    }

    private static boolean isPacked(String key, String prefix) {
        return prefix.equals("packed-") ? key.startsWith("packed-") && !key.startsWith("packed-gzip-")
                : key.startsWith(prefix);
    }

    private Optional<ScenarioResult> bestWith(String endpoint, int size, String prefix) {
        return results.main.stream()
                .filter(r -> r.endpoint().equals(endpoint) && r.recordSize() == size && isPacked(r.key(), prefix)
                        && r.measured())
                .max(Comparator.comparingDouble(ScenarioResult::recordsPerSecond));
    }

    /**
     * The heap target: on the live heap at saturation when the heap probe ran, otherwise on the
     * heap left after any collection during the measured runs (an upper bound).
     */
    private void heapTarget(StringBuilder md) {
        long boundBytes = heapBoundBytes();
        String target = String.format(Locale.ROOT, "heap held ≤ buffer bound + requests in flight (%.0f MiB)",
                boundBytes / MIB);
        String bound = String.format(Locale.ROOT, "%nThe heap bound is the buffer bound (%d MiB of record data, "
                        + "in-flight records included) plus one marshalled body (base64, 4/3 of 4 MiB) per request in "
                        + "flight (%d). ",
                config.maxBufferedBytes() / (1024 * 1024), config.maxInFlightRequestsPerStream());
        List<String> probed = results.liveHeap.stream().filter(HeapProbe.Result::measured)
                .map(HeapProbe.Result::endpoint).distinct().toList();
        if (!probed.isEmpty()) {
            for (String endpoint : probed) {
                HeapProbe.Result worst = results.liveHeap.stream()
                        .filter(r -> r.measured() && r.endpoint().equals(endpoint))
                        .max(Comparator.comparingLong(HeapProbe.Result::liveAboveIdleBytes)).orElseThrow();
                long live = worst.liveAboveIdleBytes();
                md.append(String.format(Locale.ROOT, "| %s | %s, all sizes | largest %.0f MiB live above the idle "
                                + "heap, after a full GC at saturation (%s, %s; buffer %s, %d requests in flight) | %s |%n",
                        target, endpoint, live / MIB, worst.key(), size(worst.recordSize()), buffered(worst),
                        worst.requestsInFlight(), verdict(live <= boundBytes, String.format(Locale.ROOT, "%.0f MiB",
                                (live - boundBytes) / MIB))));
            }
            md.append(bound).append(String.format(Locale.ROOT, "Live heap is the heap a full collection leaves "
                    + "while the producer is saturated (%d application threads putting, the buffer full, requests in "
                    + "flight), the largest of %d such collections, less the heap a full collection leaves before, "
                    + "with no producer (table below). Over loopback the probe sends to firehose-local in a process "
                    + "of its own, so the figure is the client's alone. The heap after GC of the "
                    + "endpoint tables counts garbage that survived a young collection, so it is only an upper "
                    + "bound.%n",
                    Suite.COMPARISON_PRODUCER_THREADS, HeapProbe.SAMPLES));
            return;
        }
        results.main.stream()
                .filter(r -> r.key().startsWith("producer-") && r.measured())
                .max((a, b) -> Double.compare(retainedHeap(a), retainedHeap(b)))
                .ifPresent(worst -> {
                    double retained = retainedHeap(worst);
                    md.append(String.format(Locale.ROOT, "| %s | all | largest %.0f MiB after GC above the idle heap "
                                    + "(%s, %s, %s) | %s |%n",
                            target, retained / MIB, worst.endpoint(), worst.key(), size(worst.recordSize()),
                            verdict(retained <= boundBytes, String.format(Locale.ROOT, "%.0f MiB",
                                    (retained - boundBytes) / MIB))));
                });
        md.append(bound).append("Heap held is the largest heap use right after a collection during a run, less the "
                + "heap use after the full collection that precedes the run; it counts garbage that survived a young "
                + "collection, so it is an upper bound.\n");
    }

    long heapBoundBytes() {
        return config.maxBufferedBytes()
                + (long) config.maxInFlightRequestsPerStream() * (config.maxBatchBytes() * 4L / 3);
    }

    private static double retainedHeap(ScenarioResult r) {
        return r.median(m -> m.usage().maxHeapAfterGcBytes() - m.usage().startHeapBytes());
    }

    private static String verdict(boolean met, String gap) {
        return met ? "met" : "**missed** by " + gap;
    }

    // ---- tables ----

    private void mainTable(StringBuilder md, String endpoint) {
        md.append("| size | contender | records/s | MiB/s | requests/s | full requests (with final flush) "
                + "| CPU µs/record (client) "
                + "| alloc B/record (client) | latency p50 / p99 / p99.9 ms | heap peak / after GC MiB "
                + "| busiest thread, % of a core | vs async ceiling | vs best ceiling |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n");
        for (ScenarioResult r : results.main) {
            if (!r.endpoint().equals(endpoint)) {
                continue;
            }
            if (!r.measured()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | not measured: %s ||||||||||||%n",
                        size(r.recordSize()), r.description(), r.note()));
                continue;
            }
            Optional<ScenarioResult> asyncCeiling = find(results.main, endpoint, r.recordSize(), "ceiling-async");
            Optional<ScenarioResult> bestCeiling = results.main.stream()
                    .filter(c -> c.endpoint().equals(endpoint) && c.recordSize() == r.recordSize()
                            && c.key().startsWith("ceiling") && c.measured())
                    .max((a, b) -> Double.compare(a.recordsPerSecond(), b.recordsPerSecond()));
            md.append("| ").append(size(r.recordSize()))
                    .append(" | ").append(r.description())
                    .append(" | ").append(rateWithSpread(r))
                    .append(" | ").append(fixed(r.median(RunMeasurement::mebibytesPerSecond), 1))
                    .append(" | ").append(count(r.median(RunMeasurement::requestsPerSecond)))
                    .append(" | ").append(full(r))
                    .append(" | ").append(pair(r, RunMeasurement::cpuMicrosPerRecord,
                            RunMeasurement::clientCpuMicrosPerRecord, 2, endpoint))
                    .append(" | ").append(pair(r, RunMeasurement::allocatedBytesPerRecord,
                            RunMeasurement::clientAllocatedBytesPerRecord, 0, endpoint))
                    .append(" | ").append(latency(r))
                    .append(" | ").append(heap(r))
                    .append(" | ").append(busiest(r))
                    .append(" | ").append(ratio(r, asyncCeiling))
                    .append(" | ").append(ratio(r, bestCeiling))
                    .append(" |\n");
        }
    }

    private void httpTable(StringBuilder md) {
        List<Integer> sizes = results.httpCeiling.stream().map(h -> h.result().recordSize()).distinct().toList();
        md.append("| HTTP client |");
        for (int size : sizes) {
            md.append(" ceiling, ").append(size(size)).append(": records/s (CPU µs/record, client) |")
                    .append(" producer, ").append(size(size)).append(": records/s (CPU µs/record, client) |");
        }
        md.append("\n|---|");
        md.append("--:|--:|".repeat(sizes.size()));
        md.append('\n');
        Set<String> rows = new LinkedHashSet<>();
        results.httpCeiling.forEach(h -> rows.add(h.label()));
        results.httpProducer.forEach(h -> rows.add(h.label()));
        for (String row : rows) {
            md.append("| ").append(row).append(" |");
            for (int size : sizes) {
                md.append(' ').append(httpCell(results.httpCeiling, row, size)).append(" |");
                md.append(' ').append(httpCell(results.httpProducer, row, size)).append(" |");
            }
            md.append('\n');
        }
        md.append(String.format(Locale.ROOT, "%nCeiling: async clients keep %d requests in flight from %d threads; "
                        + "sync clients are driven by %d threads. Producer: %d application threads; it calls an async "
                        + "client from its request threads (one per core), and a sync client from one request thread "
                        + "per request in flight (up to %d).%n",
                results.ceilingInFlight, results.options.ceilingAsyncThreads, results.options.syncThreads,
                Suite.COMPARISON_PRODUCER_THREADS,
                config.maxInFlightRequestsPerStream()));
    }

    private static String httpCell(List<SuiteResults.HttpResult> list, String row, int size) {
        for (SuiteResults.HttpResult h : list) {
            ScenarioResult r = h.result();
            if (h.label().equals(row) && r.recordSize() == size) {
                return r.measured()
                        ? rateWithSpread(r) + " (" + fixed(r.median(RunMeasurement::clientCpuMicrosPerRecord), 2) + ")"
                        : "n/a: " + r.note();
            }
        }
        return "—";
    }

    private void halfRateTable(StringBuilder md) {
        md.append("| endpoint | size | producer | saturation records/s | fed records/s | acknowledged records/s "
                + "| latency p50 / p99 / p99.9 ms | full requests | CPU µs/record (client) |\n");
        md.append("|---|---|---|--:|--:|--:|--:|--:|--:|\n");
        for (SuiteResults.HalfRate half : results.halfRate) {
            ScenarioResult r = half.result();
            String kind = isPacked(r) ? "packed (newline)" : "unpacked";
            if (!r.measured()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | not measured: %s ||||||%n", r.endpoint(),
                        size(r.recordSize()), kind, r.note()));
                continue;
            }
            md.append("| ").append(r.endpoint())
                    .append(" | ").append(size(r.recordSize()))
                    .append(" | ").append(kind)
                    .append(" | ").append(count(half.saturationRecordsPerSecond()))
                    .append(" | ").append(count(half.fedRecordsPerSecond()))
                    .append(" | ").append(count(r.recordsPerSecond()))
                    .append(" | ").append(latency(r))
                    .append(" | ").append(full(r))
                    .append(" | ").append(pair(r, RunMeasurement::cpuMicrosPerRecord,
                            RunMeasurement::clientCpuMicrosPerRecord, 2, r.endpoint()))
                    .append(" |\n");
        }
    }

    private static boolean isPacked(ScenarioResult r) {
        return r.key().startsWith("packed-");
    }

    void liveHeapTable(StringBuilder md) {
        md.append("| endpoint | size | producer | live heap at saturation above idle, MiB | idle live heap, MiB "
                + "| buffered at the sample: data / records (share of the bound) | requests in flight at the sample |\n");
        md.append("|---|---|---|--:|--:|--:|--:|\n");
        for (HeapProbe.Result r : results.liveHeap) {
            if (!r.measured()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | not measured: %s ||||%n", r.endpoint(),
                        size(r.recordSize()), r.key(), r.note()));
                continue;
            }
            md.append("| ").append(r.endpoint())
                    .append(" | ").append(size(r.recordSize()))
                    .append(" | ").append(r.key())
                    .append(" | ").append(fixed(r.liveAboveIdleBytes() / MIB, 1))
                    .append(" | ").append(fixed(r.idleHeapBytes() / MIB, 1))
                    .append(" | ").append(buffered(r))
                    .append(" | ").append(r.requestsInFlight())
                    .append(" |\n");
        }
        HttpClientKind client = results.options.heapProbeClient;
        md.append(String.format(Locale.ROOT, "%nThe producer fed flat out by %d threads on the %s, "
                        + "after the measured runs: once its buffer has been full for %d ms, %d full collections "
                        + "(`System.gc()`) %d ms apart while the threads keep putting; the largest heap one leaves, "
                        + "less the heap a full collection leaves before the probe with no producer. Buffered and in "
                        + "flight are the producer's own stats just before that collection. Over loopback the "
                        + "producer sends to firehose-local in a JVM of its own (sink mode, it stores nothing), so "
                        + "the figure is the client's alone; direct (off-heap) buffers are not counted.%n",
                Suite.COMPARISON_PRODUCER_THREADS, client == HttpClientKind.NETTY ? "async Netty client"
                        : client.label() + (client.isAsync() ? " async client" : " sync client"),
                HeapProbe.FULL_FOR.toMillis(), HeapProbe.SAMPLES,
                HeapProbe.SAMPLE_SPACING.toMillis()));
    }

    /** Buffered data and records at the sample, and the buffer's fill: the larger share of its two bounds. */
    private String buffered(HeapProbe.Result r) {
        ProducerConfig c = r.key().startsWith("packed-") ? Suite.packedConfig(config, false) : config;
        return fixed(r.bufferedBytes() / MIB, 1) + " MiB / " + count(r.bufferedRecords()) + " records ("
                + fixed(100 * HeapProbe.fillShare(c, r.bufferedBytes(), r.bufferedRecords()), 0) + "%)";
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<ScenarioResult> all = new ArrayList<>(results.main);
        results.httpCeiling.forEach(h -> all.add(h.result()));
        results.httpProducer.forEach(h -> all.add(h.result()));
        for (List<ScenarioResult> list : List.of(all)) {
            for (ScenarioResult r : list) {
                if (!r.measured() && seen.add(r.key() + r.note())) {
                    notes.add(r.key() + " (" + r.endpoint() + "): " + r.note());
                }
            }
        }
        return notes;
    }

    // ---- helpers ----

    private List<String> endpoints() {
        return results.main.stream().map(ScenarioResult::endpoint).distinct().collect(Collectors.toList());
    }

    private Optional<ScenarioResult> bestProducer(String endpoint, int size) {
        return results.main.stream()
                .filter(r -> r.endpoint().equals(endpoint) && r.recordSize() == size && r.key().startsWith("producer-")
                        && r.measured())
                .max((a, b) -> Double.compare(a.recordsPerSecond(), b.recordsPerSecond()));
    }

    private static Optional<ScenarioResult> find(List<ScenarioResult> list, String endpoint, int size, String key) {
        return list.stream()
                .filter(r -> r.endpoint().equals(endpoint) && r.recordSize() == size && r.key().equals(key)
                        && r.measured())
                .findFirst();
    }

    private static String rateWithSpread(ScenarioResult r) {
        return count(r.recordsPerSecond()) + (r.runs().size() > 1
                ? " ±" + fixed(r.recordsPerSecondSpreadPercent(), 0) + "%" : "");
    }

    private static String pair(ScenarioResult r, ToDoubleFunction<RunMeasurement> total,
                               ToDoubleFunction<RunMeasurement> client, int decimals, String endpoint) {
        String all = decimals == 0 ? count(r.median(total)) : fixed(r.median(total), decimals);
        if (!endpoint.equals("firehose-local")) {
            return all;
        }
        String own = decimals == 0 ? count(r.median(client)) : fixed(r.median(client), decimals);
        return all + " (" + own + ")";
    }

    /** Full requests while feeding, and in parentheses over the whole run when the final flush changes it. */
    private static String full(ScenarioResult r) {
        String saturated = fixed(r.median(RunMeasurement::fullRequestsPercent), 1) + "%";
        String all = fixed(r.median(RunMeasurement::fullRequestsPercentWithFlush), 1) + "%";
        return saturated.equals(all) ? saturated : saturated + " (" + all + ")";
    }

    private static String latency(ScenarioResult r) {
        return fixed(r.median(RunMeasurement::p50Micros) / 1000.0, 1) + " / "
                + fixed(r.median(RunMeasurement::p99Micros) / 1000.0, 1) + " / "
                + fixed(r.median(RunMeasurement::p999Micros) / 1000.0, 1);
    }

    private static String heap(ScenarioResult r) {
        return count(r.median(m -> m.usage().peakHeapBytes()) / MIB) + " / "
                + count(r.median(m -> m.usage().maxHeapAfterGcBytes()) / MIB);
    }

    /** The busiest thread of the median run, its numbers generalised ({@code app-3} is {@code app-#}). */
    private static String busiest(ScenarioResult r) {
        RunMeasurement median = r.runs().stream()
                .sorted(java.util.Comparator.comparingDouble(RunMeasurement::recordsPerSecond))
                .toList().get(r.runs().size() / 2);
        String name = median.usage().busiestThread().replaceAll("[0-9]+", "#");
        return "`" + name + "` " + fixed(median.busiestThreadPercent(), 0) + "%";
    }

    private static String ratio(ScenarioResult r, Optional<ScenarioResult> ceiling) {
        if (r.key().startsWith("ceiling") && ceiling.isPresent() && ceiling.get() == r) {
            return "—";
        }
        return ceiling.map(c -> fixed(100 * r.recordsPerSecond() / c.recordsPerSecond(), 0) + "%").orElse("—");
    }

    static String size(int bytes) {
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static String jvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") && !a.startsWith("-XX:Flight"))
                .collect(Collectors.joining(" "));
    }
}
