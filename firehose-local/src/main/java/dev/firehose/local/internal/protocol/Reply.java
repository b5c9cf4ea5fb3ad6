package dev.firehose.local.internal.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the HTTP layer does with one request: answer (status, headers, body), or close the
 * connection without answering; either after {@code delayNanos}.
 *
 * @param headers extra response headers (Content-Type included)
 * @param drop    close the connection without writing a response
 */
public record Reply(int status, Map<String, String> headers, byte[] body, int bodyLength, boolean drop, long delayNanos) {

    public static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", JSON_1_1);

    public static Reply json(byte[] body, int length) {
        return new Reply(200, JSON_HEADERS, body, length, false, 0);
    }

    public static Reply json(byte[] body) {
        return json(body, body.length);
    }

    public static Reply error(ApiError e) {
        return error(e.status(), e.code(), e.getMessage());
    }

    /** The AWS JSON 1.1 error shape: {@code {"__type": code, "message": ...}} and the x-amzn-ErrorType header. */
    public static Reply error(int status, String code, String message) {
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"__type\":\"").append(code).append("\",\"message\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        sb.append("\"}");
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        return new Reply(status, Map.of("Content-Type", JSON_1_1, "x-amzn-ErrorType", code), body, body.length, false, 0);
    }

    public static Reply dropConnection() {
        return new Reply(0, Map.of(), new byte[0], 0, true, 0);
    }

    public Reply withDelay(long nanos) {
        return nanos <= 0 ? this : new Reply(status, headers, body, bodyLength, drop, nanos);
    }
}
