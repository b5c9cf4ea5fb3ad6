package dev.firehose.benchmarks;

import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the end-to-end suite: every contender against every endpoint at every record size, each
 * scenario followed by the producer's live heap at saturation ({@link HeapProbe}), then the HTTP
 * client comparison and the latency at half the saturation rate. Each contender of a scenario is
 * built fresh, warmed up with one discarded run, then measured {@code runs} times; a full
 * collection runs before each measured run so that one run's garbage is not billed to the next.
 */
final class Suite {

    /** Application threads feeding the producer in the HTTP comparison and at half rate. */
    static final int COMPARISON_PRODUCER_THREADS = 4;
    private static final double MIB = 1024.0 * 1024.0;

    private final SuiteOptions options;
    private final PrintStream log;
    private final ProducerConfig producerConfig;

    /** A suite whose producers run with the default configuration, as a user gets it. */
    Suite(SuiteOptions options, PrintStream log) {
        this(options, log, ProducerConfig.defaults());
    }

    Suite(SuiteOptions options, PrintStream log, ProducerConfig producerConfig) {
        this.options = options;
        this.log = log;
        this.producerConfig = producerConfig;
    }

    ProducerConfig producerConfig() {
        return producerConfig;
    }

    int ceilingInFlight() {
        return options.ceilingInFlight > 0 ? options.ceilingInFlight : producerConfig.maxInFlightRequestsPerStream();
    }

    SuiteResults run() throws Exception {
        SuiteResults results = new SuiteResults(options, producerConfig, ceilingInFlight());
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        try (ResourceMeter meter = new ResourceMeter(LocalEndpoint.THREAD_PREFIX)) {
            for (String name : options.endpoints) {
                endpoints.put(name, Endpoints.create(name));
            }
            jitWarmup(endpoints);
            for (Endpoint endpoint : endpoints.values()) {
                for (int size : options.sizes) {
                    Payloads payloads = Payloads.of(size, size);
                    for (String key : options.contenders) {
                        results.main.add(measure(meter, endpoint, size, options.runs, options.warmupRunTime,
                                () -> mainContender(key, endpoint, payloads, new RequestCounter()), key));
                    }
                    if (options.heapProbe) {
                        results.liveHeap.add(probeHeap(meter, endpoint, payloads, false));
                        if (options.contenders.stream().anyMatch(k -> k.startsWith("packed-"))) {
                            results.liveHeap.add(probeHeap(meter, endpoint, payloads, true));
                        }
                    }
                }
            }
            if (options.httpComparison) {
                Endpoint network = endpoints.values().stream().filter(Endpoint::usesNetwork).findFirst().orElse(null);
                if (network != null) {
                    compareHttpClients(meter, network, results);
                }
            }
            if (options.halfRate) {
                halfRate(meter, endpoints, results);
            }
        } finally {
            for (Endpoint endpoint : endpoints.values()) {
                endpoint.close();
            }
            if (probeEndpoint != null) {
                probeEndpoint.close();
            }
        }
        return results;
    }

    /** Runs every contender briefly at the smallest size on every endpoint, so that the JIT has compiled the paths. */
    private void jitWarmup(Map<String, Endpoint> endpoints) throws Exception {
        if (options.jitWarmup.isZero()) {
            return;
        }
        int size = options.sizes.stream().min(Integer::compare).orElse(100);
        Payloads payloads = Payloads.of(size, size);
        int slices = Math.max(1, endpoints.size() * options.contenders.size());
        Duration slice = options.jitWarmup.dividedBy(slices);
        log.printf(Locale.ROOT, "JIT warm-up: %d s over %d contenders%n", options.jitWarmup.toSeconds(), slices);
        for (Endpoint endpoint : endpoints.values()) {
            for (String key : options.contenders) {
                try (Contender contender = mainContender(key, endpoint, payloads, new RequestCounter())) {
                    contender.drive(slice, new LatencyRecorder());
                }
            }
        }
    }

    /** {@code maxBufferedRecords} of the packed contenders. */
    static final int PACKED_MAX_BUFFERED_RECORDS = 40_000;

    /**
     * The packed contenders' configuration: newline-delimited packing, optionally GZIP. A full
     * packed request holds some 40,000 records of 100 B: the buffer bound in records is raised, and
     * the one stream may take all of it, so that the bound is not what limits a packed producer.
     */
    ProducerConfig packedConfig(boolean gzip) {
        return packedConfig(producerConfig, gzip);
    }

    /** {@link #packedConfig(boolean)} on top of {@code base}. */
    static ProducerConfig packedConfig(ProducerConfig base, boolean gzip) {
        RecordPacking packing = gzip ? RecordPacking.newlineDelimited().gzip() : RecordPacking.newlineDelimited();
        return base.toBuilder().packing(packing).maxBufferedRecords(PACKED_MAX_BUFFERED_RECORDS)
                .maxStreamBufferShare(1.0).build();
    }

