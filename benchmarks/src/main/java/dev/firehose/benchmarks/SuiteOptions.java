package dev.firehose.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the suite runs, from the command line. Two presets: {@code full} (the default: what the
 * README's table comes from, about 13 minutes on 2 cores) and {@code quick} (100-byte records, one
 * short run per contender, about 2 minutes). Every value can be overridden after the preset.
 */
final class SuiteOptions {

    static final String USAGE = String.join("\n",
            "usage: BenchmarkMain [full|quick] [options]      run the end-to-end suite",
            "       BenchmarkMain jmh [JMH options]           run the JMH hot-path benchmarks",
            "options:",
            "  --sizes 100,1024,10240        record sizes in bytes",
            "  --runs N                      measured runs per contender (median reported)",
            "  --seconds S                   length of a measured run",
            "  --warmup-seconds S            a discarded run before the measured ones",
            "  --jit-warmup-seconds S        warm-up of every code path at the start",
            "  --endpoints in-process,firehose-local",
            "  --contenders ceiling-async,ceiling-sync,loop,producer-1,producer-4,producer-16,packed-1,packed-4,packed-gzip-4",
            "  --ceiling-in-flight N         requests in flight for the async ceiling (default: the producer's)",
            "  --ceiling-async-threads N     threads sending for the async ceiling (default: one per core)",
            "  --sync-threads N              threads for the sync ceiling",
            "  --no-http-comparison          skip the HTTP client comparison",
            "  --no-half-rate                skip the latency at half the saturation rate",
            "  --no-heap-probe               skip the live heap at saturation (a full GC while the buffer is full)",
            "  --heap-probe-client NAME      HTTP client of the heap probe's producer (default apache5-client, the producer's own)",
            "  --readme PATH                 README to write the results into (between its markers)",
            "  --no-readme                   print the results only");

    boolean quick;
    List<Integer> sizes = List.of(100, 1024, 10240);
    int runs = 5;
    Duration runTime = Duration.ofSeconds(2);
    Duration warmupRunTime = Duration.ofSeconds(1);
    Duration jitWarmup = Duration.ofSeconds(30);
    List<String> endpoints = List.of("in-process", "firehose-local");
    List<String> contenders = List.of("ceiling-async", "ceiling-sync", "loop", "producer-1", "producer-4", "producer-16",
            "packed-1", "packed-4", "packed-gzip-4");
    int ceilingInFlight;
    int ceilingAsyncThreads = Runtime.getRuntime().availableProcessors();
    int syncThreads = 8;
    boolean httpComparison = true;
    List<Integer> httpComparisonSizes = List.of(100, 1024);
    boolean halfRate = true;
    boolean heapProbe = true;
    HttpClientKind heapProbeClient = HttpClientKind.APACHE5;
    Path readme;
    boolean writeReadme = true;
    List<String> arguments = List.of();

    static SuiteOptions parse(String... args) {
        SuiteOptions options = new SuiteOptions();
        options.arguments = List.of(args);
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (!rest.isEmpty() && (rest.get(0).equals("quick") || rest.get(0).equals("full"))) {
            if (rest.remove(0).equals("quick")) {
                options.quickPreset();
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            String option = rest.get(i);
            switch (option) {
                case "--no-http-comparison" -> options.httpComparison = false;
                case "--no-half-rate" -> options.halfRate = false;
                case "--no-heap-probe" -> options.heapProbe = false;
                case "--no-readme" -> options.writeReadme = false;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= rest.size() || !option.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                    }
                    options.set(option, rest.get(++i));
                }
            }
        }
        options.check();
        return options;
    }

    private void quickPreset() {
        quick = true;
        sizes = List.of(100);
        runs = 1;
        runTime = Duration.ofSeconds(2);
        warmupRunTime = Duration.ofSeconds(1);
        jitWarmup = Duration.ofSeconds(8);
        httpComparisonSizes = List.of(100);
    }

    private void set(String option, String value) {
        switch (option) {
            case "--sizes" -> sizes = integers(value);
            case "--runs" -> runs = Integer.parseInt(value);
            case "--seconds" -> runTime = seconds(value);
            case "--warmup-seconds" -> warmupRunTime = seconds(value);
            case "--jit-warmup-seconds" -> jitWarmup = seconds(value);
            case "--endpoints" -> endpoints = words(value);
            case "--contenders" -> contenders = words(value);
            case "--ceiling-in-flight" -> ceilingInFlight = Integer.parseInt(value);
            case "--ceiling-async-threads" -> ceilingAsyncThreads = Integer.parseInt(value);
            case "--sync-threads" -> syncThreads = Integer.parseInt(value);
            case "--readme" -> readme = Path.of(value);
            case "--heap-probe-client" -> heapProbeClient = HttpClientKind.byLabel(value);
            default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
        }
    }

    private void check() {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        if (runTime.isNegative() || runTime.isZero()) {
            throw new IllegalArgumentException("--seconds must be more than 0, was " + runTime);
        }
        for (int size : sizes) {
            if (size < 1 || size > 1_024_000) {
                throw new IllegalArgumentException("record sizes must be 1 to 1,024,000 bytes, was " + size);
            }
        }
        for (String endpoint : endpoints) {
            if (!endpoint.equals("in-process") && !endpoint.equals("firehose-local")) {
                throw new IllegalArgumentException("unknown endpoint " + endpoint);
            }
        }
        httpComparisonSizes = httpComparisonSizes.stream().filter(sizes::contains).toList();
    }

    /** How the suite was run, in words, for the README. */
    String describe() {
        return String.format(Locale.ROOT, "%s run: %d measured run%s of %s s per contender after a %s s warm-up run, "
                        + "%s s JIT warm-up at the start",
                quick ? "quick" : "full", runs, runs == 1 ? "" : "s", secondsText(runTime), secondsText(warmupRunTime),
                secondsText(jitWarmup));
    }

    private static String secondsText(Duration duration) {
        double seconds = duration.toMillis() / 1000.0;
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    private static List<Integer> integers(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
