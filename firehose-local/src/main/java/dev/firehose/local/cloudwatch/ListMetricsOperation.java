package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * ListMetrics: the metrics that hold data, filtered by {@code Namespace}, {@code MetricName} and
 * {@code Dimensions} (a metric matches when it has every filter's dimension name, and its value
 * when the filter gives one; it may have other dimensions too), and by {@code RecentlyActive}
 * ({@code PT3H}: recorded in the last three hours). Up to 500 metrics per page, as in CloudWatch,
 * with an opaque {@code NextToken} for the next page. {@code IncludeLinkedAccounts} and
 * {@code OwningAccount} are accepted and ignored: firehose-local has one account.
 */
final class ListMetricsOperation {

    static final int PAGE_SIZE = 500;
    static final int MAX_DIMENSION_FILTERS = 10;
    private static final String TOKEN_PREFIX = "firehose-local:list-metrics:";

    private final MetricStore store;

    ListMetricsOperation(MetricStore store) {
        this.store = store;
    }

    byte[] handle(CborInput input, JsonFactory format) {
        String namespace = input.text("Namespace");
        String metricName = input.text("MetricName");
        List<CborInput> filterInputs = input.objects("Dimensions");
        if (filterInputs.size() > MAX_DIMENSION_FILTERS) {
            throw CloudWatchError.invalidValue("The collection Dimensions must not have a size greater than "
                    + MAX_DIMENSION_FILTERS + "; it has " + filterInputs.size() + ".");
        }
        List<String[]> filters = new ArrayList<>();
        for (CborInput f : filterInputs) {
            filters.add(new String[] {f.requiredText("Name"), f.text("Value")});
        }
        String recentlyActive = input.text("RecentlyActive");
        Instant activeSince = null;
        if (recentlyActive != null) {
            if (!recentlyActive.equals("PT3H")) {
                throw CloudWatchError.invalidValue("The value " + recentlyActive
                        + " for parameter RecentlyActive is invalid; the only valid value is PT3H.");
            }
            activeSince = store.clock().instant().minus(Duration.ofHours(3));
        }
        int offset = decodeToken(input.text("NextToken"));

        List<MetricKey> matching = new ArrayList<>();
        for (MetricKey k : store.metrics()) {
            if ((namespace == null || namespace.equals(k.namespace()))
                    && (metricName == null || metricName.equals(k.metricName()))
                    && matches(k.dimensions(), filters)
                    && (activeSince == null || store.lastRecordedAt(k).map(activeSince::isBefore).orElse(false))) {
                matching.add(k);
            }
        }
        if (offset > matching.size()) {
            throw CloudWatchError.invalidNextToken(encodeToken(offset));
        }
        int to = Math.min(matching.size(), offset + PAGE_SIZE);
        CborOutput out = new CborOutput(format).startMap().startList("Metrics");
        for (MetricKey k : matching.subList(offset, to)) {
            out.startMap().field("Namespace", k.namespace()).field("MetricName", k.metricName())
                    .dimensions("Dimensions", k.dimensions()).endMap();
        }
        out.endList();
        if (to < matching.size()) {
            out.field("NextToken", encodeToken(to));
        }
        return out.endMap().toBytes();
    }

    private static boolean matches(Map<String, String> dimensions, List<String[]> filters) {
        for (String[] f : filters) {
            String value = dimensions.get(f[0]);
            if (value == null || (f[1] != null && !f[1].equals(value))) {
                return false;
            }
        }
        return true;
    }

    private static String encodeToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token) {
        if (token == null) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(TOKEN_PREFIX)) {
                int offset = Integer.parseInt(decoded.substring(TOKEN_PREFIX.length()));
                if (offset > 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through: not a token this endpoint handed out
        }
        throw CloudWatchError.invalidNextToken(token);
    }
}
