package dev.firehose.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MetricsWiringExampleTest {

    @Test
    void servesTheMetersToPrometheusAndPublishesThemToCloudWatch() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        MetricsWiringExample example = new MetricsWiringExample(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(example).execute("--port", "0", "--duration", "PT1S", "--rate", "300");

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("Prometheus scrape endpoint: http://127.0.0.1:");
        // The scrape carries the AWS/Firehose-named meters, tagged with the stream.
        assertThat(example.lastScrape())
                .contains("firehose_incoming_records_total{stream=\"web-traffic\"}")
                .contains("firehose_put_record_batch_requests_total{")
                // ... and the latency histogram the dashboard's percentiles need.
                .contains("firehose_put_record_batch_latency_seconds_bucket{");
        // The CloudWatch registry published them with PutMetricData to the endpoint.
        assertThat(example.publishedMetrics()).isPositive();
    }

    @Test
    void rejectsABadRate() {
        CommandLine command = new CommandLine(new MetricsWiringExample(new PrintStream(new ByteArrayOutputStream())));
        java.io.StringWriter err = new java.io.StringWriter();
        command.setErr(new java.io.PrintWriter(err));

        assertThat(command.execute("--rate", "0")).isNotZero();
        assertThat(err.toString()).contains("--rate must be 1 or more");
    }
}
