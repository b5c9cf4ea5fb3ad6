package dev.firehose.local.internal.partition;

import dev.firehose.local.internal.protocol.ApiError;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One {@code Prefix} or {@code ErrorOutputPrefix} as given, parsed into literal text and
 * {@code !{namespace:value}} expressions: {@code timestamp} (a {@link DateTimeFormatter} pattern,
 * evaluated in UTC), {@code firehose:random-string}, {@code firehose:error-output-type} and
 * {@code partitionKeyFromQuery:name}. {@code partitionKeyFromLambda} is refused: firehose-local runs
 * no Lambda functions. Immutable and thread-safe.
 */
public final class PrefixTemplate {

    /** Length of {@code !{firehose:random-string}}. */
    public static final int RANDOM_STRING_LENGTH = 11;
    private static final char[] RANDOM_CHARS = "0123456789abcdef".toCharArray();

    private sealed interface Part permits Literal, Timestamp, RandomString, ErrorOutputType, PartitionKey {
    }

    private record Literal(String text) implements Part {
    }

    private record Timestamp(DateTimeFormatter format) implements Part {
    }

    private record RandomString() implements Part {
    }

    private record ErrorOutputType() implements Part {
    }

    private record PartitionKey(String name) implements Part {
    }

    private final String source;
    private final List<Part> parts;
    private final boolean hasExpressions;
    private final boolean hasErrorOutputType;
    private final boolean hasTimestamp;
    private final Set<String> partitionKeys;

    private PrefixTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
        this.hasExpressions = parts.stream().anyMatch(p -> !(p instanceof Literal));
        this.hasErrorOutputType = parts.stream().anyMatch(p -> p instanceof ErrorOutputType);
        this.hasTimestamp = parts.stream().anyMatch(p -> p instanceof Timestamp);
        Set<String> keys = new LinkedHashSet<>();
        parts.stream().filter(p -> p instanceof PartitionKey).forEach(p -> keys.add(((PartitionKey) p).name()));
        this.partitionKeys = Collections.unmodifiableSet(keys);
    }

    /**
     * Parses {@code value}, the member {@code field} ({@code Prefix} or {@code ErrorOutputPrefix}).
     *
     * @throws ApiError InvalidArgumentException naming the expression and the rule it breaks
     */
    public static PrefixTemplate parse(String field, String value) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int open = value.indexOf("!{", i);
            if (open < 0) {
                literal.append(value, i, value.length());
                break;
            }
            literal.append(value, i, open);
            int close = value.indexOf('}', open + 2);
            if (close < 0) {
                throw invalid(field, value, "'!{' at character " + (open + 1)
                        + " starts an expression that is never closed with '}'; the sequence '!{' can only "
                        + "appear in !{namespace:value} expressions");
            }
            String expression = value.substring(open, close + 1);
            if (expression.indexOf("!{", 2) >= 0) {
                throw invalid(field, value, "the expression " + expression + " contains '!{'; the sequence '!{' can "
                        + "only appear in !{namespace:value} expressions");
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(expression(field, value, expression));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new PrefixTemplate(value, parts);
    }

    private static Part expression(String field, String value, String expression) {
        String body = expression.substring(2, expression.length() - 1);
        int colon = body.indexOf(':');
        if (colon < 0) {
            throw invalid(field, value, "the expression " + expression + " has no ':'; expressions have the form "
                    + "!{namespace:value}");
        }
        String namespace = body.substring(0, colon);
        String argument = body.substring(colon + 1);
        if (argument.isEmpty()) {
            throw invalid(field, value, "the expression " + expression + " has an empty value");
        }
        return switch (namespace) {
            case "timestamp" -> new Timestamp(formatter(field, value, expression, argument));
            case "firehose" -> switch (argument) {
                case "random-string" -> new RandomString();
                case "error-output-type" -> new ErrorOutputType();
                default -> throw invalid(field, value, "the expression " + expression + " names '" + argument
                        + "'; the firehose namespace has the values random-string and error-output-type");
            };
            case "partitionKeyFromQuery" -> new PartitionKey(argument);
            case "partitionKeyFromLambda" -> throw ApiError.invalidArgument(field + " '" + value
                    + "' uses " + expression + ", which is not supported by firehose-local: it runs no Lambda "
                    + "functions; use partitionKeyFromQuery with a MetadataExtraction processor.");
            default -> throw invalid(field, value, "the expression " + expression + " has the unknown namespace '"
                    + namespace + "'; the namespaces are timestamp, firehose, partitionKeyFromQuery and "
                    + "partitionKeyFromLambda");
        };
    }

    private static DateTimeFormatter formatter(String field, String value, String expression, String pattern) {
        try {
            return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
        } catch (IllegalArgumentException e) {
            throw invalid(field, value, "the expression " + expression + " is not a valid Java DateTimeFormatter "
                    + "pattern (" + e.getMessage() + ")");
        }
    }

    private static ApiError invalid(String field, String value, String why) {
        return ApiError.invalidArgument(field + " '" + value + "' is not a valid prefix: " + why + ".");
    }

    /** The prefix as given. */
    public String source() {
        return source;
    }

    public boolean isEmpty() {
        return source.isEmpty();
    }

    /** Whether it holds at least one {@code !{...}} expression. */
    public boolean hasExpressions() {
        return hasExpressions;
    }

    public boolean hasErrorOutputType() {
        return hasErrorOutputType;
    }

    /** Whether it holds at least one {@code !{timestamp:...}} expression. */
    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** The names of its {@code !{partitionKeyFromQuery:name}} expressions, in order of appearance. */
    public Set<String> partitionKeys() {
        return partitionKeys;
    }

    /**
     * Evaluates the template.
     *
     * @param time       the instant of every {@code timestamp} expression (all evaluate to the same instant)
     * @param keys       the partition keys by name; every name of {@link #partitionKeys()} must be present
     * @param errorType  the value of {@code !{firehose:error-output-type}}, or {@code null} for data
     * @param random     source of {@code !{firehose:random-string}}, a new string for each expression
     */
    public String evaluate(Instant time, Map<String, String> keys, String errorType, RandomGenerator random) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text());
            } else if (part instanceof Timestamp t) {
                out.append(t.format().format(time));
            } else if (part instanceof RandomString) {
                for (int i = 0; i < RANDOM_STRING_LENGTH; i++) {
                    out.append(RANDOM_CHARS[random.nextInt(RANDOM_CHARS.length)]);
                }
            } else if (part instanceof ErrorOutputType) {
                out.append(errorType);
            } else {
                out.append(keys.get(((PartitionKey) part).name()));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
