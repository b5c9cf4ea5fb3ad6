package dev.firehose.benchmarks;

import dev.firehose.local.FirehoseLocal;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * {@code firehose-local} in sink mode on 127.0.0.1, in this process: it parses, validates and
 * answers every request like the service, and stores nothing, so it is a real HTTP endpoint over
 * loopback that keeps up. Its threads are named {@code firehose-local-*}, which lets the suite tell
 * the endpoint's CPU and allocation apart from the client's.
 */
final class LocalEndpoint implements Endpoint {

    static final String STREAM = "bench-local";
    /** Prefix of the names of the endpoint's own threads. */
    static final String THREAD_PREFIX = "firehose-local-";

    private final FirehoseLocal local;
    /** Shared by every Netty client of the suite (the SDK's default size: two threads per core). */
    private final SdkEventLoopGroup nettyEventLoops = SdkEventLoopGroup.builder().build();

    private LocalEndpoint(FirehoseLocal local) {
        this.local = local;
    }

    static LocalEndpoint start() {
        FirehoseLocal local = FirehoseLocal.builder().port(0).sinkMode(true).build().start();
        try {
            local.createDeliveryStream(STREAM);
            return new LocalEndpoint(local);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "firehose-local";
    }

    @Override
    public String streamName() {
        return STREAM;
    }

    @Override
    public boolean usesNetwork() {
        return true;
    }

    @Override
    public ClientHandle<FirehoseAsyncClient> asyncClient(HttpClientKind kind, int concurrency, RequestCounter counter) {
        return asyncClient(local.asyncClientBuilder(), kind, concurrency, counter, nettyEventLoops);
    }

    @Override
    public ClientHandle<FirehoseClient> syncClient(HttpClientKind kind, int connections, RequestCounter counter) {
        return syncClient(local.syncClientBuilder(), kind, connections, counter);
    }

    /** An async client from {@code builder} (pointed at an endpoint) on the given HTTP client, watched by {@code counter}. */
    static ClientHandle<FirehoseAsyncClient> asyncClient(FirehoseAsyncClientBuilder builder, HttpClientKind kind,
            int concurrency, RequestCounter counter, SdkEventLoopGroup nettyEventLoops) {
        var http = kind.buildAsync(concurrency, nettyEventLoops);
        builder.httpClient(http);
        builder.overrideConfiguration(withCounter(builder.overrideConfiguration(), counter));
        return new ClientHandle<>(builder.build(), http, kind.label());
    }

    /** A sync client from {@code builder} (pointed at an endpoint) on the given HTTP client, watched by {@code counter}. */
    static ClientHandle<FirehoseClient> syncClient(FirehoseClientBuilder builder, HttpClientKind kind, int connections,
            RequestCounter counter) {
        var http = kind.buildSync(connections);
        builder.httpClient(http);
        builder.overrideConfiguration(withCounter(builder.overrideConfiguration(), counter));
        return new ClientHandle<>(builder.build(), http, kind.label());
    }

    private static ClientOverrideConfiguration withCounter(ClientOverrideConfiguration current, RequestCounter counter) {
        ClientOverrideConfiguration.Builder builder =
                current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
        return builder.addExecutionInterceptor(counter).build();
    }

    @Override
    public void close() {
        try {
            local.close();
        } finally {
            nettyEventLoops.eventLoopGroup().shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
