package dev.firehose.producer.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.local.FirehoseLocal;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Micrometer and {@code firehose-producer-metrics} are optional: an appender ships without them.
 * The shipper runs in a class loader that sees the test class path except both of them.
 */
@Timeout(30)
class OptionalMicrometerTest {

    private static final List<String> LEFT_OFF = List.of("io.micrometer.", "dev.firehose.producer.metrics.");
    private static final List<String> METRICS_LEFT_OFF = List.of("dev.firehose.producer.metrics.");

    @Test
    void theShipperShipsWithoutMicrometerAndNeverLoadsItsMeters() throws Exception {
        try (FirehoseLocal local = FirehoseLocal.builder().build().start();
             WithoutMicrometer loader = new WithoutMicrometer(LEFT_OFF)) {
            local.createDeliveryStream("no-meters");
            assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.Metrics", false, loader))
                    .isInstanceOf(ClassNotFoundException.class);

            Class<?> probe = loader.loadClass(Probe.class.getName());
            @SuppressWarnings("unchecked")
            Function<String, Map<String, Object>> run =
                    (Function<String, Map<String, Object>>) probe.getDeclaredConstructor().newInstance();
            Map<String, Object> seen = run.apply(local.endpoint().toString());

            assertThat(seen).containsEntry("delivered", 3L).containsEntry("reports", List.of());
            assertThat(local.ledger().count("no-meters")).isEqualTo(1);
            assertThat(loader.loaded).contains(LogShipper.class.getName())
                    .noneMatch(n -> n.endsWith(".MicrometerMeters"));
        }
    }

    @Test
    void withMicrometerButWithoutTheProducersMetersItShipsAndSaysWhyThereAreNoMeters() throws Exception {
        try (FirehoseLocal local = FirehoseLocal.builder().build().start();
             WithoutMicrometer loader = new WithoutMicrometer(METRICS_LEFT_OFF)) {
            local.createDeliveryStream("no-meters");
            Class<?> probe = loader.loadClass(Probe.class.getName());
            @SuppressWarnings("unchecked")
            Function<String, Map<String, Object>> run =
                    (Function<String, Map<String, Object>>) probe.getDeclaredConstructor().newInstance();
            Map<String, Object> seen = run.apply(local.endpoint().toString());

            assertThat(seen).containsEntry("delivered", 3L);
            assertThat(seen.get("reports")).asList().singleElement().asString()
                    .contains("firehose-producer-metrics").contains("NOMETERS");
            assertThat(loader.loaded).noneMatch(n -> n.endsWith(".MicrometerMeters"));
        }
    }

    /** Starts a shipper from settings, ships three events and closes it. */
    public static final class Probe implements Function<String, Map<String, Object>> {
        @Override
        public Map<String, Object> apply(String endpoint) {
            AppenderSettings settings = new AppenderSettings();
            settings.setStreamName("no-meters");
            settings.setRegion("us-east-1");
            settings.setEndpoint(endpoint);
            List<String> reports = new ArrayList<>();
            LogShipper shipper = LogShipper.start("NOMETERS", settings.resolve(), new StatusReporter() {
                @Override
                public void info(String message) {
                }

                @Override
                public void warn(String message, Throwable cause) {
                    reports.add(message);
                }

                @Override
                public void error(String message, Throwable cause) {
                    reports.add(message);
                }
            });
            for (int i = 0; i < 3; i++) {
                shipper.ship("event " + i, "app", e -> (e + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("delivered", shipper.close(Duration.ofSeconds(10)).delivered());
            seen.put("reports", reports);
            return seen;
        }
    }

    private static final class WithoutMicrometer extends URLClassLoader {
        final Set<String> loaded = ConcurrentHashMap.newKeySet();
        private final List<String> leftOff;

        WithoutMicrometer(List<String> leftOff) {
            super("without-micrometer", classPath(), ClassLoader.getPlatformClassLoader());
            this.leftOff = leftOff;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (leftOff.stream().anyMatch(name::startsWith)) {
                throw new ClassNotFoundException(name + " (left off this class path)");
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

        @Override
        public void close() throws IOException {
            super.close();
        }
    }
}
