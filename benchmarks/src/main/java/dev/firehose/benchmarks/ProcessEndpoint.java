package dev.firehose.benchmarks;

import dev.firehose.local.FirehoseLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * {@code firehose-local} in sink mode in a JVM of its own ({@code FirehoseLocalMain}, on this
 * process's class path), on 127.0.0.1: the same endpoint as {@link LocalEndpoint}, but what it holds
 * of the requests it receives is not in this process's heap. The live heap probe uses it, so that
 * its figure over loopback is the client's alone.
 */
final class ProcessEndpoint implements Endpoint {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path output;
    private final URI endpoint;
    private final SdkEventLoopGroup nettyEventLoops = SdkEventLoopGroup.builder().build();

    private ProcessEndpoint(Process process, Path output, URI endpoint) {
        this.process = process;
        this.output = output;
        this.endpoint = endpoint;
    }

    static ProcessEndpoint start() {
        Path output;
        Process process;
        try {
            output = Files.createTempFile("firehose-local-process", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(List.of(java, "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                    "-cp", System.getProperty("java.class.path"), "dev.firehose.local.FirehoseLocalMain",
                    "--sink", "--host", "127.0.0.1", "--port", "0"))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start firehose-local in a process of its own", e);
        }
        try {
            URI endpoint = awaitEndpoint(process, output);
            ProcessEndpoint started = new ProcessEndpoint(process, output, endpoint);
            try (FirehoseClient client = started.syncClientBuilder().build()) {
                client.createDeliveryStream(b -> b.deliveryStreamName(LocalEndpoint.STREAM)
                        .extendedS3DestinationConfiguration(s -> s
                                .roleARN("arn:aws:iam::000000000000:role/firehose-local")
                                .bucketARN("arn:aws:s3:::" + FirehoseLocal.DEFAULT_BUCKET)));
            }
            return started;
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The URL the process prints first, once it listens. */
    private static URI awaitEndpoint(Process process, Path output) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                    if (line.startsWith("http://")) {
                        return URI.create(line.strip());
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("firehose-local exited with " + process.exitValue() + ": "
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while firehose-local started", e);
        }
        throw new IllegalStateException("firehose-local did not print its URL within " + START_TIMEOUT);
    }

    /** @return whether the endpoint's process is still running */
    boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public String name() {
        return "firehose-local";
    }

    @Override
    public String streamName() {
        return LocalEndpoint.STREAM;
    }

    @Override
    public boolean usesNetwork() {
        return true;
    }

    private FirehoseClientBuilder syncClientBuilder() {
        return FirehoseClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(FirehoseLocal.credentialsProvider());
    }

    @Override
    public ClientHandle<FirehoseAsyncClient> asyncClient(HttpClientKind kind, int concurrency, RequestCounter counter) {
        FirehoseAsyncClientBuilder builder = FirehoseAsyncClient.builder().endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(FirehoseLocal.credentialsProvider());
        return LocalEndpoint.asyncClient(builder, kind, concurrency, counter, nettyEventLoops);
    }

    @Override
    public ClientHandle<FirehoseClient> syncClient(HttpClientKind kind, int connections, RequestCounter counter) {
        return LocalEndpoint.syncClient(syncClientBuilder(), kind, connections, counter);
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            nettyEventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // A temporary file left behind.
            }
        }
    }
}
