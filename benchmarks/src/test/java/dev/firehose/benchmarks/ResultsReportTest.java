package dev.firehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.firehose.producer.ProducerConfig;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's heap figures, from results made up by hand: no suite runs here. */
class ResultsReportTest {

    private static final long MIB = 1024 * 1024;
    private static final ProducerConfig DEFAULTS = ProducerConfig.defaults();

    @Test
    void theHeapBoundIsTheBufferPlusOneMarshalledBodyPerRequestInFlight() {
        ResultsReport report = new ResultsReport(results(), null);

        assertThat(report.heapBoundBytes()).isEqualTo(32 * MIB + 10 * (4 * MIB * 4 / 3));
    }

    @Test
    void theHeapTargetIsJudgedPerEndpointOnTheLargestLiveHeapAboveIdle() {
        SuiteResults results = results();
        results.liveHeap.add(new HeapProbe.Result("in-process", 100, "producer-4", 40 * MIB, 52 * MIB,
                2 * MIB, 19_800, 10, 1_000_000, null));
        results.liveHeap.add(new HeapProbe.Result("in-process", 10240, "producer-4", 50 * MIB, 97 * MIB,
                32 * MIB, 3_276, 8, 50_000, null));
        results.liveHeap.add(new HeapProbe.Result("firehose-local", 10240, "producer-4", 50 * MIB, 120 * MIB,
                32 * MIB, 3_276, 8, 50_000, null));

        String markdown = new ResultsReport(results, null).markdown(ZonedDateTime.now());

        assertThat(markdown).contains("| heap held ≤ buffer bound + requests in flight (85 MiB) | in-process, all sizes "
                        + "| largest 47 MiB live above the idle heap, after a full GC at saturation (producer-4, 10 KiB; "
                        + "buffer 32.0 MiB / 3,276 records (100%), 8 requests in flight) | met |")
                .contains("| heap held ≤ buffer bound + requests in flight (85 MiB) | firehose-local, all sizes "
                        + "| largest 70 MiB live above the idle heap")
                .doesNotContain("after GC above the idle heap");
    }

    @Test
    void aLiveHeapAboveTheBoundMissesTheTargetBySoMuch() {
        SuiteResults results = results();
        results.liveHeap.add(new HeapProbe.Result("in-process", 1024, "producer-4", 40 * MIB, 140 * MIB,
                20 * MIB, 20_000, 10, 300_000, null));

        String markdown = new ResultsReport(results, null).markdown(ZonedDateTime.now());

        assertThat(markdown).contains("| largest 100 MiB live above the idle heap")
                .contains("| **missed** by 15 MiB |");
    }

    @Test
    void theLiveHeapTableShowsEveryProbeWithTheBufferAtTheSample() {
        SuiteResults results = results();
        results.liveHeap.add(new HeapProbe.Result("in-process", 1024, "producer-4", 40 * MIB, 72 * MIB + MIB / 2,
                19 * MIB, 19_500, 9, 300_000, null));
        // Packed, the fill is measured against the packed contenders' bound (40,000 records).
        results.liveHeap.add(new HeapProbe.Result("in-process", 100, "packed-4", 40 * MIB, 45 * MIB,
                4 * MIB, 39_000, 1, 300_000, null));
        results.liveHeap.add(HeapProbe.Result.unavailable("firehose-local", 1024, "producer-4", "IOException: refused"));

        String markdown = new ResultsReport(results, null).markdown(ZonedDateTime.now());

        assertThat(markdown).contains("#### Live heap at saturation (after a full GC)")
                .contains("| endpoint | size | producer | live heap at saturation above idle, MiB | idle live heap, MiB "
                        + "| buffered at the sample: data / records (share of the bound) "
                        + "| requests in flight at the sample |")
                .contains("| in-process | 1 KiB | producer-4 | 32.5 | 40.0 | 19.0 MiB / 19,500 records (98%) | 9 |")
                .contains("| in-process | 100 B | packed-4 | 5.0 | 40.0 | 4.0 MiB / 39,000 records (98%) | 1 |")
                .contains("| firehose-local | 1 KiB | producer-4 | not measured: IOException: refused ||||")
                .doesNotContain("NaN");
    }

    @Test
    void withoutTheProbeTheTargetFallsBackToTheHeapAfterGcAsAnUpperBound() {
        SuiteResults results = results();
        results.main.add(producerRun("in-process", 10240, 40 * MIB, 423 * MIB));

        String markdown = new ResultsReport(results, null).markdown(ZonedDateTime.now());

        assertThat(markdown).contains("| largest 383 MiB after GC above the idle heap (in-process, producer-4, 10 KiB) "
                        + "| **missed** by 298 MiB |")
                .contains("so it is an upper bound")
                .doesNotContain("Live heap at saturation");
    }

    @Test
    void theProbeIsOnByDefaultAndCanBeSkipped() {
        assertThat(SuiteOptions.parse().heapProbe).isTrue();
        assertThat(SuiteOptions.parse("quick").heapProbe).isTrue();
        assertThat(SuiteOptions.parse("quick", "--no-heap-probe").heapProbe).isFalse();
    }

    private static SuiteResults results() {
        return new SuiteResults(SuiteOptions.parse("quick", "--no-readme"), DEFAULTS, 10);
    }

    /** One measured producer run whose heap after GC rose from {@code startHeap} to {@code maxAfterGc}. */
    private static ScenarioResult producerRun(String endpoint, int size, long startHeap, long maxAfterGc) {
        ResourceMeter.Usage usage = new ResourceMeter.Usage(2_000_000_000L, 3_000_000_000L, 1_000_000_000L, startHeap,
                600 * MIB, maxAfterGc, 12, 0, 0, "app-1", 1_000_000_000L);
        RequestCounter.Snapshot requests = new RequestCounter.Snapshot(100, 40_900, 100, 40_900L * size);
        RunMeasurement run = new RunMeasurement(size, new Contender.Outcome(40_900, 40_900, 0), requests, requests,
                usage, 50_000, 100_000, 110_000);
        return new ScenarioResult(endpoint, size, "producer-4", "FirehoseProducer, 4 threads", List.of(run), null);
    }
}
