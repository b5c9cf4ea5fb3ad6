package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * The CloudWatch side of firehose-local: answers the Smithy RPC v2 CBOR protocol that the AWS SDK
 * for Java v2 CloudWatch client speaks, and the AWS JSON 1.0 protocol that the AWS CLI and other
 * SDKs speak, over the metrics in a {@link MetricStore}.
 *
 * <p>RPC v2 CBOR requests are {@code POST /service/GraniteServiceVersion20100801/operation/<Operation>}
 * with a CBOR body ({@code Content-Encoding: gzip} accepted, which the SDK uses for large
 * PutMetricData requests); answers carry {@code Content-Type: application/cbor} and
 * {@code smithy-protocol: rpc-v2-cbor}. JSON 1.0 requests are {@code POST /} with
 * {@code X-Amz-Target: GraniteServiceVersion20100801.<Operation>} and a JSON body; answers carry
 * {@code Content-Type: application/x-amz-json-1.0}. The two differ only in encoding: timestamps are
 * epoch seconds in both (under CBOR tag 1 in CBOR). It also answers CloudWatch's query protocol,
 * which the AWS SDK for Java v1 and older AWS CLIs speak: {@code POST /} with a form-encoded body
 * ({@code Action=<Operation>&Version=2010-08-01&...}, or the same as a GET query string), answered in
 * XML ({@code Content-Type: text/xml}), errors as {@code <ErrorResponse>} with the query error code.
 *
 * <p>Served operations: {@link #OPERATIONS}. Successful answers are status 200; PutMetricData, which
 * has no output, answers with an empty body. Errors are a map {@code {__type: <absolute shape id>,
 * message}} with status 400 (500 for this endpoint's own faults) and, because CloudWatch is
 * query-compatible, the {@code x-amzn-query-error} header ({@code InvalidParameterValue;Sender})
 * from which the SDKs take the error code. Any other operation answers {@code InvalidAction} (400).
 *
 * <p>Thread-safe and stateless apart from the store: one instance serves every request thread.
 * The HTTP server that calls {@link #handle} is the caller's; this class never touches sockets.
 */
public final class CloudWatchService {

    /** Path prefix of every CloudWatch RPC v2 CBOR call. */
    public static final String PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/";

    /** {@code X-Amz-Target} prefix of every CloudWatch JSON 1.0 call. */
    public static final String JSON_TARGET_PREFIX = "GraniteServiceVersion20100801.";

    /** The operations this endpoint serves. */
    public static final List<String> OPERATIONS = List.of("GetMetricData", "GetMetricStatistics", "ListMetrics",
            "PutMetricData");

    /** Largest request body accepted, after gzip decoding (CloudWatch's own limit is 1 MB). */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(CloudWatchService.class);
    private static final String PROTOCOL = "rpc-v2-cbor";

    /** The wire formats: the body's codec and content type. */
    private enum Format {
        CBOR(new ObjectMapper(new CBORFactory()), "application/cbor"),
        JSON(new ObjectMapper(), "application/x-amz-json-1.0");

        final ObjectMapper mapper;
        final String contentType;

        Format(ObjectMapper mapper, String contentType) {
            this.mapper = mapper;
            this.contentType = contentType;
        }
    }

    private final MetricStore store;
    private final GetMetricDataOperation getMetricData;
    private final GetMetricStatisticsOperation getMetricStatistics;
    private final ListMetricsOperation listMetrics;
    private final PutMetricDataOperation putMetricData;

    /**
     * A service over a store, which it reads for the Get and List operations and writes for
     * PutMetricData.
     *
     * @param store the store; its clock defines "now" for the answers
     * @throws NullPointerException if {@code store} is {@code null}
     */
    public CloudWatchService(MetricStore store) {
        Objects.requireNonNull(store, "store");
        this.store = store;
        this.getMetricData = new GetMetricDataOperation(store);
        this.getMetricStatistics = new GetMetricStatisticsOperation(store);
        this.listMetrics = new ListMetricsOperation(store);
        this.putMetricData = new PutMetricDataOperation(store);
    }

    /**
     * Whether a request with this path is a CloudWatch RPC v2 CBOR call, to route it to
     * {@link #handle}.
     *
     * @param path the request path, with or without a query string; may be {@code null}
     * @return {@code true} if it starts with {@link #PATH_PREFIX}, whatever the operation
     */
    public static boolean handles(String path) {
        return path != null && path.startsWith(PATH_PREFIX);
    }

    /**
     * Whether a {@code POST /} with this {@code X-Amz-Target} is a CloudWatch JSON 1.0 call, to
     * route it to {@link #handleJson}.
     *
     * @param target the header's value; may be {@code null}
     * @return {@code true} if it starts with {@link #JSON_TARGET_PREFIX}, whatever the operation
     */
    public static boolean handlesTarget(String target) {
        return target != null && target.startsWith(JSON_TARGET_PREFIX);
    }

    /**
     * Whether a request is a CloudWatch query-protocol call, to route it to {@link #handleQuery}:
     * a {@code POST} with a form-encoded body, or a {@code GET} whose query string has an
     * {@code Action}. Firehose calls (JSON bodies with an {@code X-Amz-Target}) never are.
     *
     * @param method      the HTTP method
     * @param contentType the {@code Content-Type} header; may be {@code null}
     * @param uri         the request URI, path and query string
     * @return {@code true} for a query-protocol call, whatever the action
     */
    public static boolean handlesQuery(String method, String contentType, String uri) {
        if ("POST".equals(method)) {
            return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("application/x-www-form-urlencoded");
        }
        int q = uri == null ? -1 : uri.indexOf('?');
        return "GET".equals(method) && q >= 0 && ("&" + uri.substring(q + 1)).contains("&Action=");
    }

    /**
     * Answers one query-protocol request. Never throws: every failure becomes an XML error reply.
     *
     * @param uri     the request URI; its query string's parameters count as well as the body's
     * @param headers request headers, names in lower case
     * @param body    the form-encoded body (possibly gzip-encoded); {@code null} or empty for none
     * @return the answer to send: status 200 with the XML output, or an XML error
     */
    public HttpReply handleQuery(String uri, Map<String, String> headers, byte[] body) {
        String requestId = UUID.randomUUID().toString();
        String action = null;
        try {
            Map<String, String> parameters = QueryProtocol.newParameters();
            int q = uri == null ? -1 : uri.indexOf('?');
            QueryProtocol.parameters(q < 0 ? null : uri.substring(q + 1), parameters);
            QueryProtocol.parameters(new String(decode(headers, body), java.nio.charset.StandardCharsets.UTF_8), parameters);
            action = parameters.get("Action");
            if (action == null || action.isEmpty()) {
                throw CloudWatchError.missingParameter("Action");
            }
            String version = parameters.get("Version");
            if (version != null && !version.equals(QueryProtocol.VERSION)) {
                throw CloudWatchError.invalidValue("The Version " + version + " is not served; CloudWatch's is "
                        + QueryProtocol.VERSION + ".");
            }
            if (!OPERATIONS.contains(action)) {
                throw CloudWatchError.invalidAction(action);
            }
            CborInput input = CborInput.root(QueryProtocol.input(parameters));
            JsonFactory json = Format.JSON.mapper.getFactory();
            byte[] output = switch (action) {
                case "GetMetricData" -> getMetricData.handle(input, json);
                case "GetMetricStatistics" -> getMetricStatistics.handle(input, json);
                case "ListMetrics" -> listMetrics.handle(input, json);
                case "PutMetricData" -> {
                    putMetricData.handle(input);
                    yield null;
                }
                default -> throw CloudWatchError.invalidAction(action);
            };
            JsonNode tree = output == null ? null : Format.JSON.mapper.readTree(output);
            return xml(200, QueryProtocol.response(action, tree, requestId), requestId);
        } catch (CloudWatchError e) {
            return xml(e.status(), QueryProtocol.error(e, requestId), requestId);
        } catch (IOException | RuntimeException e) {
            log.warn("CloudWatch {} (query protocol) failed inside firehose-local", action, e);
            CloudWatchError internal = CloudWatchError.internal("firehose-local failed to answer " + action + ": " + e);
            return xml(internal.status(), QueryProtocol.error(internal, requestId), requestId);
        }
    }

    private static HttpReply xml(int status, byte[] body, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/xml");
        headers.put("x-amzn-RequestId", requestId);
        return new HttpReply(status, headers, body);
    }

    /**
     * Answers one RPC v2 CBOR request. Never throws: every failure becomes an error reply.
     *
     * @param path    the request path, starting with {@link #PATH_PREFIX}
     * @param headers request headers, names in lower case
     * @param body    the request body (CBOR, possibly gzip-encoded); {@code null} or empty for none
     * @return the answer to send: status 200 with the operation's output, or an error
     */
    public HttpReply handle(String path, Map<String, String> headers, byte[] body) {
        String operation = operationOf(path);
        try {
            if (headers.containsKey("x-amz-target") || headers.containsKey("x-amzn-target")) {
                throw CloudWatchError.invalidValue("RPC v2 CBOR requests must not carry an X-Amz-Target header.");
            }
            String protocol = headers.get("smithy-protocol");
            if (protocol != null && !protocol.equals(PROTOCOL)) {
                throw CloudWatchError.invalidValue("The smithy-protocol header is '" + protocol + "'; this endpoint speaks "
                        + PROTOCOL + ".");
            }
        } catch (CloudWatchError e) {
            return error(e, Format.CBOR);
        }
        return dispatch(operation, headers, body, Format.CBOR);
    }

    /**
     * Answers one AWS JSON 1.0 request. Never throws: every failure becomes an error reply.
     *
     * @param target  the {@code X-Amz-Target} header, starting with {@link #JSON_TARGET_PREFIX}
     * @param headers request headers, names in lower case
     * @param body    the request body (JSON, possibly gzip-encoded); {@code null} or empty for none
     * @return the answer to send: status 200 with the operation's output, or an error
     */
    public HttpReply handleJson(String target, Map<String, String> headers, byte[] body) {
        String operation = target == null ? "" : target.substring(Math.min(target.length(), JSON_TARGET_PREFIX.length()));
        return dispatch(operation, headers, body, Format.JSON);
    }

    private HttpReply dispatch(String operation, Map<String, String> headers, byte[] body, Format format) {
        try {
            if (!OPERATIONS.contains(operation)) {
                throw CloudWatchError.invalidAction(operation);
            }
            CborInput input = CborInput.root(parse(decode(headers, body), format));
            JsonFactory factory = format.mapper.getFactory();
            return switch (operation) {
                case "GetMetricData" -> ok(getMetricData.handle(input, factory), format);
                case "GetMetricStatistics" -> ok(getMetricStatistics.handle(input, factory), format);
                case "ListMetrics" -> ok(listMetrics.handle(input, factory), format);
                case "PutMetricData" -> {
                    putMetricData.handle(input);
                    yield empty(format);
                }
                default -> throw CloudWatchError.invalidAction(operation);
            };
        } catch (CloudWatchError e) {
            return error(e, format);
        } catch (RuntimeException e) {
            log.warn("CloudWatch {} failed inside firehose-local", operation, e);
            return error(CloudWatchError.internal("firehose-local failed to answer " + operation + ": " + e), format);
        }
    }

    MetricStore store() {
        return store;
    }

    private static String operationOf(String path) {
        String p = path == null ? "" : path;
        int query = p.indexOf('?');
        if (query >= 0) {
            p = p.substring(0, query);
        }
        return handles(p) ? p.substring(PATH_PREFIX.length()) : p;
    }

    private static byte[] decode(Map<String, String> headers, byte[] body) {
        byte[] raw = body == null ? new byte[0] : body;
        String encoding = headers.get("content-encoding");
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            checkSize(raw.length);
            return raw;
        }
        if (!encoding.equalsIgnoreCase("gzip")) {
            throw CloudWatchError.invalidValue("Content-Encoding '" + encoding + "' is not supported; use gzip or none.");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                checkSize(out.size());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw CloudWatchError.invalidValue("The request body is not valid gzip: " + e.getMessage());
        }
    }

    private static void checkSize(int size) {
        if (size > MAX_BODY_BYTES) {
            throw CloudWatchError.invalidValue("The request body exceeds " + MAX_BODY_BYTES + " bytes.");
        }
    }

    private static JsonNode parse(byte[] body, Format format) {
        if (body.length == 0) {
            return null;
        }
        try {
            return format.mapper.readTree(body);
        } catch (IOException e) {
            throw CloudWatchError.invalidValue("The request body is not valid " + format + ": " + e.getMessage());
        }
    }

    private static HttpReply ok(byte[] body, Format format) {
        Map<String, String> headers = baseHeaders(format);
        headers.put("Content-Type", format.contentType);
        return new HttpReply(200, headers, body);
    }

    private static HttpReply empty(Format format) {
        return new HttpReply(200, baseHeaders(format), new byte[0]);
    }

    private static HttpReply error(CloudWatchError e, Format format) {
        Map<String, String> headers = baseHeaders(format);
        headers.put("Content-Type", format.contentType);
        headers.put("x-amzn-query-error", e.queryErrorHeader());
        byte[] body = new CborOutput(format.mapper.getFactory()).startMap()
                .field("__type", e.shapeId()).field("message", e.getMessage()).endMap().toBytes();
        return new HttpReply(e.status(), headers, body);
    }

    private static Map<String, String> baseHeaders(Format format) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (format == Format.CBOR) {
            headers.put("smithy-protocol", PROTOCOL);
        }
        headers.put("x-amzn-RequestId", UUID.randomUUID().toString());
        return headers;
    }
}