    /** The contenders of the main table. */
    Contender mainContender(String key, Endpoint endpoint, Payloads payloads, RequestCounter counter) {
        return switch (key) {
            case "ceiling-async" -> new CeilingAsync(endpoint, HttpClientKind.NETTY, ceilingInFlight(),
                    options.ceilingAsyncThreads, payloads, counter);
            case "ceiling-sync" -> new CeilingSync(endpoint, HttpClientKind.APACHE, options.syncThreads, payloads, counter);
            case "loop" -> new HandWrittenLoop(endpoint, HttpClientKind.APACHE, payloads, counter);
            default -> {
                String prefix = key.startsWith("producer-") ? "producer-" : key.startsWith("packed-gzip-")
                        ? "packed-gzip-" : key.startsWith("packed-") ? "packed-" : null;
                if (prefix == null) {
                    throw new IllegalArgumentException("unknown contender " + key);
                }
                int threads = Integer.parseInt(key.substring(prefix.length()));
                ProducerConfig config = switch (prefix) {
                    case "packed-" -> packedConfig(false);
                    case "packed-gzip-" -> packedConfig(true);
                    default -> producerConfig;
                };
                yield ProducerContender.onAsyncClient(endpoint, HttpClientKind.NETTY, threads, 0, payloads, counter,
                        config);
            }
        };
    }

    /** firehose-local in a process of its own, for the heap probe over loopback; started when first needed. */
    private ProcessEndpoint probeEndpoint;

    /**
     * The live heap of the producer fed by {@link #COMPARISON_PRODUCER_THREADS} threads, after the
     * measured runs; unpacked, or packed as the packed contenders are (without GZIP). Over loopback
     * the producer sends to firehose-local in a process of its own, so that the heap is the client's.
     */
    private HeapProbe.Result probeHeap(ResourceMeter meter, Endpoint scenarioEndpoint, Payloads payloads,
            boolean packed) {
        int size = payloads.recordSize();
        String key = (packed ? "packed-" : "producer-") + COMPARISON_PRODUCER_THREADS;
        ProducerConfig config = packed ? packedConfig(false) : producerConfig;
        long began = System.nanoTime();
        Endpoint endpoint = scenarioEndpoint;
        try {
            if (scenarioEndpoint.usesNetwork()) {
                if (probeEndpoint == null) {
                    probeEndpoint = ProcessEndpoint.start();
                }
                endpoint = probeEndpoint;
            }
            Endpoint target = endpoint;
            HeapProbe.Result r = new HeapProbe(meter, config).probe(endpoint.name(), size,
                    () -> options.heapProbeClient.isAsync()
                            ? ProducerContender.onAsyncClient(target, options.heapProbeClient,
                                    COMPARISON_PRODUCER_THREADS, 0, payloads, new RequestCounter(), config)
                            : ProducerContender.onSyncClient(target, options.heapProbeClient,
                                    COMPARISON_PRODUCER_THREADS, 0, payloads, new RequestCounter(), config));
            log.printf(Locale.ROOT, "%-15s %6d B  heap probe (%s): live %.1f MiB above idle (idle %.1f MiB), "
                            + "buffered %.1f MiB / %,d records, %d requests in flight: %.1f s%n",
                    endpoint.name(), size, key, r.liveAboveIdleBytes() / MIB, r.idleHeapBytes() / MIB,
                    r.bufferedBytes() / MIB, r.bufferedRecords(), r.requestsInFlight(),
                    (System.nanoTime() - began) / 1e9);
            return r;
        } catch (Exception | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.printf(Locale.ROOT, "%-15s %6d B  heap probe (%s) failed: %s%n", endpoint.name(), size, key, e);
            return HeapProbe.Result.unavailable(endpoint.name(), size, key, rootMessage(e));
        }
    }

    private void compareHttpClients(ResourceMeter meter, Endpoint endpoint, SuiteResults results) {
        int runs = Math.min(options.runs, 3);
        // These clients' own code paths were not part of the JIT warm-up: give them a longer first run.
        Duration warmup = options.warmupRunTime.isZero()
                ? Duration.ZERO : max(options.warmupRunTime, Duration.ofSeconds(2));
        for (int size : options.httpComparisonSizes) {
            Payloads payloads = Payloads.of(size, size);
            for (HttpClientKind kind : HttpClientKind.values()) {
                results.httpCeiling.add(new SuiteResults.HttpResult(rowLabel(kind), measure(meter, endpoint, size, runs, warmup,
                        () -> kind.isAsync()
                        ? new CeilingAsync(endpoint, kind, ceilingInFlight(), options.ceilingAsyncThreads, payloads,
                                new RequestCounter())
                        : new CeilingSync(endpoint, kind, options.syncThreads, payloads, new RequestCounter()),
                        "ceiling on " + rowLabel(kind))));
            }
            for (HttpClientKind kind : HttpClientKind.values()) {
                results.httpProducer.add(new SuiteResults.HttpResult(rowLabel(kind), measure(meter, endpoint, size, runs, warmup,
                        () -> kind.isAsync()
                        ? ProducerContender.onAsyncClient(endpoint, kind, COMPARISON_PRODUCER_THREADS, 0, payloads,
                                new RequestCounter(), producerConfig)
                        : ProducerContender.onSyncClient(endpoint, kind, COMPARISON_PRODUCER_THREADS, 0, payloads,
                                new RequestCounter(), producerConfig),
                        "producer on " + rowLabel(kind))));
            }
        }
    }

