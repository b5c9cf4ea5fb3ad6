package dev.firehose.local.cloudwatch;

import java.util.Map;

/**
 * One HTTP response produced by a protocol handler, independent of the HTTP server that sends it.
 * The record holds the map and the array it is given, without copies: the handler makes them for
 * this reply alone.
 *
 * @param status  the HTTP status code, e.g. 200 or 400
 * @param headers the response headers to send, in order; {@code Content-Length} is left to the
 *                server
 * @param body    the response body; empty, never {@code null}, for none
 */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {
}
