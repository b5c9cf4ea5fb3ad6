package dev.firehose.local.cloudwatch;

import java.util.Map;

/** One HTTP response produced by a protocol handler, independent of the HTTP server that sends it. */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {
}
