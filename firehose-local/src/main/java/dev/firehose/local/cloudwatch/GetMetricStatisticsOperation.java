package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GetMetricStatistics: the requested basic statistics of one metric (exact dimension set) per
 * period, oldest first.
 *
 * <p>Supported: {@code Statistics} (SampleCount, Sum, Average, Minimum, Maximum), {@code Unit}
 * (only samples recorded with that unit), periods that are multiples of 60 seconds, and
 * CloudWatch's limit of 1,440 data points per call. Not supported: {@code ExtendedStatistics}
 * (percentiles and the like), answered with {@code InvalidParameterValue}.
 */
final class GetMetricStatisticsOperation {

    static final int MAX_DATAPOINTS = 1440;
    static final int MAX_DIMENSIONS = 30;
    static final Set<String> STATISTICS = Set.of("SampleCount", "Sum", "Average", "Minimum", "Maximum");

    private final MetricStore store;

    GetMetricStatisticsOperation(MetricStore store) {
        this.store = store;
    }

    byte[] handle(CborInput input, JsonFactory format) {
        String namespace = input.requiredText("Namespace");
        String metricName = input.requiredText("MetricName");
        Map<String, String> dimensions = input.dimensions("Dimensions", MAX_DIMENSIONS);
        Instant start = input.requiredTimestamp("StartTime");
        Instant end = input.requiredTimestamp("EndTime");
        Integer period = input.integer("Period");
        if (period == null) {
            throw CloudWatchError.missingParameter(input.pathOf("Period"));
        }
        checkPeriod(input.pathOf("Period"), period);
        checkWindow(start, end);

        List<String> statistics = input.texts("Statistics");
        List<String> extended = input.texts("ExtendedStatistics");
        if (statistics.isEmpty() && extended.isEmpty()) {
            throw CloudWatchError.invalidCombination("Either Statistics or ExtendedStatistics must be specified.");
        }
        if (!extended.isEmpty()) {
            throw CloudWatchError.invalidValue("ExtendedStatistics (" + String.join(", ", extended)
                    + ") are not supported by firehose-local; use Statistics: " + String.join(", ", STATISTICS) + ".");
        }
        if (statistics.size() > 5) {
            throw CloudWatchError.invalidValue("The collection Statistics must not have a size greater than 5.");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : statistics) {
            checkStatistic("Statistics", s);
            wanted.add(s);
        }
        String unit = input.text("Unit");
        if (unit != null && !PutMetricDataOperation.UNITS.contains(unit)) {
            throw CloudWatchError.invalidValue("The value " + unit + " for parameter Unit is not a CloudWatch standard unit.");
        }
        long windowSeconds = end.getEpochSecond() - MetricStore.minuteOf(start);
        long periods = (windowSeconds + period - 1) / period;
        if (periods > MAX_DATAPOINTS) {
            throw CloudWatchError.invalidCombination("You have requested up to " + periods
                    + " datapoints, which exceeds the limit of " + MAX_DATAPOINTS + ".");
        }

        List<MetricDatapoint> points = store.datapoints(MetricKey.of(namespace, metricName, dimensions),
                start, end, Duration.ofSeconds(period), unit);
        CborOutput out = new CborOutput(format).startMap().field("Label", metricName).startList("Datapoints");
        for (MetricDatapoint p : points) {
            out.startMap().field("Timestamp", p.timestamp());
            for (String s : wanted) {
                out.field(s, p.statistics().get(s));
            }
            out.field("Unit", unit != null ? unit : p.unit()).endMap();
        }
        return out.endList().endMap().toBytes();
    }

    /** Periods must be whole minutes: firehose-local keeps one-minute resolution only. */
    static void checkPeriod(String parameter, int period) {
        if (period < 60 || period % 60 != 0) {
            throw CloudWatchError.invalidValue("The parameter " + parameter + " (" + period
                    + ") must be a multiple of 60 seconds; firehose-local keeps metrics at one-minute resolution.");
        }
    }

    static void checkWindow(Instant start, Instant end) {
        if (!start.isBefore(end)) {
            throw CloudWatchError.invalidValue("The parameter StartTime (" + start
                    + ") must be less than the parameter EndTime (" + end + ").");
        }
    }

    static void checkStatistic(String parameter, String statistic) {
        if (!STATISTICS.contains(statistic)) {
            throw CloudWatchError.invalidValue("The statistic '" + statistic + "' in " + parameter
                    + " is not supported by firehose-local; use SampleCount, Sum, Average, Minimum or Maximum.");
        }
    }
}
