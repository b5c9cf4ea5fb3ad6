package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.RecordSettledEvent;
import dev.firehose.producer.RequestCompletedEvent;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The CloudWatch SDK ({@code software.amazon.awssdk:cloudwatch}) is an optional dependency of
 * producer-metrics: the meters load and work without it, and only {@link FirehoseCloudWatchReader}
 * needs it. Each test runs the module's classes in a class loader that sees the test class path
 * except every class of the CloudWatch SDK.
 */
class OptionalCloudWatchSdkTest {

    private static final String CLOUDWATCH_PACKAGE = "software.amazon.awssdk.services.cloudwatch.";
    private static final String READER = FirehoseCloudWatchReader.class.getName();

    private WithoutCloudWatch loader;

    @BeforeEach
    void isolate() {
        loader = new WithoutCloudWatch();
    }

    @AfterEach
    void close() throws IOException {
        loader.close();
    }

    @Test
    void theIsolatedClassPathHasNoCloudWatchSdk() throws Exception {
        String client = CLOUDWATCH_PACKAGE + "CloudWatchAsyncClient";
        // The test class path holds the SDK (the reader's tests use it) ...
        assertThat(Class.forName(client, false, getClass().getClassLoader())).isNotNull();
        // ... and the isolated loader refuses it, and loads the module's classes itself.
        assertThatThrownBy(() -> Class.forName(client, false, loader)).isInstanceOf(ClassNotFoundException.class);
        assertThat(loader.loadClass(FirehoseProducerMetrics.class.getName()).getClassLoader()).isSameAs(loader);
    }

    @Test
    void theMetersBindCountAndCloseWithoutTheSdk() throws Exception {
        Map<String, Object> seen = run(MetersProbe.class);

        assertThat(seen).containsEntry("incoming.records", 7.0)
                .containsEntry("throttled.records", 2.0)
                .containsEntry("put.records", 10.0)
                .containsEntry("client totals", Map.of("IncomingRecords", 7.0, "IncomingBytes", 690.0,
                        "IncomingPutRequests", 1.0, "ThrottledRecords", 2.0, "PutRecordBatch.Records", 10.0,
                        "PutRecordBatch.Bytes", 1_000.0, "PutRecordBatch.Requests", 1.0))
                .containsEntry("balanced", true)
                .containsEntry("meters after close", 0)
                .containsEntry("listener after close", false);
        // 8 mirrors, 15 client-only meters less failed.records (nothing failed) and
        // failed.entries for its 2 codes; the registry adds the latency timer's p99 gauge.
        assertThat(seen).containsEntry("meters bound", 23).containsEntry("meters in registry", 24);
        assertThat(loader.loaded).as("classes the isolated loader defined")
                .contains(FirehoseProducerMetrics.class.getName(), StreamMeters.class.getName(),
                        Reconciliation.class.getName(), FirehoseMetricData.class.getName())
                .noneMatch(name -> name.startsWith(READER));
    }

    @Test
    void everyClassButTheReaderLinksWithoutTheSdk() throws Exception {
        List<String> classes = moduleClasses();
        assertThat(classes).contains(FirehoseProducerMetrics.class.getName(),
                FirehoseProducerMetrics.Builder.class.getName(), StreamMeters.class.getName(),
                MeterOptions.class.getName(), FirehoseMetric.class.getName(), FirehoseMetricData.class.getName(),
                Reconciliation.class.getName(), READER);

        for (String name : classes) {
            if (name.startsWith(READER)) {
                continue;
            }
            // Initializing verifies every method; reflection resolves every type in a signature.
            Class<?> type = Class.forName(name, true, loader);
            assertThat(type.getClassLoader()).isSameAs(loader);
            type.getDeclaredFields();
            type.getDeclaredMethods();
            type.getDeclaredConstructors();
            type.getDeclaredClasses();
        }
    }

    @Test
    void theReaderNeedsTheSdkOnlyWhenUsedAndSaysWhatToAdd() throws Exception {
        // Loading the class is harmless; using it fails, saying what to add.
        Class<?> reader = Class.forName(READER, false, loader);
        assertThat(reader.getClassLoader()).isSameAs(loader);

        assertThatThrownBy(() -> run(ReaderProbe.class))
                .isInstanceOf(NoClassDefFoundError.class)
                .hasMessageContaining("add software.amazon.awssdk:cloudwatch to your dependencies")
                .hasMessageContaining("software/amazon/awssdk/services/cloudwatch/CloudWatchAsyncClient not found")
                .hasCauseInstanceOf(NoClassDefFoundError.class);
        // The meters still work in the same class loader.
        assertThat(run(MetersProbe.class)).containsEntry("incoming.records", 7.0);
    }

