package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read view of one structure of a decoded CBOR request, with the parameter path used in error
 * messages ({@code MetricData.member.2.Dimensions.member.1.Name}, the way CloudWatch names
 * parameters). Type mismatches answer {@code InvalidParameterValue}; absent required members answer
 * {@code MissingParameter}.
 *
 * <p>Numbers are read leniently because RPC v2 CBOR lets a client send a whole double as an
 * integer (the SDK does), and timestamps are read from the number under CBOR tag 1 (epoch seconds,
 * integer or floating point); Jackson drops the tag and keeps the number.
 */
final class CborInput {

    private final JsonNode node;
    private final String path;

    private CborInput(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The top-level input structure; an absent or empty body is an empty structure. */
    static CborInput root(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new CborInput(new ObjectNode(JsonNodeFactory.instance), "");
        }
        if (!node.isObject()) {
            throw CloudWatchError.invalidValue("The request body must be a CBOR map, not " + node.getNodeType() + ".");
        }
        return new CborInput(node, "");
    }

    /** The parameter path of member {@code name} of this structure. */
    String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    String text(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be a string.");
        }
        return v.textValue();
    }

    String requiredText(String name) {
        String v = text(name);
        if (v == null) {
            throw CloudWatchError.missingParameter(pathOf(name));
        }
        return v;
    }

    Double number(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be a number.");
        }
        return v.doubleValue();
    }

    double requiredNumber(String name) {
        Double v = number(name);
        if (v == null) {
            throw CloudWatchError.missingParameter(pathOf(name));
        }
        return v;
    }

    Integer integer(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be an integer.");
        }
        return v.intValue();
    }

    boolean bool(String name, boolean absent) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be a boolean.");
        }
        return v.booleanValue();
    }

    /** A timestamp: CBOR tag 1 over epoch seconds, kept to the millisecond. */
    Instant timestamp(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name)
                    + " must be a timestamp (CBOR tag 1 over epoch seconds).");
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochSecond(v.longValue());
        }
        double seconds = v.doubleValue();
        if (!Double.isFinite(seconds)) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " is not a valid timestamp.");
        }
        return Instant.ofEpochMilli(Math.round(seconds * 1000));
    }

    Instant requiredTimestamp(String name) {
        Instant v = timestamp(name);
        if (v == null) {
            throw CloudWatchError.missingParameter(pathOf(name));
        }
        return v;
    }

    CborInput object(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be a structure.");
        }
        return new CborInput(v, pathOf(name));
    }

    CborInput requiredObject(String name) {
        CborInput v = object(name);
        if (v == null) {
            throw CloudWatchError.missingParameter(pathOf(name));
        }
        return v;
    }

    /** The members of a list of structures; empty if absent. */
    List<CborInput> objects(String name) {
        JsonNode list = list(name);
        List<CborInput> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode member = list.get(i);
            String memberPath = pathOf(name) + ".member." + (i + 1);
            if (!member.isObject()) {
                throw CloudWatchError.invalidValue("The parameter " + memberPath + " must be a structure.");
            }
            result.add(new CborInput(member, memberPath));
        }
        return result;
    }

    /** The members of a list of strings; empty if absent. */
    List<String> texts(String name) {
        JsonNode list = list(name);
        List<String> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode member = list.get(i);
            if (!member.isTextual()) {
                throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + ".member." + (i + 1)
                        + " must be a string.");
            }
            result.add(member.textValue());
        }
        return result;
    }

    /** The members of a list of numbers; empty if absent. */
    List<Double> numbers(String name) {
        JsonNode list = list(name);
        List<Double> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode member = list.get(i);
            if (!member.isNumber()) {
                throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + ".member." + (i + 1)
                        + " must be a number.");
            }
            result.add(member.doubleValue());
        }
        return result;
    }

    /**
     * A {@code Dimensions} list ({@code [{Name, Value}]}) as a map; empty if absent. Both members are
     * required, names must be unique, and there may be at most {@code max}.
     */
    Map<String, String> dimensions(String name, int max) {
        List<CborInput> members = objects(name);
        if (members.size() > max) {
            throw CloudWatchError.invalidValue("The collection " + pathOf(name) + " must not have a size greater than "
                    + max + "; it has " + members.size() + ".");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (CborInput d : members) {
            String dimName = d.requiredText("Name");
            String dimValue = d.requiredText("Value");
            checkLength(d.pathOf("Name"), dimName, 255);
            checkLength(d.pathOf("Value"), dimValue, 1024);
            if (result.put(dimName, dimValue) != null) {
                throw CloudWatchError.invalidValue("The parameter " + pathOf(name)
                        + " contains the dimension name '" + dimName + "' more than once.");
            }
        }
        return result;
    }

    /** Checks that a string parameter has 1 to {@code max} characters. */
    static void checkLength(String parameter, String value, int max) {
        if (value.isEmpty() || value.length() > max) {
            throw CloudWatchError.invalidValue("The parameter " + parameter + " must have 1 to " + max
                    + " characters; it has " + value.length() + ".");
        }
    }

    private JsonNode list(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!v.isArray()) {
            throw CloudWatchError.invalidValue("The parameter " + pathOf(name) + " must be a list.");
        }
        return v;
    }
}
