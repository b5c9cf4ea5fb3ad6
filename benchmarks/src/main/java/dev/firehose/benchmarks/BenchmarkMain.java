package dev.firehose.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.Arrays;

/**
 * Runs the end-to-end suite and writes its results into the module's README (between markers) and
 * a chart next to it, or, with {@code jmh} as first argument, hands the rest to JMH's runner.
 * See {@link SuiteOptions#USAGE}.
 */
public final class BenchmarkMain {

    /** The chart, written next to the README. */
    static final String CHART_FILE = "results.png";

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] suiteArgs = withoutReadme(args);
        if (suiteArgs.length > 0 && suiteArgs[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(suiteArgs, 1, suiteArgs.length));
            return;
        }
        // The URL-connection client pools connections in the JDK's keep-alive cache (5 by default).
        System.setProperty("http.maxConnections", "64");
        System.setProperty("java.awt.headless", "true");
        Path readme = readmeOf(args);
        SuiteOptions options;
        try {
            options = SuiteOptions.parse(suiteArgs);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (readme != null && options.readme == null) {
            options.readme = readme;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("Firehose producer benchmarks: " + options.describe());
        long started = System.nanoTime();
        SuiteResults results = new Suite(options, out).run();
        Path chart = options.readme == null || !options.writeReadme
                ? Path.of("target", CHART_FILE) : options.readme.toAbsolutePath().resolveSibling(CHART_FILE);
        ResultsChart.write(results, chart);
        String markdown = new ResultsReport(results, CHART_FILE).markdown(ZonedDateTime.now());
        Path copy = Path.of("target", "benchmark-results.md");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, markdown, StandardCharsets.UTF_8);
        out.println();
        out.println(markdown);
        if (options.writeReadme && options.readme != null) {
            ReadmeSection.write(options.readme, markdown);
            out.println("Results written to " + options.readme + " and " + chart);
        } else {
            out.println("Results written to " + copy + " and " + chart);
        }
        out.printf("Suite took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
    }

    /** The README path given with {@code --readme}, which the exec plugin always passes first. */
    private static Path readmeOf(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--readme")) {
                return Path.of(args[i + 1]);
            }
        }
        return null;
    }

    /** The arguments without {@code --readme PATH}, so that {@code quick}/{@code full} may come first after it. */
    private static String[] withoutReadme(String[] args) {
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--readme") && i + 1 < args.length) {
                i++;
            } else {
                rest.add(args[i]);
            }
        }
        return rest.toArray(String[]::new);
    }
}
