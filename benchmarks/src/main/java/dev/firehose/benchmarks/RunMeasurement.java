package dev.firehose.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * The figures of one run of one contender.
 *
 * @param outcome records sent, acknowledged and failed
 * @param requests the requests the client transmitted during the run
 * @param saturated the requests transmitted while the application was feeding (for the producer:
 *     before the closing flush), the ones that show how full requests are at saturation
 * @param usage what the run cost the process
 * @param p50Micros median put-to-acknowledgement latency
 * @param p99Micros 99th percentile latency
 * @param p999Micros 99.9th percentile latency
 */
record RunMeasurement(int recordSize, Contender.Outcome outcome, RequestCounter.Snapshot requests,
                      RequestCounter.Snapshot saturated, ResourceMeter.Usage usage, long p50Micros, long p99Micros,
                      long p999Micros) {

    static RunMeasurement of(int recordSize, Contender.Outcome outcome, RequestCounter.Snapshot requests,
                             RequestCounter.Snapshot saturated, ResourceMeter.Usage usage, Histogram latency) {
        boolean empty = latency.getTotalCount() == 0;
        return new RunMeasurement(recordSize, outcome, requests, saturated, usage,
                empty ? 0 : latency.getValueAtPercentile(50),
                empty ? 0 : latency.getValueAtPercentile(99),
                empty ? 0 : latency.getValueAtPercentile(99.9));
    }

    double seconds() {
        return usage.wallNanos() / 1e9;
    }

    double recordsPerSecond() {
        return outcome.acknowledged() / seconds();
    }

    double mebibytesPerSecond() {
        return recordsPerSecond() * recordSize / (1024.0 * 1024.0);
    }

    double requestsPerSecond() {
        return requests.requests() / seconds();
    }

    /** Process CPU time per acknowledged record, in microseconds. */
    double cpuMicrosPerRecord() {
        return outcome.acknowledged() == 0 ? 0 : usage.cpuNanos() / 1e3 / outcome.acknowledged();
    }

    /** Process CPU time per record less the endpoint's threads, in microseconds. */
    double clientCpuMicrosPerRecord() {
        return outcome.acknowledged() == 0
                ? 0 : (usage.cpuNanos() - usage.endpointCpuNanos()) / 1e3 / outcome.acknowledged();
    }

    /** Bytes allocated per record less what the endpoint's threads allocated. */
    double clientAllocatedBytesPerRecord() {
        return outcome.acknowledged() == 0
                ? 0 : (usage.allocatedBytes() - usage.endpointAllocatedBytes()) / (double) outcome.acknowledged();
    }

    /** The busiest thread's CPU time over the run's wall time, in percent of one core. */
    double busiestThreadPercent() {
        return 100.0 * usage.busiestThreadCpuNanos() / usage.wallNanos();
    }

    /** Cores kept busy on average: CPU time over wall time. */
    double coresBusy() {
        return usage.cpuNanos() / (double) usage.wallNanos();
    }

    double allocatedBytesPerRecord() {
        return outcome.acknowledged() == 0 ? 0 : usage.allocatedBytes() / (double) outcome.acknowledged();
    }

    /** Share of the requests sent while feeding that were full, in percent. */
    double fullRequestsPercent() {
        return saturated.requests() == 0 ? 0 : 100.0 * saturated.fullRequests() / saturated.requests();
    }

    /** Share of all the run's requests that were full, the closing flush's included, in percent. */
    double fullRequestsPercentWithFlush() {
        return requests.requests() == 0 ? 0 : 100.0 * requests.fullRequests() / requests.requests();
    }

    double recordsPerRequest() {
        return requests.requests() == 0 ? 0 : requests.records() / (double) requests.requests();
    }
}
