package dev.firehose.benchmarks;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * The endpoint without a network: every client runs on one {@link InProcessFirehose}. The clients are
 * otherwise built as a user would build them (signing, retries and marshalling as by default), so
 * the figures show what the client itself costs.
 */
final class InProcessEndpoint implements Endpoint {

    static final String STREAM = "bench-in-process";
    // Never connected to: the in-process HTTP client answers before any socket is opened.
    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4573");
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCHMARK", "benchmark-secret"));

    private final InProcessFirehose firehose;

    InProcessEndpoint() {
        this(new InProcessFirehose());
    }

    InProcessEndpoint(InProcessFirehose firehose) {
        this.firehose = firehose;
    }

    InProcessFirehose firehose() {
        return firehose;
    }

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public String streamName() {
        return STREAM;
    }

    @Override
    public boolean usesNetwork() {
        return false;
    }

    @Override
    public ClientHandle<FirehoseAsyncClient> asyncClient(HttpClientKind kind, int concurrency, RequestCounter counter) {
        FirehoseAsyncClient client = FirehoseAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(ENDPOINT)
                .httpClient(firehose)
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build())
                .build();
        return new ClientHandle<>(client, () -> { }, "in-process");
    }

    @Override
    public ClientHandle<FirehoseClient> syncClient(HttpClientKind kind, int connections, RequestCounter counter) {
        FirehoseClient client = FirehoseClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(ENDPOINT)
                .httpClient(firehose)
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build())
                .build();
        return new ClientHandle<>(client, () -> { }, "in-process");
    }

    @Override
    public void close() {
        firehose.close();
    }
}