    static String rowLabel(HttpClientKind kind) {
        return kind.label() + (kind.isAsync() ? " (async)" : " (sync)");
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The producer, unpacked and packed (newline-delimited, without GZIP), fed at half the best
     * saturation rate of its kind in the main table.
     */
    private void halfRate(ResourceMeter meter, Map<String, Endpoint> endpoints, SuiteResults results) {
        for (Endpoint endpoint : endpoints.values()) {
            for (int size : options.sizes) {
                for (boolean packed : List.of(false, true)) {
                    double saturation = results.main.stream()
                            .filter(r -> r.endpoint().equals(endpoint.name()) && r.recordSize() == size
                                    && r.measured() && (packed
                                            ? r.key().startsWith("packed-") && !r.key().startsWith("packed-gzip-")
                                            : r.key().startsWith("producer-")))
                            .mapToDouble(ScenarioResult::recordsPerSecond).max().orElse(0);
                    if (saturation <= 0) {
                        continue;
                    }
                    long rate = Math.max(1, Math.round(saturation / 2));
                    Payloads payloads = Payloads.of(size, size);
                    ProducerConfig config = packed ? packedConfig(false) : producerConfig;
                    ScenarioResult result = measure(meter, endpoint, size, options.runs, options.warmupRunTime,
                            () -> ProducerContender.onAsyncClient(endpoint, HttpClientKind.NETTY,
                                    COMPARISON_PRODUCER_THREADS, rate, payloads, new RequestCounter(), config),
                            packed ? "packed producer at half rate" : "producer at half rate");
                    results.halfRate.add(new SuiteResults.HalfRate(result, saturation, rate));
                }
            }
        }
    }

    interface ContenderFactory {
        Contender create();
    }

    /** Builds a contender, warms it up, measures it; a contender that cannot run is reported as such. */
    ScenarioResult measure(ResourceMeter meter, Endpoint endpoint, int size, int runs, Duration warmup,
                           ContenderFactory factory, String what) {
        long began = System.nanoTime();
        try {
            return measureTimed(meter, endpoint, size, runs, warmup, factory, what);
        } finally {
            log.printf(Locale.ROOT, "%-15s %6d B  %s: %.1f s%n", endpoint.name(), size, what,
                    (System.nanoTime() - began) / 1e9);
        }
    }

    private ScenarioResult measureTimed(ResourceMeter meter, Endpoint endpoint, int size, int runs, Duration warmup,
                                        ContenderFactory factory, String what) {
        RequestCounter counter;
        Contender contender;
        try {
            contender = factory.create();
        } catch (RuntimeException | LinkageError e) {
            log.printf(Locale.ROOT, "%-15s %6d B  %-40s cannot run: %s%n", endpoint.name(), size, what, e);
            return ScenarioResult.unavailable(endpoint.name(), size, what, what, rootMessage(e));
        }
        List<RunMeasurement> measured = new ArrayList<>();
        try (contender) {
            counter = contender.counter();
            if (!warmup.isZero()) {
                contender.drive(warmup, new LatencyRecorder());
            }
            LatencyRecorder latency = new LatencyRecorder();
            for (int run = 0; run < runs; run++) {
                System.gc();
                latency.reset();
                RequestCounter.Snapshot before = counter.snapshot();
                meter.start();
                Contender.Outcome outcome = contender.drive(options.runTime, latency);
                ResourceMeter.Usage usage = meter.stop();
                RequestCounter.Snapshot requests = counter.snapshot().minus(before);
                RequestCounter.Snapshot saturated =
                        outcome.whileFeeding() == null ? requests : outcome.whileFeeding().minus(before);
                RunMeasurement m = RunMeasurement.of(size, outcome, requests, saturated, usage,
                        latency.takeInterval());
                measured.add(m);
                log.printf(Locale.ROOT, "%-15s %6d B  %-60s %,12.0f rec/s  %6.1f%% full  %7.2f us/rec  %7.0f B/rec"
                                + "  p99 %7.1f ms%n",
                        endpoint.name(), size, contender.description(), m.recordsPerSecond(), m.fullRequestsPercent(),
                        m.cpuMicrosPerRecord(), m.allocatedBytesPerRecord(), m.p99Micros() / 1000.0);
            }
            return new ScenarioResult(endpoint.name(), size, contender.key(), contender.description(), measured, null);
        } catch (Exception | LinkageError e) {
            log.printf(Locale.ROOT, "%-15s %6d B  %-40s failed: %s%n", endpoint.name(), size, what, e);
            return ScenarioResult.unavailable(endpoint.name(), size, what, what, rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
