package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.firehose.local.internal.protocol.ApiError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Helpers for reading request members the way the service checks them: validation messages in the
 * service's shape ("Value 'x' at 'path' failed to satisfy constraint: ..."), and refusals of
 * members firehose-local does not implement, as {@code InvalidArgumentException} naming the member.
 */
final class Members {

    private Members() {
    }

    /** The start of a validation problem about {@code value} at {@code path}. */
    static String value(Object value, String path) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + path + "' failed to satisfy constraint: ";
    }

    static void checkLength(String value, String path, int min, int max, List<String> problems) {
        if (value.length() < min) {
            problems.add(value(value, path) + "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            problems.add(value(value, path) + "Member must have length less than or equal to " + max);
        }
    }

    /** An ARN member: 1 to {@code max} characters matching {@code arn:.*}. */
    static void checkArn(String value, String path, int max, List<String> problems) {
        checkLength(value, path, 1, max, problems);
        if (!value.startsWith("arn:")) {
            problems.add(value(value, path) + "Member must satisfy regular expression pattern: arn:.*");
        }
    }

    /** The lower-camel-case form the service uses in validation paths: {@code RoleARN} -> {@code roleARN}. */
    static String path(String parent, String member) {
        String m = Character.toLowerCase(member.charAt(0)) + member.substring(1);
        return parent.isEmpty() ? m : parent + "." + m;
    }

    static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw ApiError.validation(problems);
        }
    }

    /** Refuses the members of {@code node} that are not in {@code known}, naming them. */
    static void refuseUnknown(JsonNode node, String where, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiError.invalidArgument(where + " has members that are not in the Firehose API: " + unknown
                    + "; firehose-local refuses what it cannot honour.");
        }
    }

    /** {@code InvalidArgumentException}: "{@code member} is not supported by firehose-local: {@code why}". */
    static ApiError refused(String member, String why) {
        return ApiError.invalidArgument(member + " is not supported by firehose-local: " + why);
    }
}
