package com.example.clicks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.StoredRecord;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.metrics.FirehoseMetric;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The application, built against the installed artifacts, puts records through firehose-local. */
class ClickPublisherTest {

    @Test
    void everyClickIsStoredOnceAndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FirehoseLocal local = FirehoseLocal.builder().build().start()) {
            local.createDeliveryStream("clicks");
            List<PutResult> results;
            try (ClickPublisher publisher = new ClickPublisher(local.endpoint(), "clicks", registry)) {
                results = publisher.publish(1_000);
            }
            assertEquals(1_000, results.size());
            Set<String> recordIds = new HashSet<>();
            for (PutResult r : results) {
                assertNotNull(r.recordId());
                recordIds.add(r.recordId());
            }
            assertEquals(1_000, recordIds.size(), "one record id per click");

            Set<String> stored = new HashSet<>();
            for (StoredRecord record : local.ledger().records("clicks")) {
                stored.add(new String(record.data(), StandardCharsets.UTF_8));
            }
            assertEquals(1_000, local.ledger().count("clicks"), "no click stored twice");
            for (int i = 0; i < 1_000; i++) {
                assertTrue(stored.contains("{\"click\":" + i + "}\n"), "click " + i + " stored");
            }
            assertEquals(1_000.0, registry.get(FirehoseMetric.INCOMING_RECORDS.meterName()).tag(FirehoseMetric.STREAM_TAG, "clicks")
                    .counter().count());
        }
    }

    @Test
    void libraryJarsNameTheirModules() throws IOException, URISyntaxException {
        assertEquals("dev.firehose.producer", moduleName(FirehoseProducer.class));
        assertEquals("dev.firehose.producer.metrics", moduleName(FirehoseProducerMetrics.class));
        assertEquals("dev.firehose.local", moduleName(FirehoseLocal.class));
    }

    private static String moduleName(Class<?> type) throws IOException, URISyntaxException {
        Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(jar.toString().endsWith(".jar"), type + " comes from an installed jar: " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry("META-INF/LICENSE"), jar + " carries the licence");
            return file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        }
    }
}