    @Test
    void theReaderBuildsWithTheSdk() {
        assertThat(FirehoseCloudWatchReader.builder().period(Duration.ofMinutes(5)))
                .isNotNull();
    }

    /** Runs {@code probe} as loaded by the isolated loader. */
    private Map<String, Object> run(Class<? extends Supplier<Map<String, Object>>> probe) throws Exception {
        Class<?> isolated = loader.loadClass(probe.getName());
        assertThat(isolated.getClassLoader()).isSameAs(loader);
        @SuppressWarnings("unchecked")
        Supplier<Map<String, Object>> instance =
                (Supplier<Map<String, Object>>) isolated.getDeclaredConstructor().newInstance();
        return instance.get();
    }

    /** The names of the classes compiled from this module's main sources. */
    private static List<String> moduleClasses() throws URISyntaxException, IOException {
        Path root = Path.of(FirehoseProducerMetrics.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pkg = FirehoseProducerMetrics.class.getPackageName();
        Path dir = root.resolve(pkg.replace('.', File.separatorChar));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
                    .map(f -> pkg + "." + f.substring(0, f.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Defines every class of the test class path itself, rather than asking the application class
     * loader, and refuses the classes of the CloudWatch SDK. Only the JDK comes from its parent.
     */
    private static final class WithoutCloudWatch extends URLClassLoader {
        /** Names of the classes this loader defined. */
        final Set<String> loaded = ConcurrentHashMap.newKeySet();

        WithoutCloudWatch() {
            super("without-cloudwatch-sdk", classPath(), ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith(CLOUDWATCH_PACKAGE)) {
                throw new ClassNotFoundException(name + " (the CloudWatch SDK is left off this class path)");
            }
            Class<?> type = super.findClass(name);
            loaded.add(name);
            return type;
        }

        private static URL[] classPath() {
            List<URL> urls = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                try {
                    urls.add(Path.of(entry).toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return urls.toArray(URL[]::new);
        }
    }

    /** Binds the meters of a producer, feeds them events, reconciles and closes them. */
    public static final class MetersProbe implements Supplier<Map<String, Object>> {

        @Override
        public Map<String, Object> get() {
            Map<String, Object> seen = new LinkedHashMap<>();
            FakeProducer producer = new FakeProducer();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer)
                    .tags(Tags.of("app", "shop")).streams("s").publishPercentileHistogram(true).percentiles(0.99)
                    .build();
            metrics.bindTo(registry);
            ProducerListener listener = producer.listener;
            for (int i = 0; i < 10; i++) {
                listener.onRecordAccepted("s", 100);
            }
            listener.onPutBlocked("s", Duration.ofMillis(3));
            listener.onRequestCompleted(new RequestCompletedEvent("s", "PutRecordBatch", 10, 1_000,
                    Duration.ofMillis(30), 7, 690, Map.of("ServiceUnavailableException", 2, "InternalFailure", 1), 2,
                    null));
            listener.onRecordsRetried("s", 3);
            listener.onRecordSettled(new RecordSettledEvent("s", 100, true, null, 1, Duration.ofMillis(40), false));

            seen.put("incoming.records", registry.get(FirehoseMetric.INCOMING_RECORDS.meterName()).counter().count());
            seen.put("throttled.records",
                    registry.get(FirehoseMetric.THROTTLED_RECORDS.meterName()).counter().count());
            seen.put("put.records", registry.get(FirehoseProducerMetrics.PUT_RECORDS).counter().count());
            seen.put("meters bound", metrics.meterIds().size());
            seen.put("meters in registry", registry.getMeters().size());

            Map<FirehoseMetric, Double> totals = Reconciliation.clientTotals(registry, "s");
            Map<String, Double> byName = new LinkedHashMap<>();
            totals.forEach((metric, total) -> byName.put(metric.cloudWatchName(), total));
            seen.put("client totals", byName);
            Map<FirehoseMetric, FirehoseMetricData.Series> series = new LinkedHashMap<>();
            totals.forEach((metric, total) -> series.put(metric, new FirehoseMetricData.Series(List.of(), total, 1)));
            Instant start = Instant.parse("2025-01-01T00:00:00Z");
            FirehoseMetricData cloudWatch = new FirehoseMetricData("s", start, start.plusSeconds(60),
                    Duration.ofMinutes(1), series, true);
            seen.put("balanced", Reconciliation.of(totals, cloudWatch).balanced());

            metrics.close();
            seen.put("meters after close", registry.getMeters().size());
            seen.put("listener after close", producer.listener != null);
            return seen;
        }
    }

    /** Uses the read-back, which needs the CloudWatch SDK. */
    public static final class ReaderProbe implements Supplier<Map<String, Object>> {

        @Override
        public Map<String, Object> get() {
            return Map.of("reader", FirehoseCloudWatchReader.builder().period(Duration.ofMinutes(1)).toString());
        }
    }
}
