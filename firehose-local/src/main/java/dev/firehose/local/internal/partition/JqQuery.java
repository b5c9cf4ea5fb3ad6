package dev.firehose.local.internal.partition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.firehose.local.internal.protocol.ApiError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of jq that firehose-local evaluates for a {@code MetadataExtractionQuery}: one object
 * of partition keys, each a path of field names, such as {@code {customer_id: .customer_id, device:
 * .type.device}}. Names are identifiers or JSON strings; path steps are {@code .name} or
 * {@code ."quoted name"}. Anything else (pipes, functions such as {@code strftime}, array indices,
 * {@code ..}) is refused when the stream is created, rather than evaluated differently from jq 1.6.
 * Immutable and thread-safe.
 */
public final class JqQuery {

    private static final String SUPPORTED = "firehose-local evaluates queries of the form "
            + "{name: .field, other: .a.b.c} (top-level and nested field paths) only";

    private final String source;
    private final Map<String, List<String>> paths;

    private JqQuery(String source, Map<String, List<String>> paths) {
        this.source = source;
        this.paths = Collections.unmodifiableMap(paths);
    }

    /**
     * Parses a MetadataExtractionQuery.
     *
     * @throws ApiError InvalidArgumentException naming the query, the position and what is supported
     */
    public static JqQuery parse(String query) {
        return new Parser(query).query();
    }

    public String source() {
        return source;
    }

    /** The key names, in the order of the query. */
    public Set<String> keys() {
        return paths.keySet();
    }

    /**
     * Evaluates the query on one JSON document.
     *
     * @return the partition keys by name, each the value at its path: a string as is, a number or a
     *         boolean as its JSON text
     * @throws ExtractionException when the document is not an object, or a path is missing, null, or
     *         ends at an object or array
     */
    public Map<String, String> evaluate(JsonNode document) {
        if (!document.isObject()) {
            throw new ExtractionException("the record is a JSON " + document.getNodeType().name().toLowerCase()
                    + ", not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : paths.entrySet()) {
            JsonNode node = document;
            StringBuilder at = new StringBuilder();
            for (String field : e.getValue()) {
                if (!node.isObject()) {
                    throw new ExtractionException("key '" + e.getKey() + "': cannot index " + kind(node) + " at "
                            + (at.isEmpty() ? "." : at) + " with \"" + field + "\"");
                }
                at.append('.').append(field);
                node = node.get(field);
                if (node == null || node.isNull()) {
                    throw new ExtractionException("key '" + e.getKey() + "': " + at + " is null or missing");
                }
            }
            if (!node.isValueNode()) {
                throw new ExtractionException("key '" + e.getKey() + "': " + at + " is " + kind(node)
                        + ", not a string, number or boolean");
            }
            out.put(e.getKey(), node.asText());
        }
        return out;
    }

    private static String kind(JsonNode node) {
        return "a" + (node.isArray() || node.isObject() ? "n " : " ") + node.getNodeType().name().toLowerCase();
    }

    @Override
    public String toString() {
        return source;
    }

    /** A record the query cannot be evaluated on; the record goes to the error output. */
    public static final class ExtractionException extends RuntimeException {
        public ExtractionException(String message) {
            super(message, null, false, false);
        }
    }

    /** A recursive-descent parser of the supported subset. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        JqQuery query() {
            Map<String, List<String>> paths = new LinkedHashMap<>();
            space();
            expect('{', "'{' to open the object of partition keys");
            space();
            if (peek() == '}') {
                throw refuse("the object of partition keys is empty");
            }
            while (true) {
                space();
                String name = name();
                space();
                expect(':', "':' after the key name '" + name + "'");
                space();
                List<String> path = path();
                if (paths.put(name, path) != null) {
                    throw refuse("the key '" + name + "' is defined twice");
                }
                space();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}', "',' or '}' after the path of '" + name + "'");
                break;
            }
            space();
            if (i < s.length()) {
                throw refuse("unexpected '" + s.substring(i) + "' after the object");
            }
            return new JqQuery(s, paths);
        }

        private String name() {
            if (peek() == '"') {
                return string();
            }
            String id = identifier();
            if (id.isEmpty()) {
                throw refuse("expected a key name (an identifier or a JSON string)");
            }
            return id;
        }

        private List<String> path() {
            List<String> path = new ArrayList<>();
            while (peek() == '.') {
                i++;
                if (peek() == '"') {
                    path.add(string());
                } else {
                    String id = identifier();
                    if (id.isEmpty()) {
                        throw refuse(path.isEmpty() && peek() == '.' ? "'..' (recursive descent) is not supported"
                                : "expected a field name after '.'");
                    }
                    path.add(id);
                }
            }
            if (path.isEmpty()) {
                throw refuse("expected a path such as .field or .a.b.c");
            }
            space();
            char c = peek();
            if (c != ',' && c != '}') {
                throw refuse("'" + c + "' after a path: only field paths are supported (no pipes, functions, "
                        + "indices or operators)");
            }
            return path;
        }

        /** An identifier as jq 1.6 lexes it: {@code [a-zA-Z_][a-zA-Z_0-9]*} (ASCII only; quote other names). */
        private String identifier() {
            int start = i;
            if (i < s.length() && isIdentifierStart(s.charAt(i))) {
                i++;
                while (i < s.length() && (isIdentifierStart(s.charAt(i)) || (s.charAt(i) >= '0' && s.charAt(i) <= '9'))) {
                    i++;
                }
            }
            return s.substring(start, i);
        }

        private static boolean isIdentifierStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }

        /** A JSON string with the escapes \" \\ \/ \b \f \n \r \t and \\uXXXX. */
        private String string() {
            int start = i;
            i++;
            StringBuilder out = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    break;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw refuse("incomplete \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw refuse("invalid \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw refuse("invalid escape '\\" + e + "' in a string");
                }
            }
            i = start;
            throw refuse("unterminated string");
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw refuse("expected " + what);
            }
            i++;
        }

        private ApiError refuse(String why) {
            return ApiError.invalidArgument("MetadataExtractionQuery '" + s + "' is not supported: " + why
                    + " at character " + (i + 1) + "; " + SUPPORTED + ".");
        }
    }
}
