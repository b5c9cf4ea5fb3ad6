package dev.firehose.local.internal.s3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code aws-chunked} content encoding of uploads: chunks of {@code <hex size>[;extensions]\r\n
 * <data>\r\n}, ended by a chunk of size 0, then optional trailer lines ({@code x-amz-checksum-*})
 * and an empty line. Chunk signatures and trailing checksums are not checked.
 */
final class AwsChunked {

    private AwsChunked() {
    }

    /** Whether the body is aws-chunked: by its content encoding or its streaming payload hash. */
    static boolean isChunked(S3Request req) {
        String encoding = req.header("content-encoding");
        String sha = req.header("x-amz-content-sha256");
        return (encoding != null && encoding.contains("aws-chunked")) || (sha != null && sha.startsWith("STREAMING-"));
    }

    /**
     * The data of the chunks.
     *
     * @throws S3Error IncompleteBody (400) when the body is not well-formed aws-chunked
     */
    static byte[] decode(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int pos = 0;
        while (true) {
            int eol = indexOfCrLf(body, pos);
            if (eol < 0) {
                throw malformed("a chunk header without its line end at byte " + pos);
            }
            String header = new String(body, pos, eol - pos, StandardCharsets.US_ASCII);
            int semicolon = header.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? header : header.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw malformed("a chunk size that is not hexadecimal: '" + header + "'");
            }
            pos = eol + 2;
            if (size == 0) {
                return out.toByteArray();          // trailers, if any, follow: not needed
            }
            if (size < 0 || pos + size + 2 > body.length || body[pos + size] != '\r' || body[pos + size + 1] != '\n') {
                throw malformed("a chunk of " + size + " bytes that does not fit the body at byte " + pos);
            }
            out.write(body, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOfCrLf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static S3Error malformed(String what) {
        return new S3Error(400, "IncompleteBody", "The aws-chunked request body is malformed: " + what, Map.of());
    }
}
