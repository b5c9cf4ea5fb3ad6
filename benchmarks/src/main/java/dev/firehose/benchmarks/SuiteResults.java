package dev.firehose.benchmarks;

import dev.firehose.producer.ProducerConfig;
import java.util.ArrayList;
import java.util.List;

/** Everything one run of the suite measured, ready to be rendered. */
final class SuiteResults {

    final SuiteOptions options;
    final ProducerConfig producerConfig;
    final int ceilingInFlight;
    final List<ScenarioResult> main = new ArrayList<>();
    final List<HttpResult> httpCeiling = new ArrayList<>();
    final List<HttpResult> httpProducer = new ArrayList<>();
    final List<HalfRate> halfRate = new ArrayList<>();
    final List<HeapProbe.Result> liveHeap = new ArrayList<>();

    SuiteResults(SuiteOptions options, ProducerConfig producerConfig, int ceilingInFlight) {
        this.options = options;
        this.producerConfig = producerConfig;
        this.ceilingInFlight = ceilingInFlight;
    }

    /**
     * One contender of the HTTP client comparison on one HTTP client.
     *
     * @param label the row of the table: the HTTP client and how it is called
     * @param result what was measured
     */
    record HttpResult(String label, ScenarioResult result) {
    }

    /**
     * The producer fed at half its saturation rate.
     *
     * @param result the paced runs
     * @param saturationRecordsPerSecond the best producer rate of the same endpoint and size
     * @param fedRecordsPerSecond the rate the application threads were paced to
     */
    record HalfRate(ScenarioResult result, double saturationRecordsPerSecond, long fedRecordsPerSecond) {
    }
}
