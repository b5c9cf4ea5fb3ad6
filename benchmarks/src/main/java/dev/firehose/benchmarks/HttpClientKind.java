package dev.firehose.benchmarks;

import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK's HTTP clients this suite compares, each sized for a number of concurrent requests.
 * Building one may fail where a client cannot run (the CRT needs its native library); the caller
 * reports that instead of a figure.
 */
enum HttpClientKind {
    NETTY("netty-nio-client", true),
    CRT_ASYNC("aws-crt-client", true),
    APACHE("apache-client", false),
    APACHE5("apache5-client", false),
    URL_CONNECTION("url-connection-client", false),
    CRT_SYNC("aws-crt-client", false);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String label;
    private final boolean async;

    HttpClientKind(String label, boolean async) {
        this.label = label;
        this.async = async;
    }

    String label() {
        return label;
    }

    /** The kind whose {@link #label()} is {@code label}. */
    static HttpClientKind byLabel(String label) {
        for (HttpClientKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown HTTP client " + label + "; known: "
                + java.util.Arrays.stream(values()).map(HttpClientKind::label).toList());
    }

    boolean isAsync() {
        return async;
    }

    /**
     * An asynchronous client that allows {@code concurrency} requests at once. A Netty client runs
     * on {@code eventLoops}, which it does not close (closing a Netty client that owns its event
     * loops waits out a quiet period of seconds, which would pad every scenario).
     */
    SdkAsyncHttpClient buildAsync(int concurrency, SdkEventLoopGroup eventLoops) {
        return switch (this) {
            case NETTY -> NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(eventLoops)
                    .maxConcurrency(concurrency)
                    .connectionAcquisitionTimeout(TIMEOUT)
                    .build();
            case CRT_ASYNC -> AwsCrtAsyncHttpClient.builder()
                    .maxConcurrency(concurrency)
                    .build();
            default -> throw new IllegalStateException(label + " is a synchronous client");
        };
    }

    /** A synchronous client with a pool of {@code connections} connections. */
    SdkHttpClient buildSync(int connections) {
        return switch (this) {
            case APACHE -> ApacheHttpClient.builder()
                    .maxConnections(connections)
                    .connectionAcquisitionTimeout(TIMEOUT)
                    .build();
            case APACHE5 -> Apache5HttpClient.builder()
                    .maxConnections(connections)
                    .connectionAcquisitionTimeout(TIMEOUT)
                    .build();
            // Its pool is the JDK's keep-alive cache, sized by http.maxConnections (set in BenchmarkMain).
            case URL_CONNECTION -> UrlConnectionHttpClient.builder().build();
            case CRT_SYNC -> AwsCrtHttpClient.builder()
                    .maxConcurrency(connections)
                    .build();
            default -> throw new IllegalStateException(label + " is an asynchronous client");
        };
    }
}
