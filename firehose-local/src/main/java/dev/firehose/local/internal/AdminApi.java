package dev.firehose.local.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.Faults;
import dev.firehose.local.Quota;
import dev.firehose.local.internal.ledger.LedgerBook;
import dev.firehose.local.internal.protocol.Reply;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The admin endpoint under {@code /_local/}, for changing faults and quotas of a running endpoint
 * (curl) and reading its ledger. Without {@code ?stream=}, faults and quota set the default of
 * every stream that has no setting of its own.
 * <pre>
 *   POST /_local/faults?stream=S  {"entryInternalFailureRate":0.1, "latencyMillis":50, ...}
 *   GET  /_local/faults?stream=S
 *   POST /_local/quota?stream=S   {"recordsPerSecond":1000, "requestsPerSecond":10, "bytesPerSecond":1048576}
 *   GET  /_local/quota?stream=S
 *   GET  /_local/ledger?stream=S
 *   POST /_local/deliver
 * </pre>
 * Thread-safe.
 */
public final class AdminApi {

    public static final String PATH_PREFIX = "/_local/";

    private final ObjectMapper mapper = new ObjectMapper();
    private final Engine engine;

    public AdminApi(Engine engine) {
        this.engine = engine;
    }

    public Reply handle(String method, String uri, byte[] body) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : uri.substring(q + 1));
        String stream = query.get("stream");
        try {
            return switch (method + " " + path) {
                case "POST /_local/faults" -> {
                    Faults f = faultsFromJson(tree(body));
                    if (stream == null) {
                        engine.streams().setDefaultFaults(f);
                    } else {
                        engine.streams().setFaults(stream, f);
                    }
                    yield json(faultsToJson(mapper, engine.streams().faults(stream)));
                }
                case "GET /_local/faults" -> json(faultsToJson(mapper, engine.streams().faults(stream)));
                case "POST /_local/quota" -> {
                    Quota quota = quotaFromJson(tree(body));
                    if (stream == null) {
                        engine.streams().setDefaultQuota(quota);
                    } else {
                        engine.streams().setQuota(stream, quota);
                    }
                    yield json(quotaToJson(mapper, engine.streams().quota(stream)));
                }
                case "GET /_local/quota" -> json(quotaToJson(mapper, engine.streams().quota(stream)));
                case "GET /_local/ledger" -> {
                    if (stream == null) {
                        throw new IllegalArgumentException("GET /_local/ledger needs ?stream=NAME");
                    }
                    LedgerBook l = engine.ledger();
                    ObjectNode out = mapper.createObjectNode()
                            .put("stream", stream)
                            .put("stored", l.count(stream))
                            .put("entriesReceived", l.entriesReceived(stream))
                            .put("entriesFailed", l.entriesFailed(stream))
                            .put("entriesThrottled", l.entriesThrottled(stream))
                            .put("requestsReceived", l.requestsReceived(stream))
                            .put("duplicates", l.duplicates(stream).size());
                    yield json(out);
                }
                case "POST /_local/deliver" -> {
                    engine.deliverNow();
                    yield json(mapper.createObjectNode().put("delivered", true));
                }
                default -> Reply.error(404, "NotFound", "No admin operation " + method + " " + path
                        + "; see GET/POST /_local/faults, /_local/quota, GET /_local/ledger, POST /_local/deliver");
            };
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "InvalidArgument", e.getMessage());
        }
    }

    private JsonNode tree(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("The body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("Malformed JSON: " + e.getMessage());
        }
    }

    /** Faults from {@code {"entryInternalFailureRate":0.1, "latencyMillis":50, ...}}; absent members are 0. */
    public static Faults faultsFromJson(JsonNode n) {
        Faults.Builder b = Faults.builder();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            if (!v.isNumber()) {
                throw new IllegalArgumentException(e.getKey() + " must be a number, was " + v);
            }
            switch (e.getKey()) {
                case "entryInternalFailureRate" -> b.entryInternalFailureRate(v.doubleValue());
                case "entryServiceUnavailableRate" -> b.entryServiceUnavailableRate(v.doubleValue());
                case "requestInternalErrorRate" -> b.requestInternalErrorRate(v.doubleValue());
                case "requestServiceUnavailableRate" -> b.requestServiceUnavailableRate(v.doubleValue());
                case "dropBeforeStoreRate" -> b.dropBeforeStoreRate(v.doubleValue());
                case "dropAfterStoreRate" -> b.dropAfterStoreRate(v.doubleValue());
                case "latencyMillis" -> b.latency(Duration.ofMillis(v.longValue()));
                default -> throw new IllegalArgumentException("Unknown fault " + e.getKey()
                        + "; known: entryInternalFailureRate, entryServiceUnavailableRate, requestInternalErrorRate, "
                        + "requestServiceUnavailableRate, dropBeforeStoreRate, dropAfterStoreRate, latencyMillis");
            }
        }
        return b.build();
    }

    public static ObjectNode faultsToJson(ObjectMapper mapper, Faults f) {
        return mapper.createObjectNode()
                .put("entryInternalFailureRate", f.entryInternalFailureRate())
                .put("entryServiceUnavailableRate", f.entryServiceUnavailableRate())
                .put("requestInternalErrorRate", f.requestInternalErrorRate())
                .put("requestServiceUnavailableRate", f.requestServiceUnavailableRate())
                .put("dropBeforeStoreRate", f.dropBeforeStoreRate())
                .put("dropAfterStoreRate", f.dropAfterStoreRate())
                .put("latencyMillis", f.latency().toMillis());
    }

    /** A quota from {@code {"recordsPerSecond":1000, ...}}; absent members are unlimited. */
    public static Quota quotaFromJson(JsonNode n) {
        Quota.Builder b = Quota.builder();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isIntegralNumber()) {
                throw new IllegalArgumentException(e.getKey() + " must be an integer, was " + v);
            }
            switch (e.getKey()) {
                case "recordsPerSecond" -> b.recordsPerSecond(v.longValue());
                case "requestsPerSecond" -> b.requestsPerSecond(v.longValue());
                case "bytesPerSecond" -> b.bytesPerSecond(v.longValue());
                default -> throw new IllegalArgumentException("Unknown quota " + e.getKey()
                        + "; known: recordsPerSecond, requestsPerSecond, bytesPerSecond");
            }
        }
        return b.build();
    }

    public static ObjectNode quotaToJson(ObjectMapper mapper, Quota q) {
        ObjectNode o = mapper.createObjectNode();
        putLimit(o, "recordsPerSecond", q.recordsPerSecond());
        putLimit(o, "requestsPerSecond", q.requestsPerSecond());
        putLimit(o, "bytesPerSecond", q.bytesPerSecond());
        return o;
    }

    private static void putLimit(ObjectNode o, String name, long v) {
        if (v == Quota.UNLIMITED) {
            o.putNull(name);
        } else {
            o.put(name, v);
        }
    }

    private Reply json(JsonNode node) {
        try {
            return Reply.json(mapper.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new HashMap<>();
        for (String part : q.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
