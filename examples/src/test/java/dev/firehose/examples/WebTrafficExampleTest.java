package dev.firehose.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.metrics.FirehoseMetric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WebTrafficExampleTest {

    @TempDir
    Path dataDir;

    @Test
    void deliversExactlyTheRecordsItPutAndItsSummaryMatchesTheMeters() {
        int records = 400;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        WebTrafficExample example = new WebTrafficExample(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(example).execute("--records", String.valueOf(records), "--single", "2",
                "--threads", "4", "--seed", "7", "--quota", "300", "--failure-rate", "0.05",
                "--data-dir", dataDir.toString(), "--no-progress");

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        WebTrafficExample.Report report = example.report();

        // The ledger: every record put was acknowledged, and the endpoint delivered each exactly once.
        TrafficRun.Outcome outcome = report.outcome();
        assertThat(outcome.put()).isEqualTo(records);
        assertThat(outcome.acknowledged() + outcome.failed()).isEqualTo(outcome.put());
        assertThat(outcome.failed()).isZero();
        MockTraffic traffic = new MockTraffic(7);
        List<String> expected = new ArrayList<>(LongStream.range(0, records).mapToObj(traffic::record).toList());
        List<String> delivered = new ArrayList<>(report.objects().records());
        expected.sort(null);
        delivered.sort(null);
        assertThat(delivered).isEqualTo(expected);

        // The trouble showed: entries failed or were throttled, and were resent.
        Summary summary = report.summary();
        assertThat(summary.retried()).isPositive();

        // The summary's numbers are the meters' numbers, and CloudWatch agrees with the client.
        assertThat((double) summary.acknowledged()).isEqualTo(report.meters().get(FirehoseMetric.INCOMING_RECORDS));
        assertThat((double) summary.requests()).isEqualTo(report.meters().get(FirehoseMetric.PUT_RECORD_BATCH_REQUESTS));
        assertThat(summary.requests()).isPositive();
        assertThat(report.reconciliation().balanced()).as(report.reconciliation().render()).isTrue();
        assertThat(report.reconciliation().line(FirehoseMetric.INCOMING_RECORDS).orElseThrow().cloudWatch())
                .isEqualTo(records);

        assertThat(output).contains("Summary for stream web-traffic", "IncomingRecords", "Delivered objects",
                "firehose-local/");
    }

    @Test
    void packedAndCompressedItDeliversTheSameRecordsAndBillsAFractionOfThem() {
        int records = 400;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        WebTrafficExample example = new WebTrafficExample(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(example).execute("--records", String.valueOf(records), "--single", "2",
                "--threads", "4", "--seed", "7", "--quota", "0", "--failure-rate", "0.05", "--packing", "newline",
                "--gzip", "--data-dir", dataDir.toString(), "--no-progress");

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        WebTrafficExample.Report report = example.report();
        TrafficRun.Outcome outcome = report.outcome();
        assertThat(outcome.acknowledged()).isEqualTo(records);
        MockTraffic traffic = new MockTraffic(7);
        List<String> expected = new ArrayList<>(LongStream.range(0, records).mapToObj(traffic::record).toList());
        List<String> delivered = new ArrayList<>(report.objects().records());
        expected.sort(null);
        delivered.sort(null);
        assertThat(delivered).isEqualTo(expected);

        Summary summary = report.summary();
        assertThat(summary.firehoseRecords()).isLessThan(records / 10);
        assertThat((double) summary.firehoseRecords()).isEqualTo(report.meters().get(FirehoseMetric.INCOMING_RECORDS));
        assertThat(summary.unpackedBilledBytes()).isEqualTo(records * 5_120L);
        // Each Firehose record bills at least 5 KB; together far less than the records one by one.
        assertThat(summary.billedBytes()).isGreaterThanOrEqualTo(summary.firehoseRecords() * 5_120L)
                .isLessThan(summary.unpackedBilledBytes() / 10);
        assertThat(output).contains("billed by Firehose");
        assertThat(report.reconciliation().balanced()).as(report.reconciliation().render()).isTrue();
    }

    @Test
    void rejectsGzipWithoutPacking() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new WebTrafficExample(new PrintStream(new ByteArrayOutputStream())));
        command.setErr(new PrintWriter(err));

        assertThat(command.execute("--gzip", "--records", "1", "--no-progress")).isNotZero();
        assertThat(err.toString()).contains("--gzip needs --packing");
    }

    @Test
    void rejectsBadOptionsWithAClearMessageAndANonZeroExit() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new WebTrafficExample(new PrintStream(new ByteArrayOutputStream())));
        command.setErr(new PrintWriter(err));

        int exit = command.execute("--records", "0", "--threads", "-1");

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("--records must be from 1", "not 0", "--threads must be from 1 to 256");
    }

    @Test
    void rejectsAnUnknownOption() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new WebTrafficExample(new PrintStream(new ByteArrayOutputStream())));
        command.setErr(new PrintWriter(err));

        assertThat(command.execute("--recrods", "5")).isNotZero();
        assertThat(err.toString()).contains("--recrods");
    }

    @Test
    void retriesPrintNoWarningAndNoLogLineThatWouldBreakTheProgressLine() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            WebTrafficExample example = new WebTrafficExample(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(example).execute("--records", "600", "--single", "1", "--threads", "4",
                    "--seed", "11", "--quota", "300", "--failure-rate", "0.05", "--data-dir", dataDir.toString());
            assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(example.report().summary().retried()).isPositive();
        } finally {
            root.detachAppender(logs);
        }
        // With the example's logging configuration (logback.xml): retries are no warning, and the
        // producer logs nothing while the progress line is drawn (only its start and close lines).
        assertThat(logs.list).filteredOn(e -> e.getLoggerName().startsWith("dev.firehose.producer"))
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO))
                .extracting(ILoggingEvent::getMessage)
                .containsOnly("Firehose producer started", "Firehose producer closed");
    }
}
