package dev.firehose.local.cloudwatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PutMetricData: validates the whole request against CloudWatch's limits, then stores every datum
 * in the {@link MetricStore}; a request with one invalid datum stores nothing.
 *
 * <p>Accepted per datum: {@code MetricName}, {@code Dimensions} (up to 30), {@code Timestamp}
 * (default: now; from two weeks ago to two hours ahead), {@code Unit} (one of CloudWatch's
 * standard units, default {@code None}), {@code StorageResolution} (1 or 60; stored at one-minute
 * resolution either way), and one of {@code Value}, {@code Values} with optional {@code Counts}
 * (up to 150 values), or {@code StatisticValues}. Values must be finite and within ±2^360. Data
 * sent as {@code EntityMetricData} is stored the same way (the entity itself is not kept).
 * Namespaces starting with {@code AWS/} are reserved for AWS services and are refused, which also
 * keeps the {@code AWS/Firehose} metrics firehose-local records itself authoritative.
 */
final class PutMetricDataOperation {

    static final int MAX_METRIC_DATA = 1000;
    static final int MAX_DIMENSIONS = 30;
    static final int MAX_VALUES = 150;
    static final Duration MAX_AGE = Duration.ofDays(14);
    static final Duration MAX_AHEAD = Duration.ofHours(2);
    private static final double MAX_MAGNITUDE = Math.pow(2, 360);

    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
            "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
            "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
            "Terabits/Second", "Count/Second", "None");

    private final MetricStore store;

    PutMetricDataOperation(MetricStore store) {
        this.store = store;
    }

    void handle(CborInput input) {
        String namespace = input.requiredText("Namespace");
        checkNamespace(input.pathOf("Namespace"), namespace);
        if (namespace.startsWith("AWS/")) {
            throw CloudWatchError.invalidValue("The value " + namespace + " for parameter Namespace is invalid: "
                    + "namespaces starting with AWS/ are reserved for AWS services.");
        }
        List<CborInput> data = new ArrayList<>(input.objects("MetricData"));
        for (CborInput entity : input.objects("EntityMetricData")) {
            data.addAll(entity.objects("MetricData"));
        }
        if (data.isEmpty()) {
            throw CloudWatchError.missingParameter(input.pathOf("MetricData"));
        }
        if (data.size() > MAX_METRIC_DATA) {
            throw CloudWatchError.invalidValue("The collection MetricData must not have a size greater than "
                    + MAX_METRIC_DATA + "; it has " + data.size() + ".");
        }
        Instant now = store.clock().instant();
        List<Sample> samples = new ArrayList<>();
        for (CborInput datum : data) {
            parse(datum, now, samples);
        }
        for (Sample s : samples) {
            store.record(namespace, s.metricName, s.dimensions, s.timestamp, s.statistics, s.unit);
        }
    }

    static void checkNamespace(String parameter, String namespace) {
        CborInput.checkLength(parameter, namespace, 255);
        if (namespace.startsWith(":")) {
            throw CloudWatchError.invalidValue("The value " + namespace + " for parameter " + parameter
                    + " is invalid: it must not start with ':'.");
        }
    }

    private static void parse(CborInput datum, Instant now, List<Sample> into) {
        String metricName = datum.requiredText("MetricName");
        CborInput.checkLength(datum.pathOf("MetricName"), metricName, 255);
        Map<String, String> dimensions = datum.dimensions("Dimensions", MAX_DIMENSIONS);

        Instant timestamp = datum.timestamp("Timestamp");
        if (timestamp == null) {
            timestamp = now;
        } else if (timestamp.isBefore(now.minus(MAX_AGE)) || timestamp.isAfter(now.plus(MAX_AHEAD))) {
            throw CloudWatchError.invalidValue("The parameter " + datum.pathOf("Timestamp") + " (" + timestamp
                    + ") must be within the last two weeks and at most two hours ahead of now (" + now + ").");
        }

        String unit = datum.text("Unit");
        if (unit == null) {
            unit = MetricStore.NO_UNIT;
        } else if (!UNITS.contains(unit)) {
            throw CloudWatchError.invalidValue("The value " + unit + " for parameter " + datum.pathOf("Unit")
                    + " is not a CloudWatch standard unit.");
        }

        Integer resolution = datum.integer("StorageResolution");
        if (resolution != null && resolution != 1 && resolution != 60) {
            throw CloudWatchError.invalidValue("The value " + resolution + " for parameter "
                    + datum.pathOf("StorageResolution") + " is invalid; it must be 1 or 60.");
        }

        boolean hasValue = datum.has("Value");
        boolean hasValues = datum.has("Values");
        boolean hasStats = datum.has("StatisticValues");
        int given = (hasValue ? 1 : 0) + (hasValues ? 1 : 0) + (hasStats ? 1 : 0);
        if (given > 1) {
            throw CloudWatchError.invalidCombination("The parameters " + datum.pathOf("Value") + ", "
                    + datum.pathOf("Values") + " and " + datum.pathOf("StatisticValues")
                    + " are mutually exclusive; give one of them.");
        }
        if (given == 0) {
            throw CloudWatchError.invalidCombination("One of " + datum.pathOf("Value") + ", " + datum.pathOf("Values")
                    + " or " + datum.pathOf("StatisticValues") + " is required.");
        }

        if (hasValue) {
            double value = checkValue(datum.pathOf("Value"), datum.requiredNumber("Value"));
            into.add(new Sample(metricName, dimensions, timestamp, StatisticSet.of(value), unit));
        } else if (hasStats) {
            CborInput s = datum.requiredObject("StatisticValues");
            StatisticSet set = new StatisticSet(
                    checkValue(s.pathOf("SampleCount"), s.requiredNumber("SampleCount")),
                    checkValue(s.pathOf("Sum"), s.requiredNumber("Sum")),
                    checkValue(s.pathOf("Minimum"), s.requiredNumber("Minimum")),
                    checkValue(s.pathOf("Maximum"), s.requiredNumber("Maximum")));
            if (set.sampleCount() <= 0 || set.minimum() > set.maximum()) {
                throw CloudWatchError.invalidValue("The parameter " + datum.pathOf("StatisticValues")
                        + " is invalid: SampleCount must be positive and Minimum must not exceed Maximum.");
            }
            into.add(new Sample(metricName, dimensions, timestamp, set, unit));
        } else {
            List<Double> values = datum.numbers("Values");
            List<Double> counts = datum.numbers("Counts");
            if (values.isEmpty()) {
                throw CloudWatchError.invalidValue("The collection " + datum.pathOf("Values")
                        + " must have at least one member.");
            }
            if (values.size() > MAX_VALUES) {
                throw CloudWatchError.invalidValue("The collection " + datum.pathOf("Values")
                        + " must not have a size greater than " + MAX_VALUES + "; it has " + values.size() + ".");
            }
            if (!counts.isEmpty() && counts.size() != values.size()) {
                throw CloudWatchError.invalidValue("The parameters " + datum.pathOf("Values") + " and "
                        + datum.pathOf("Counts") + " must have the same number of members; they have "
                        + values.size() + " and " + counts.size() + ".");
            }
            for (int i = 0; i < values.size(); i++) {
                double value = checkValue(datum.pathOf("Values") + ".member." + (i + 1), values.get(i));
                double count = counts.isEmpty() ? 1 : checkValue(datum.pathOf("Counts") + ".member." + (i + 1),
                        counts.get(i));
                if (count < 0) {
                    throw CloudWatchError.invalidValue("The parameter " + datum.pathOf("Counts") + ".member." + (i + 1)
                            + " must not be negative.");
                }
                if (count > 0) {
                    into.add(new Sample(metricName, dimensions, timestamp, StatisticSet.repeated(value, count), unit));
                }
            }
        }
    }

    private static double checkValue(String parameter, double value) {
        if (!Double.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
            throw CloudWatchError.invalidValue("The value " + value + " for parameter " + parameter
                    + " is invalid: values must be finite and within -2^360 to 2^360.");
        }
        return value;
    }

    private record Sample(String metricName, Map<String, String> dimensions, Instant timestamp,
                          StatisticSet statistics, String unit) {
    }
}
