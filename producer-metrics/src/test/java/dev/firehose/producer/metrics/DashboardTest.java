package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Grafana dashboard shipped in {@code dashboards/firehose-producer.json} queries the names
 * the meters really get in Prometheus, and shows every meter of the module.
 */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("dashboards", "firehose-producer.json");
    private static final Pattern METRIC = Pattern.compile("\\bfirehose_[a-z_]+");

    private static JsonNode dashboard;
    private static List<String> expressions;
    private static Set<String> scrapedNames;
    private static Set<String> scrapedFamilies;
    private static String scrape;

    @BeforeAll
    static void scrapeMetersAndReadDashboard() throws IOException {
        dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamMeters meters = new StreamMeters(registry, "clicks", Tags.empty(),
                new MeterOptions(true, new double[0]), new FixedLevels());
        meters.recordsPut(3);
        meters.putBlocked(Duration.ofMillis(3));
        meters.requestSent(3);
        meters.requestAnswered(3, 30, Duration.ofMillis(12), 2, 20, Map.of("InternalFailure", 1), 0);
        meters.recordsRetried(1);
        meters.recordSettled(null, 1, false);
        meters.recordSettled("InternalFailure", 2, true);
        scrape = registry.scrape();

        scrapedNames = new TreeSet<>();
        scrapedFamilies = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                scrapedFamilies.add(line.split(" ")[2]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                scrapedNames.add(line.split("[{ ]")[0]);
            }
        }
    }

    @Test
    void everyQueryNamesASeriesThePrometheusRegistryExposes() {
        assertThat(expressions).isNotEmpty();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            assertThat(m.find()).as("query names a firehose metric: %s", expr).isTrue();
            do {
                assertThat(scrapedNames).as("series %s of query %s", m.group(), expr).contains(m.group());
            } while (m.find());
        }
    }

    @Test
    void everyFamilyTheMetersExposeIsOnAPanel() {
        Set<String> queried = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                queried.add(m.group());
            }
        }
        // PutRecord.* meters exist only for a producer that uses PutRecord.
        assertThat(scrapedFamilies).filteredOn(f -> f.startsWith("firehose_")).isNotEmpty()
                .allSatisfy(family -> assertThat(queried).as("a query over %s", family)
                        .anyMatch(name -> name.equals(family) || name.startsWith(family + "_")));
    }

    @Test
    void queriesFilterOnTheStreamVariableAndTheStreamTagExists() {
        assertThat(expressions).allSatisfy(expr -> assertThat(expr).contains("stream=~\"$stream\""));
        assertThat(scrape).contains("stream=\"clicks\"").contains("error_code=\"InternalFailure\"");
        String streams = dashboard.path("templating").path("list").findValue("definition").asText();
        Matcher m = METRIC.matcher(streams);
        assertThat(m.find()).isTrue();
        assertThat(scrapedNames).contains(m.group());
    }

    @Test
    void everyPanelReadsThePrometheusDataSourceVariable() {
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("type").asText()).isEqualTo("prometheus");
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
    }

    private static final class FixedLevels implements StreamMeters.Levels {
        @Override
        public double bufferedRecords() {
            return 2;
        }

        @Override
        public double bufferedBytes() {
            return 20;
        }

        @Override
        public double inFlightRequests() {
            return 1;
        }

        @Override
        public double oldestBufferedRecordAgeNanos() {
            return 5e6;
        }
    }
}
