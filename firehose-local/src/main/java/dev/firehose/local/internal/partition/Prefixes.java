package dev.firehose.local.internal.partition;

import dev.firehose.local.internal.protocol.ApiError;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A stream's {@code Prefix} and {@code ErrorOutputPrefix} with the service's rules between them,
 * checked when the stream is created, and their evaluation into the key prefix of an object:
 * <ul>
 *   <li>a {@code Prefix} with no {@code timestamp} expression gets the time folder {@code yyyy/MM/dd/HH/}
 *       appended (by plain concatenation), as the service appends {@code !{timestamp:yyyy/MM/dd/HH/}};
 *       a prefix with a {@code timestamp} expression, or any prefix of a stream with dynamic
 *       partitioning, is used as evaluated;</li>
 *   <li>{@code ErrorOutputPrefix} may be empty only if {@code Prefix} has no expression; then failed
 *       records go under {@code <Prefix><error-output-type>/yyyy/MM/dd/HH/}; an {@code ErrorOutputPrefix}
 *       with no expression gets {@code <error-output-type>/yyyy/MM/dd/HH/} appended; one with
 *       expressions must contain {@code !{firehose:error-output-type}};</li>
 *   <li>{@code !{firehose:error-output-type}} only in {@code ErrorOutputPrefix};
 *       {@code partitionKeyFromQuery} only in {@code Prefix} and only with dynamic partitioning.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class Prefixes {

    /** The folder the service appends to a prefix without expressions. */
    static final DateTimeFormatter TIME_FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/").withZone(ZoneOffset.UTC);

    /** The service's message when Prefix has expressions and ErrorOutputPrefix is empty (its spelling). */
    static final String ERROR_PREFIX_REQUIRED = "Ths supplied prefix(es) do not satisfy the following constraint: "
            + "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions";
    /** The service's message for partitionKeyFrom... expressions without dynamic partitioning. */
    static final String NAMESPACES_NEED_DYNAMIC_PARTITIONING = "Dynamic Partitioning Namespaces can only be part "
            + "of a prefix expression when Dynamic Partitioning is enabled.";

    private static final Prefixes NONE = new Prefixes(PrefixTemplate.parse("Prefix", ""),
            PrefixTemplate.parse("ErrorOutputPrefix", ""), false);

    private final PrefixTemplate data;
    private final PrefixTemplate error;
    private final boolean appendsTimeFolder;

    private Prefixes(PrefixTemplate data, PrefixTemplate error, boolean dynamicPartitioning) {
        this.data = data;
        this.error = error;
        this.appendsTimeFolder = !dynamicPartitioning && !data.hasTimestamp();
    }

    /** No prefixes: objects under {@code yyyy/MM/dd/HH/}. */
    public static Prefixes none() {
        return NONE;
    }

    /**
     * Parses and checks the two prefixes of a destination.
     *
     * @param prefix              {@code Prefix}, empty when not given
     * @param errorOutputPrefix   {@code ErrorOutputPrefix}, empty when not given
     * @param dynamicPartitioning whether DynamicPartitioningConfiguration.Enabled is true
     * @param queryKeys           the partition keys the MetadataExtractionQuery defines
     * @throws ApiError InvalidArgumentException naming the rule broken
     */
    public static Prefixes of(String prefix, String errorOutputPrefix, boolean dynamicPartitioning,
                              Set<String> queryKeys) {
        PrefixTemplate data = PrefixTemplate.parse("Prefix", prefix);
        PrefixTemplate error = PrefixTemplate.parse("ErrorOutputPrefix", errorOutputPrefix);
        if (data.hasErrorOutputType()) {
            throw ApiError.invalidArgument("Prefix '" + prefix + "' contains !{firehose:error-output-type}, "
                    + "which can only be used in ErrorOutputPrefix.");
        }
        if (!dynamicPartitioning && (!data.partitionKeys().isEmpty() || !error.partitionKeys().isEmpty())) {
            throw ApiError.invalidArgument(NAMESPACES_NEED_DYNAMIC_PARTITIONING);
        }
        if (!error.partitionKeys().isEmpty()) {
            throw ApiError.invalidArgument("ErrorOutputPrefix '" + errorOutputPrefix + "' contains "
                    + "!{partitionKeyFromQuery:...}: failed records have no partition keys; use it in Prefix only.");
        }
        if (dynamicPartitioning && data.isEmpty()) {
            throw ApiError.invalidArgument("Prefix is required when dynamic partitioning is enabled.");
        }
        if (dynamicPartitioning && error.isEmpty()) {
            throw ApiError.invalidArgument("ErrorOutputPrefix is required when dynamic partitioning is enabled.");
        }
        if (data.hasExpressions() && error.isEmpty()) {
            throw ApiError.invalidArgument(ERROR_PREFIX_REQUIRED);
        }
        if (error.hasExpressions() && !error.hasErrorOutputType()) {
            throw ApiError.invalidArgument("ErrorOutputPrefix '" + errorOutputPrefix + "' contains expressions "
                    + "but no !{firehose:error-output-type}; an ErrorOutputPrefix with expressions must include it "
                    + "at least once.");
        }
        for (String key : data.partitionKeys()) {
            if (!queryKeys.contains(key)) {
                throw ApiError.invalidArgument("Prefix '" + prefix + "' uses !{partitionKeyFromQuery:" + key
                        + "}, but the MetadataExtractionQuery defines no key '" + key + "' (it defines "
                        + (queryKeys.isEmpty() ? "none" : String.join(", ", queryKeys)) + ").");
            }
        }
        return new Prefixes(data, error, dynamicPartitioning);
    }

    public String prefix() {
        return data.source();
    }

    public String errorOutputPrefix() {
        return error.source();
    }

    /** The names of the partition keys the Prefix uses, in order of appearance. */
    public Set<String> partitionKeys() {
        return data.partitionKeys();
    }

    /** The key prefix of a data object whose oldest record arrived at {@code time}. */
    public String data(Instant time, Map<String, String> keys, RandomGenerator random) {
        String evaluated = data.evaluate(time, keys, null, random);
        return appendsTimeFolder ? evaluated + TIME_FOLDER.format(time) : evaluated;
    }

    /** The key prefix of an error object of {@code errorType} whose oldest record arrived at {@code time}. */
    public String error(Instant time, String errorType, RandomGenerator random) {
        if (error.isEmpty()) {
            return data.source() + errorType + '/' + TIME_FOLDER.format(time);
        }
        String evaluated = error.evaluate(time, Map.of(), errorType, random);
        return error.hasExpressions() ? evaluated : evaluated + errorType + '/' + TIME_FOLDER.format(time);
    }
}
