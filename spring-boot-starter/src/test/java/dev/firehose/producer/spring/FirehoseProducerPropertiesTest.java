package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.spring.internal.ProducerConfigMapper;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Binding, defaults, validation with Boot's failure analysis, and the configuration metadata. */
@ExtendWith(OutputCaptureExtension.class)
class FirehoseProducerPropertiesTest {

    @Test
    void defaultsAreTheProducersDefaults() {
        ProducerConfig fromProperties = ProducerConfigMapper.toBuilder(new FirehoseProducerProperties()).build();
        assertThat(fromProperties.toString()).isEqualTo(ProducerConfig.defaults().toString());
        assertThat(fromProperties.retryInterval()).isSameAs(ProducerConfig.DEFAULT_RETRY_INTERVAL);
        assertThat(fromProperties.packing()).isEqualTo(RecordPacking.none());
    }

    @Test
    void everySettingIsBound() {
        Map<String, Object> p = new HashMap<>();
        p.put("firehose.producer.linger-time", "250ms");
        p.put("firehose.producer.max-batch-records", "200");
        p.put("firehose.producer.max-batch-bytes", "2MB");
        p.put("firehose.producer.max-in-flight-requests-per-stream", "4");
        p.put("firehose.producer.max-in-flight-requests", "8");
        p.put("firehose.producer.max-buffered-bytes", "64MB");
        p.put("firehose.producer.max-buffered-records", "40000");
        p.put("firehose.producer.max-stream-buffer-share", "1.0");
        p.put("firehose.producer.stream-idle-timeout", "10m");
        p.put("firehose.producer.buffer-full-policy", "fail");
        p.put("firehose.producer.max-block-time", "5s");
        p.put("firehose.producer.max-attempts", "3");
        p.put("firehose.producer.delivery-timeout", "1m");
        p.put("firehose.producer.request-timeout", "10s");
        p.put("firehose.producer.adaptive-throttling", "false");
        p.put("firehose.producer.records-per-second-limit", "1000");
        p.put("firehose.producer.bytes-per-second-limit", "1MB");
        p.put("firehose.producer.requests-per-second-limit", "100");
        p.put("firehose.producer.retry.initial-interval", "50ms");
        p.put("firehose.producer.retry.randomization-factor", "0");
        p.put("firehose.producer.packing.mode", "delimited");
        p.put("firehose.producer.packing.delimiter", "|");
        p.put("firehose.producer.packing.max-bytes", "512KB");
        p.put("firehose.producer.packing.max-records", "100");
        p.put("firehose.producer.packing.gzip", "true");
        ProducerConfig c = bind(p);
        assertThat(c.lingerTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxBatchRecords()).isEqualTo(200);
        assertThat(c.maxBatchBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.maxInFlightRequestsPerStream()).isEqualTo(4);
        assertThat(c.maxInFlightRequests()).isEqualTo(8);
        assertThat(c.maxBufferedBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.maxBufferedRecords()).isEqualTo(40_000);
        assertThat(c.maxStreamBufferShare()).isEqualTo(1.0);
        assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.bufferFullPolicy()).isEqualTo(BufferFullPolicy.FAIL);
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.deliveryTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.adaptiveThrottling()).isFalse();
        assertThat(c.recordsPerSecondLimit()).isEqualTo(1000);
        assertThat(c.bytesPerSecondLimit()).isEqualTo(1024 * 1024);
        assertThat(c.requestsPerSecondLimit()).isEqualTo(100);
        // Without randomization the backoff is exact: 50 ms, then twice as long, at most 5 s.
        assertThat(c.retryInterval().apply(1)).isEqualTo(50);
        assertThat(c.retryInterval().apply(2)).isEqualTo(100);
        assertThat(c.retryInterval().apply(20)).isEqualTo(5000);
        assertThat(c.packing()).isEqualTo(RecordPacking.delimited("|").maxBytes(512 * 1024).maxRecords(100).gzip());
    }

    @Test
    void packingModesMapToRecordPacking() {
        assertThat(bind(Map.of("firehose.producer.packing.mode", "newline-delimited")).packing())
                .isEqualTo(RecordPacking.newlineDelimited());
        assertThat(bind(Map.of("firehose.producer.packing.mode", "concatenated")).packing())
                .isEqualTo(RecordPacking.concatenated());
    }

    @Test
    void aValueOutOfRangeStopsStartupNamingThePropertyAndTheRange(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.max-batch-records", "600"), output,
                "firehose.producer.maxBatchRecords", "\"600\"", "\"firehose.producer.max-batch-records\"",
                "must be between 1 and 500, was 600");
    }

    @Test
    void aNegativeDurationStopsStartup(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.linger-time", "-1s"), output,
                "firehose.producer.lingerTime", "must be zero or more");
    }

    @Test
    void aSizeOutOfRangeStopsStartup(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.max-batch-bytes", "8MB"), output,
                "firehose.producer.maxBatchBytes", "must be between 1024000 and 4194304, was 8388608");
    }

    @Test
    void aPackingMistakeStopsStartup(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.packing.mode", "delimited"), output,
                "firehose.producer.packing.delimiter", "packing.mode DELIMITED needs packing.delimiter");
    }

    @Test
    void settingsThatConflictStopStartup(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.max-buffered-bytes", "2MB"), output,
                "maxBufferedBytes (2097152) must be at least maxBatchBytes (4194304)");
    }

    @Test
    void anInvalidDeliveryStreamNameStopsStartupNamingTheProperty(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.delivery-stream-name", "click stream"), output,
                "firehose.producer.deliveryStreamName", "\"click stream\"",
                "\"firehose.producer.delivery-stream-name\"", "1-64 characters of [a-zA-Z0-9_.-]");
    }

    @Test
    void anEndpointThatIsNotAnHttpUriStopsStartupNamingTheProperty(CapturedOutput output) {
        // A forgotten scheme: "localhost:4573" parses as a URI whose scheme is "localhost".
        assertStartupFails(Map.of("firehose.producer.client.endpoint", "localhost:4573"), output,
                "firehose.producer.client.endpoint", "\"localhost:4573\"",
                "must be an absolute http or https URI with a host");
    }

    @Test
    void aRetryWaitUnderOneMillisecondStopsStartup(CapturedOutput output) {
        // Resilience4j's waits are whole milliseconds: 100us would make the interval function throw
        // at the first retry, and every record that needed one would fail without it.
        assertStartupFails(Map.of("firehose.producer.retry.initial-interval", "100us"), output,
                "firehose.producer.retry.initialInterval", "must be at least 1ms");
    }

    @Test
    void aRetryMaxIntervalUnderOneMillisecondStopsStartupNamingIt(CapturedOutput output) {
        assertStartupFails(Map.of("firehose.producer.retry.max-interval", "500us"), output,
                "firehose.producer.retry.maxInterval", "must be at least 1ms");
    }

    @Test
    void metadataDocumentsTheHealthIndicatorSwitch() throws Exception {
        // management.health.firehose.enabled is read by a condition, not bound: the IDE knows it only from here.
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = JsonMapper.builder().build().readTree(in);
        }
        assertThat(defaultOf(metadata, "management.health.firehose.enabled")).isEqualTo("true");
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals("management.health.firehose.enabled")) {
                assertThat(property.path("type").asString()).isEqualTo("java.lang.Boolean");
                assertThat(property.path("description").asString()).isNotBlank();
            }
        }
    }

    @Test
    void metadataDocumentsEveryProperty() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("spring-configuration-metadata.json").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            if (!name.startsWith("firehose.producer.")) {
                continue;
            }
            names.add(name);
            assertThat(property.path("description").asString()).as("description of " + name).isNotBlank();
        }
        assertThat(names).contains("firehose.producer.delivery-stream-name", "firehose.producer.linger-time",
                "firehose.producer.max-batch-bytes", "firehose.producer.max-buffered-bytes",
                "firehose.producer.close-timeout", "firehose.producer.client.region",
                "firehose.producer.client.endpoint", "firehose.producer.packing.mode",
                "firehose.producer.retry.instance-name", "firehose.producer.health.buffer-full-threshold");
        assertThat(defaultOf(metadata, "firehose.producer.max-batch-bytes")).isEqualTo("4MB");
        assertThat(defaultOf(metadata, "firehose.producer.linger-time")).isEqualTo("100ms");
    }

    private static String defaultOf(JsonNode metadata, String name) {
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals(name)) {
                return property.path("defaultValue").asString();
            }
        }
        throw new AssertionError(name + " is not in the metadata");
    }

    private static ProducerConfig bind(Map<String, Object> properties) {
        try (var context = application(properties).run()) {
            return context.getBean(ProducerConfig.class);
        }
    }

    private static SpringApplicationBuilder application(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("firehose.producer.client.region", "us-east-1");
        all.put("spring.main.banner-mode", "off");
        return new SpringApplicationBuilder(EmptyApplication.class).web(WebApplicationType.NONE).properties(all);
    }

    private static void assertStartupFails(Map<String, Object> properties, CapturedOutput output, String... expected) {
        try (var context = application(properties).run()) {
            throw new AssertionError("the application started with " + properties);
        } catch (RuntimeException expectedFailure) {
            assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains(expected);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.EnableAutoConfiguration
    static class EmptyApplication {
    }
}
