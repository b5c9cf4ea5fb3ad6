package dev.firehose.local.internal.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer of the S3 API: the HTTP status, S3's {@code Code} and {@code Message}, and the
 * extra elements S3 adds for that code ({@code BucketName}, {@code Key}, {@code ArgumentName},
 * ...). Thrown inside request handling and turned into S3's XML error by {@link S3Api}; no stack
 * trace.
 */
final class S3Error extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> details;

    S3Error(int status, String code, String message, Map<String, String> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The extra elements of the error document, in order. */
    Map<String, String> details() {
        return details;
    }

    static S3Error noSuchBucket(String bucket) {
        return new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", Map.of("BucketName", bucket));
    }

    static S3Error noSuchKey(String key) {
        return new S3Error(404, "NoSuchKey", "The specified key does not exist.", Map.of("Key", key));
    }

    static S3Error accessDenied() {
        return new S3Error(403, "AccessDenied", "Access Denied", Map.of());
    }

    static S3Error invalidArgument(String message, String argumentName, String argumentValue) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("ArgumentName", argumentName);
        d.put("ArgumentValue", argumentValue);
        return new S3Error(400, "InvalidArgument", message, d);
    }

    static S3Error invalidRange(String range, long size) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("RangeRequested", range);
        d.put("ActualObjectSize", Long.toString(size));
        return new S3Error(416, "InvalidRange", "The requested range is not satisfiable", d);
    }

    static S3Error notImplemented(String what) {
        return new S3Error(501, "NotImplemented",
                "A header you provided implies functionality that is not implemented: firehose-local does not serve "
                        + what, Map.of());
    }
}
