package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.stream.StreamControl;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream and the {@code Tags} member of
 * CreateDeliveryStream, with the service model's constraints: at most 50 tags per stream (and per
 * request), keys of 1-128 and values of 0-256 Unicode letters, digits, white space and
 * {@code _ . : / = + - @ %}, no key starting with {@code aws:}. ListTagsForDeliveryStream pages in
 * key order. Thread-safe.
 */
final class TagOperations {

    static final int MAX_TAGS = 50;
    static final Pattern KEY = Pattern.compile("^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$");
    static final Pattern VALUE = Pattern.compile("^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$");

    private final ObjectMapper mapper;
    private final Streams streams;

    TagOperations(ObjectMapper mapper, Streams streams) {
        this.mapper = mapper;
        this.streams = streams;
    }

    void tag(JsonNode in) {
        String name = ControlPlane.requireName(in);
        Map<String, String> tags = parseTags(in.get("Tags"), "tags");
        StreamControl control = stream(name).control();
        synchronized (control) {
            checkCount(name, control, tags);
            control.putTags(tags);
        }
    }

    void untag(JsonNode in) {
        String name = ControlPlane.requireName(in);
        JsonNode keys = in.get("TagKeys");
        List<String> problems = new ArrayList<>();
        List<String> list = new ArrayList<>();
        if (keys == null || keys.isNull()) {
            problems.add(Members.value(null, "tagKeys") + "Member must not be null");
        } else if (!keys.isArray()) {
            throw ApiError.serialization("TagKeys must be a list of strings");
        } else {
            checkListSize(keys, "tagKeys", problems);
            for (int i = 0; i < keys.size(); i++) {
                JsonNode k = keys.get(i);
                if (k.isNull()) {
                    problems.add(Members.value(null, "tagKeys." + (i + 1) + ".member") + "Member must not be null");
                    continue;
                }
                if (!k.isTextual()) {
                    throw ApiError.serialization("TagKeys must be a list of strings");
                }
                checkKey(k.asText(), "tagKeys." + (i + 1) + ".member", problems);
                list.add(k.asText());
            }
        }
        Members.throwIfAny(problems);
        stream(name).control().removeTags(list);
    }

    ObjectNode list(JsonNode in) {
        String name = ControlPlane.requireName(in);
        List<String> problems = new ArrayList<>();
        String start = ControlPlane.text(in, "ExclusiveStartTagKey");
        if (start != null) {
            checkKey(start, "exclusiveStartTagKey", problems);
        }
        Integer limit = ControlPlane.intValue(in, "Limit");
        if (limit != null && limit < 1) {
            problems.add(Members.value(limit, "limit") + "Member must have value greater than or equal to 1");
        }
        if (limit != null && limit > MAX_TAGS) {
            problems.add(Members.value(limit, "limit") + "Member must have value less than or equal to " + MAX_TAGS);
        }
        Members.throwIfAny(problems);
        SortedMap<String, String> tags = stream(name).control().tags();
        SortedMap<String, String> after = start == null ? tags : tags.tailMap(start + '\0');
        int max = limit == null ? MAX_TAGS : limit;
        ObjectNode out = mapper.createObjectNode();
        ArrayNode arr = out.putArray("Tags");
        int n = 0;
        for (Map.Entry<String, String> t : after.entrySet()) {
            if (n == max) {
                break;
            }
            arr.addObject().put("Key", t.getKey()).put("Value", t.getValue());
            n++;
        }
        out.put("HasMoreTags", after.size() > max);
        return out;
    }

    private StreamRuntime stream(String name) {
        StreamRuntime s = streams.get(name);
        if (s == null) {
            throw Streams.notFound(name);
        }
        return s;
    }

    private static void checkCount(String name, StreamControl control, Map<String, String> added) {
        int after = control.tagCountWith(added);
        if (after > MAX_TAGS) {
            throw new ApiError(400, ApiError.LIMIT_EXCEEDED, "Firehose stream " + name + " would have " + after
                    + " tags; a stream can have at most " + MAX_TAGS + ".");
        }
    }

    /**
     * Reads a list of {@code {Key, Value}} tags (1 to 50 of them), the later of two equal keys
     * winning; ValidationException for any constraint broken.
     */
    static Map<String, String> parseTags(JsonNode list, String path) {
        List<String> problems = new ArrayList<>();
        Map<String, String> tags = new LinkedHashMap<>();
        if (list == null || list.isNull()) {
            problems.add(Members.value(null, path) + "Member must not be null");
        } else if (!list.isArray()) {
            throw ApiError.serialization("Tags must be a list of {Key, Value} structures");
        } else {
            checkListSize(list, path, problems);
            for (int i = 0; i < list.size(); i++) {
                JsonNode tag = list.get(i);
                String at = path + "." + (i + 1) + ".member";
                if (!tag.isObject()) {
                    throw ApiError.serialization("Tags must be a list of {Key, Value} structures");
                }
                Members.refuseUnknown(tag, "Tag", Set.of("Key", "Value"));
                String key = ControlPlane.text(tag, "Key");
                String value = ControlPlane.text(tag, "Value");
                if (key == null) {
                    problems.add(Members.value(null, at + ".key") + "Member must not be null");
                } else {
                    checkKey(key, at + ".key", problems);
                }
                if (value != null) {
                    Members.checkLength(value, at + ".value", 0, 256, problems);
                    if (!VALUE.matcher(value).matches()) {
                        problems.add(Members.value(value, at + ".value")
                                + "Member must satisfy regular expression pattern: " + VALUE.pattern());
                    }
                }
                if (key != null) {
                    tags.put(key, value == null ? "" : value);
                }
            }
        }
        Members.throwIfAny(problems);
        return tags;
    }

    private static void checkListSize(JsonNode list, String path, List<String> problems) {
        if (list.isEmpty()) {
            problems.add(Members.value("[]", path) + "Member must have length greater than or equal to 1");
        } else if (list.size() > MAX_TAGS) {
            problems.add(Members.value("[" + list.size() + " members]", path)
                    + "Member must have length less than or equal to " + MAX_TAGS);
        }
    }

    private static void checkKey(String key, String path, List<String> problems) {
        Members.checkLength(key, path, 1, 128, problems);
        if (!KEY.matcher(key).matches()) {
            problems.add(Members.value(key, path) + "Member must satisfy regular expression pattern: " + KEY.pattern());
        }
    }
}
