package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * GetMetricData for {@code MetricStat} queries: per query, the statistic of one metric (exact
 * dimension set) per period, newest first by default ({@code ScanBy: TimestampDescending}) or
 * oldest first ({@code TimestampAscending}). Periods without data are left out, as CloudWatch does;
 * every result has {@code StatusCode: Complete}. Queries with {@code ReturnData: false} are
 * evaluated but not returned.
 *
 * <p>Not supported, answered with {@code InvalidParameterValue} and a message saying so: metric
 * math and Metrics Insights ({@code Expression}), statistics other than SampleCount, Sum, Average,
 * Minimum and Maximum, periods that are not multiples of 60 seconds, and {@code NextToken} (every
 * answer fits in one page; {@code MaxDatapoints} is not applied). {@code LabelOptions} is ignored.
 */
final class GetMetricDataOperation {

    static final int MAX_QUERIES = 500;
    private static final Pattern ID = Pattern.compile("[a-z][a-zA-Z0-9_]*");

    private final MetricStore store;

    GetMetricDataOperation(MetricStore store) {
        this.store = store;
    }

    byte[] handle(CborInput input, JsonFactory format) {
        Instant start = input.requiredTimestamp("StartTime");
        Instant end = input.requiredTimestamp("EndTime");
        GetMetricStatisticsOperation.checkWindow(start, end);
        String token = input.text("NextToken");
        if (token != null) {
            throw CloudWatchError.invalidNextToken(token);
        }
        String scanBy = input.text("ScanBy");
        boolean ascending;
        if (scanBy == null || scanBy.equals("TimestampDescending")) {
            ascending = false;
        } else if (scanBy.equals("TimestampAscending")) {
            ascending = true;
        } else {
            throw CloudWatchError.invalidValue("The value " + scanBy
                    + " for parameter ScanBy is invalid; it must be TimestampDescending or TimestampAscending.");
        }
        if (!input.has("MetricDataQueries")) {
            throw CloudWatchError.missingParameter("MetricDataQueries");
        }
        List<CborInput> queries = input.objects("MetricDataQueries");
        if (queries.isEmpty() || queries.size() > MAX_QUERIES) {
            throw CloudWatchError.invalidValue("The collection MetricDataQueries must have 1 to " + MAX_QUERIES
                    + " members; it has " + queries.size() + ".");
        }

        List<Query> parsed = new ArrayList<>(queries.size());
        Set<String> ids = new HashSet<>();
        for (CborInput q : queries) {
            Query query = parse(q);
            if (!ids.add(query.id)) {
                throw CloudWatchError.invalidValue("The Id '" + query.id + "' is used by more than one query "
                        + "in MetricDataQueries; Ids must be unique.");
            }
            parsed.add(query);
        }

        CborOutput out = new CborOutput(format).startMap().startList("MetricDataResults");
        for (Query q : parsed) {
            if (!q.returnData) {
                continue;
            }
            List<MetricDatapoint> points = store.datapoints(q.metric, start, end, Duration.ofSeconds(q.period), q.unit);
            List<MetricDatapoint> ordered = new ArrayList<>(points);
            if (!ascending) {
                Collections.reverse(ordered);
            }
            out.startMap().field("Id", q.id).field("Label", q.label);
            out.startList("Timestamps");
            for (MetricDatapoint p : ordered) {
                out.timestamp(p.timestamp());
            }
            out.endList().startList("Values");
            for (MetricDatapoint p : ordered) {
                out.number(p.statistics().get(q.stat));
            }
            out.endList().field("StatusCode", "Complete").startList("Messages").endList().endMap();
        }
        return out.endList().startList("Messages").endList().endMap().toBytes();
    }

    private static Query parse(CborInput q) {
        String id = q.requiredText("Id");
        if (id.length() > 255 || !ID.matcher(id).matches()) {
            throw CloudWatchError.invalidValue("The value " + id + " for parameter " + q.pathOf("Id")
                    + " is invalid; an Id starts with a lowercase letter followed by letters, digits or '_'.");
        }
        boolean hasStat = q.has("MetricStat");
        boolean hasExpression = q.has("Expression");
        if (hasStat && hasExpression) {
            throw CloudWatchError.invalidCombination("The query '" + id
                    + "' has both MetricStat and Expression; give exactly one.");
        }
        if (hasExpression) {
            throw CloudWatchError.invalidValue("The query '" + id + "' uses an Expression (" + q.text("Expression")
                    + "); metric math and Metrics Insights are not supported by firehose-local, "
                    + "only MetricStat queries are.");
        }
        if (!hasStat) {
            throw CloudWatchError.invalidCombination("The query '" + id + "' must have either MetricStat or Expression.");
        }
        CborInput stat = q.requiredObject("MetricStat");
        CborInput metric = stat.requiredObject("Metric");
        String namespace = metric.requiredText("Namespace");
        String metricName = metric.requiredText("MetricName");
        Map<String, String> dimensions = metric.dimensions("Dimensions", GetMetricStatisticsOperation.MAX_DIMENSIONS);
        Integer period = stat.integer("Period");
        if (period == null) {
            throw CloudWatchError.missingParameter(stat.pathOf("Period"));
        }
        GetMetricStatisticsOperation.checkPeriod(stat.pathOf("Period"), period);
        String statistic = stat.requiredText("Stat");
        GetMetricStatisticsOperation.checkStatistic(stat.pathOf("Stat"), statistic);
        String unit = stat.text("Unit");
        if (unit != null && !PutMetricDataOperation.UNITS.contains(unit)) {
            throw CloudWatchError.invalidValue("The value " + unit + " for parameter " + stat.pathOf("Unit")
                    + " is not a CloudWatch standard unit.");
        }
        String label = q.text("Label");
        return new Query(id, MetricKey.of(namespace, metricName, dimensions), period, statistic, unit,
                label != null ? label : metricName, q.bool("ReturnData", true));
    }

    private record Query(String id, MetricKey metric, int period, String stat, String unit, String label,
                         boolean returnData) {
    }
}
