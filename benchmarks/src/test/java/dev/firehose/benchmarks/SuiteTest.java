package dev.firehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every contender of the suite briefly against the in-process endpoint and checks the
 * harness's books, not its speed: every record sent is acknowledged, the requests the clients
 * transmitted carry exactly those records, the heap probe finds the producer holding records, and
 * the report shows every contender.
 */
class SuiteTest {

    /** A buffer that drains in moments even before the JIT has compiled anything. */
    private static final ProducerConfig SMALL_BUFFER = ProducerConfig.builder().maxBufferedRecords(5_000).build();

    @Test
    void everyContenderBalancesItsLedgerAndAppearsInTheReport(@TempDir Path dir) throws Exception {
        SuiteOptions options = SuiteOptions.parse("quick", "--endpoints", "in-process", "--runs", "1",
                "--seconds", "0.2", "--warmup-seconds", "0", "--jit-warmup-seconds", "0", "--no-http-comparison",
                "--no-readme");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SuiteResults results = new Suite(options, new PrintStream(log, true, StandardCharsets.UTF_8), SMALL_BUFFER).run();

        assertThat(results.main).extracting(ScenarioResult::key)
                .containsExactly("ceiling-async", "ceiling-sync", "loop", "producer-1", "producer-4", "producer-16",
                        "packed-1", "packed-4", "packed-gzip-4");
        List<ScenarioResult> all = new ArrayList<>(results.main);
        results.halfRate.forEach(h -> all.add(h.result()));
        // Unpacked and packed (without GZIP), each at half its best saturation rate.
        assertThat(results.halfRate).extracting(h -> h.result().key())
                .containsExactly("producer-4-paced", "packed-4-paced");
        for (ScenarioResult result : all) {
            assertThat(result.measured()).as(result.key() + ": " + result.note()).isTrue();
            for (RunMeasurement run : result.runs()) {
                assertThat(run.outcome().acknowledged()).as(result.key()).isPositive()
                        .isEqualTo(run.outcome().sent());
                assertThat(run.outcome().failed()).as(result.key()).isZero();
                if (result.key().startsWith("packed-")) {
                    // Many user records per Firehose record, billed per Firehose record.
                    assertThat(run.requests().records()).as(result.key()).isPositive()
                            .isLessThan(run.outcome().acknowledged());
                    assertThat(run.outcome().billedBytes()).as(result.key())
                            .isGreaterThanOrEqualTo(run.requests().records() * 5_120L)
                            .isLessThan(run.outcome().acknowledged() * 5_120L);
                } else {
                    assertThat(run.requests().records()).as(result.key()).isEqualTo(run.outcome().acknowledged());
                }
                assertThat(run.usage().cpuNanos()).as(result.key()).isPositive();
                assertThat(run.usage().allocatedBytes()).as(result.key()).isPositive();
            }
        }

        assertThat(results.liveHeap).extracting(HeapProbe.Result::key).containsExactly("producer-4", "packed-4");
        for (HeapProbe.Result probe : results.liveHeap) {
            assertThat(probe.measured()).as(probe.note()).isTrue();
            assertThat(probe.acknowledged()).as(probe.key()).isPositive();
            assertThat(probe.bufferedRecords()).as(probe.key()).isPositive();
            assertThat(probe.idleHeapBytes()).as(probe.key()).isPositive();
            assertThat(probe.liveHeapBytes()).as(probe.key()).isPositive();
        }

        String markdown = new ResultsReport(results, "results.png").markdown(ZonedDateTime.now());
        for (ScenarioResult result : results.main) {
            assertThat(markdown).contains("| 100 B | " + result.description() + " | ");
        }
        assertThat(markdown).contains("| target | where | measured | verdict |")
                .contains("Latency at half the saturation rate")
                .contains("at half rate, packed | in-process, 100 B |")
                .contains("Live heap at saturation (after a full GC)")
                .contains("What Firehose bills").contains("| packed ≥ 2.0x the unpacked async ceiling's records/s |")
                .doesNotContain("NaN");

        Path png = dir.resolve("results.png");
        ResultsChart.write(results, png);
        assertThat(ImageIO.read(png.toFile())).isNotNull();
    }

    @Test
    void failedEntriesAreResentByTheLoopAndTheProducerButNotByTheCeiling() throws Exception {
        InProcessFirehose firehose = new InProcessFirehose().failEvery(50);
        try (InProcessEndpoint endpoint = new InProcessEndpoint(firehose)) {
            Payloads payloads = Payloads.of(100, 1);
            Suite suite = new Suite(SuiteOptions.parse("quick"), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), SMALL_BUFFER);
            for (String key : List.of("loop", "producer-4")) {
                long receivedBefore = firehose.records();
                long failedBefore = firehose.failedRecords();
                try (Contender contender = suite.mainContender(key, endpoint, payloads, new RequestCounter())) {
                    Contender.Outcome outcome = contender.drive(java.time.Duration.ofMillis(150), new LatencyRecorder());
                    long failedAtEndpoint = firehose.failedRecords() - failedBefore;
                    assertThat(outcome.acknowledged()).as(key).isEqualTo(outcome.sent());
                    assertThat(failedAtEndpoint).as(key).isPositive();
                    assertThat(firehose.records() - receivedBefore).as(key)
                            .isEqualTo(outcome.acknowledged() + failedAtEndpoint);
                }
            }
            try (Contender ceiling = suite.mainContender("ceiling-async", endpoint, payloads, new RequestCounter())) {
                Contender.Outcome outcome = ceiling.drive(java.time.Duration.ofMillis(100), new LatencyRecorder());
                assertThat(outcome.failed()).isPositive();
                assertThat(outcome.acknowledged() + outcome.failed()).isEqualTo(outcome.sent());
            }
        }
    }
}
