package dev.firehose.local.internal.s3;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The two date formats of S3: ISO 8601 with milliseconds in XML, RFC 1123 in HTTP headers. */
final class S3Dates {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private S3Dates() {
    }

    static String iso(Instant t) {
        return ISO.format(t);
    }

    static String http(Instant t) {
        return HTTP.format(t);
    }
}
