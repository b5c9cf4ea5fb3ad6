package dev.firehose.local.internal.s3;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the S3 API, for the HTTP server to send: a status, headers, and a body that is
 * either bytes or a region of a file (sent from the file, not read into memory). For a HEAD
 * request the body is empty and {@code Content-Length} is among the headers.
 *
 * @param headers    the response headers, {@code Content-Length} included when the body is empty
 *                   but the length is not (HEAD); otherwise the server sets it
 * @param body       the body bytes, or {@code null} when the body is a file region
 * @param file       the file whose region is the body, or {@code null}
 * @param fileOffset where the region starts in the file
 * @param fileLength the region's length
 */
public record S3Response(int status, Map<String, String> headers, byte[] body, Path file, long fileOffset,
                         long fileLength) {

    static final String XML = "application/xml";

    static S3Response bytes(int status, Map<String, String> headers, byte[] body) {
        return new S3Response(status, headers, body, null, 0, 0);
    }

    static S3Response xml(int status, String xml) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", XML);
        return bytes(status, h, xml.getBytes(StandardCharsets.UTF_8));
    }

    static S3Response file(int status, Map<String, String> headers, Path file, long offset, long length) {
        return new S3Response(status, headers, null, file, offset, length);
    }

    /** The body length: of the bytes or of the file region. */
    public long contentLength() {
        return body != null ? body.length : fileLength;
    }

    /** A copy with one more header (the request id, say). */
    S3Response withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new S3Response(status, h, body, file, fileOffset, fileLength);
    }
}
