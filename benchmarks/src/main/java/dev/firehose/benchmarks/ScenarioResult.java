package dev.firehose.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The runs of one contender in one scenario (endpoint and record size), reduced to medians.
 *
 * @param endpoint where it sent
 * @param recordSize bytes per record
 * @param key the contender's id
 * @param description the contender, for the table
 * @param runs the measured runs (warm-up runs excluded)
 * @param note what could not be measured, or null
 */
record ScenarioResult(String endpoint, int recordSize, String key, String description,
                      List<RunMeasurement> runs, String note) {

    static ScenarioResult unavailable(String endpoint, int recordSize, String key, String description, String why) {
        return new ScenarioResult(endpoint, recordSize, key, description, List.of(), why);
    }

    boolean measured() {
        return !runs.isEmpty();
    }

    double median(ToDoubleFunction<RunMeasurement> figure) {
        return median(runs.stream().mapToDouble(figure).toArray());
    }

    double min(ToDoubleFunction<RunMeasurement> figure) {
        return runs.stream().mapToDouble(figure).min().orElse(Double.NaN);
    }

    double max(ToDoubleFunction<RunMeasurement> figure) {
        return runs.stream().mapToDouble(figure).max().orElse(Double.NaN);
    }

    double recordsPerSecond() {
        return median(RunMeasurement::recordsPerSecond);
    }

    /** Half the distance between the fastest and the slowest run, relative to the median, in percent. */
    double recordsPerSecondSpreadPercent() {
        double median = recordsPerSecond();
        return median == 0 || runs.size() < 2
                ? 0 : 50.0 * (max(RunMeasurement::recordsPerSecond) - min(RunMeasurement::recordsPerSecond)) / median;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
