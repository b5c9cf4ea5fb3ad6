package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * CloudWatch's query protocol, as the AWS SDK for Java v1 and older CLIs speak it: parameters
 * form-encoded ({@code Action=GetMetricStatistics&Version=2010-08-01&Dimensions.member.1.Name=...}),
 * answers and errors in XML. This class only translates: a request's parameters into the structure
 * the operations read (lists from {@code .member.N}, nested structures from dotted names, numbers,
 * booleans and ISO 8601 timestamps typed by member name), and an operation's output into the
 * {@code <ActionResponse><ActionResult>...} document, lists as {@code <member>} elements.
 */
final class QueryProtocol {

    static final String VERSION = "2010-08-01";
    static final String NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    /** Members that are integers in the served operations' inputs. */
    private static final Set<String> INTEGERS = Set.of("Period", "StorageResolution", "MaxDatapoints");
    /** Members (and list members) that are doubles. {@code Value} is one, except in a dimension. */
    private static final Set<String> DOUBLES = Set.of("Value", "Values", "Counts", "SampleCount", "Sum", "Minimum",
            "Maximum");
    private static final Set<String> TIMESTAMPS = Set.of("StartTime", "EndTime", "Timestamp", "Timestamps");
    private static final Set<String> BOOLEANS = Set.of("ReturnData", "IncludeLinkedAccounts", "StrictEntityValidation");

    private QueryProtocol() {
    }

    /** The parameters of a form-encoded body or query string, decoded, in order; later ones win. */
    static Map<String, String> parameters(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return into;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            into.put(name, value);
        }
        return into;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CloudWatchError.invalidValue("The request is not valid form encoding: " + e.getMessage());
        }
    }

    /** The operation input as a structure: {@code A.member.2.B=x} becomes {@code {A: [_, {B: x}]}}. */
    static ObjectNode input(Map<String, String> parameters) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String name = p.getKey();
            if (name.equals("Action") || name.equals("Version")) {
                continue;
            }
            put(root, name.split("\\."), p.getValue(), name);
        }
        return root;
    }

    private static void put(ObjectNode root, String[] parts, String value, String parameter) {
        JsonNode current = root;
        String member = null;
        boolean inDimension = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.equals("member") && current.isArray()) {
                int index = index(parts, i + 1, parameter);
                ArrayNode list = (ArrayNode) current;
                while (list.size() < index) {
                    list.addNull();
                }
                i++;
                if (i == parts.length - 1) {
                    list.set(index - 1, scalar(member, inDimension, value, parameter));
                    return;
                }
                if (!list.get(index - 1).isObject()) {
                    list.set(index - 1, JsonNodeFactory.instance.objectNode());
                }
                current = list.get(index - 1);
                inDimension = "Dimensions".equals(member);
                continue;
            }
            if (!current.isObject()) {
                throw CloudWatchError.invalidValue("The parameter " + parameter + " is not well formed.");
            }
            ObjectNode object = (ObjectNode) current;
            member = part;
            if (last) {
                if (value.isEmpty() && !object.has(part)) {
                    return; // an empty list is sent as "Name="; an empty scalar means absent
                }
                object.set(part, scalar(part, inDimension, value, parameter));
                return;
            }
            boolean list = parts[i + 1].equals("member");
            JsonNode child = object.get(part);
            if (child == null || child.isNull() || child.isArray() != list || (!list && !child.isObject())) {
                child = list ? object.putArray(part) : object.putObject(part);
            }
            current = child;
        }
    }

    private static int index(String[] parts, int at, String parameter) {
        try {
            int index = at < parts.length ? Integer.parseInt(parts[at]) : 0;
            if (index >= 1 && index <= 10_000) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CloudWatchError.invalidValue("The parameter " + parameter + " has no valid list index after 'member'.");
    }

    private static JsonNode scalar(String member, boolean inDimension, String value, String parameter) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        try {
            if (member != null && INTEGERS.contains(member)) {
                return f.numberNode(Integer.parseInt(value));
            }
            if (member != null && DOUBLES.contains(member) && !inDimension) {
                return f.numberNode(Double.parseDouble(value));
            }
            if (member != null && TIMESTAMPS.contains(member)) {
                return f.numberNode(timestamp(value).toEpochMilli() / 1000.0);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw CloudWatchError.invalidValue("The value " + value + " for parameter " + parameter + " is invalid.");
        }
        if (member != null && BOOLEANS.contains(member)) {
            if (!value.equals("true") && !value.equals("false")) {
                throw CloudWatchError.invalidValue("The value " + value + " for parameter " + parameter
                        + " is invalid; it must be true or false.");
            }
            return f.booleanNode(Boolean.parseBoolean(value));
        }
        return f.textNode(value);
    }

    /** An ISO 8601 timestamp (what the SDKs send), or epoch seconds. */
    private static Instant timestamp(String value) {
        if (!value.isEmpty() && value.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return Instant.ofEpochMilli(Math.round(Double.parseDouble(value) * 1000));
        }
        return java.time.OffsetDateTime.parse(value).toInstant();
    }

    /** {@code <ActionResponse xmlns=...><ActionResult>output</ActionResult><ResponseMetadata>...}. */
    static byte[] response(String action, JsonNode output, String requestId) {
        return xml(w -> {
            w.writeStartElement(action + "Response");
            w.writeDefaultNamespace(NAMESPACE);
            if (output != null && output.isObject()) {
                w.writeStartElement(action + "Result");
                members(w, output);
                w.writeEndElement();
            }
            w.writeStartElement("ResponseMetadata");
            element(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    /** {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>}. */
    static byte[] error(CloudWatchError e, String requestId) {
        return xml(w -> {
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeStartElement("Error");
            element(w, "Type", e.status() >= 500 ? "Receiver" : "Sender");
            element(w, "Code", e.queryCode());
            element(w, "Message", e.getMessage());
            w.writeEndElement();
            element(w, "RequestId", requestId);
            w.writeEndElement();
        });
    }

    private static void members(XMLStreamWriter w, JsonNode object) throws XMLStreamException {
        for (Map.Entry<String, JsonNode> m : object.properties()) {
            value(w, m.getKey(), m.getValue());
        }
    }

    private static void value(XMLStreamWriter w, String name, JsonNode v) throws XMLStreamException {
        if (v == null || v.isNull()) {
            return;
        }
        w.writeStartElement(name);
        if (v.isArray()) {
            for (JsonNode item : v) {
                value(w, "member", item.isNumber() && TIMESTAMPS.contains(name) ? timestampText(item) : item);
            }
        } else if (v.isObject()) {
            members(w, v);
        } else if (v.isNumber() && TIMESTAMPS.contains(name)) {
            w.writeCharacters(timestampText(v).asText());
        } else {
            w.writeCharacters(v.asText());
        }
        w.writeEndElement();
    }

    private static JsonNode timestampText(JsonNode epochSeconds) {
        Instant t = Instant.ofEpochMilli(Math.round(epochSeconds.doubleValue() * 1000));
        return JsonNodeFactory.instance.textNode(t.toString());
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static byte[] xml(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Cannot write an XML answer", e);
        }
        return out.toByteArray();
    }

    /** A new map for {@link #parameters}. */
    static Map<String, String> newParameters() {
        return new LinkedHashMap<>();
    }
}
