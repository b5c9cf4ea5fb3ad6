package dev.firehose.local.cloudwatch;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CloudWatch side of firehose-local: answers the Smithy RPC v2 CBOR protocol that the AWS SDK
 * for Java v2 CloudWatch client speaks, over the metrics in a {@link MetricStore}.
 */
public final class CloudWatchService {

    /** Path prefix of every CloudWatch RPC v2 CBOR call. */
    public static final String PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/";

    private final MetricStore store;

    public CloudWatchService(MetricStore store) {
        this.store = store;
    }

    /** Whether a request with this path is a CloudWatch call. */
    public static boolean handles(String path) {
        return path != null && path.startsWith(PATH_PREFIX);
    }

    /**
     * Answers one CloudWatch request.
     *
     * @param path    the request path, starting with {@link #PATH_PREFIX}
     * @param headers request headers, names in lower case
     * @param body    the request body (CBOR)
     */
    public HttpReply handle(String path, Map<String, String> headers, byte[] body) {
        return new HttpReply(501, Map.of("Content-Type", "text/plain"),
                "CloudWatch is not implemented yet".getBytes(StandardCharsets.UTF_8));
    }

    MetricStore store() {
        return store;
    }
}
