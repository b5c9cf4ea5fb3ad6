package dev.firehose.local.internal.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One path-style S3 request: {@code METHOD /bucket/key?query}, decoded.
 *
 * @param method  the HTTP method, upper case
 * @param bucket  the bucket, or {@code null} for the service ({@code /})
 * @param key     the object key, or {@code null} for the bucket itself
 * @param query   the query parameters, decoded; a parameter without a value maps to {@code ""}
 * @param headers the request headers, names in lower case
 * @param body    the request body; empty, never {@code null}, for none
 */
public record S3Request(String method, String bucket, String key, Map<String, String> query,
                        Map<String, String> headers, byte[] body) {

    /**
     * Decodes a request line and its headers.
     *
     * @param uri     the request target, {@code /bucket/key?query}, percent-encoded
     * @param headers the headers; names in any case
     */
    public static S3Request of(String method, String uri, Map<String, String> headers, byte[] body) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String bucket = null;
        String key = null;
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (!p.isEmpty()) {
            int slash = p.indexOf('/');
            bucket = decodePath(slash < 0 ? p : p.substring(0, slash));
            if (slash >= 0 && slash < p.length() - 1) {
                key = decodePath(p.substring(slash + 1));
            }
        }
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return new S3Request(method.toUpperCase(Locale.ROOT), bucket, key, query(q < 0 ? "" : uri.substring(q + 1)),
                Collections.unmodifiableMap(lower), body == null ? new byte[0] : body);
    }

    /** A header by its lower-case name, or {@code null}. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** Whether the request carries a signature: an Authorization header or a presigned URL. */
    boolean signed() {
        String auth = headers.get("authorization");
        return (auth != null && !auth.isBlank()) || query.containsKey("X-Amz-Signature") || query.containsKey("Signature");
    }

    /** In a path, {@code +} is a plus sign, not a space. */
    private static String decodePath(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : q.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return Collections.unmodifiableMap(out);
    }
}
