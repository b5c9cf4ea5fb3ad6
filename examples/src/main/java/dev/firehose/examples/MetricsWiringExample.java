package dev.firehose.examples;

import com.sun.net.httpserver.HttpServer;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.Quota;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * Wiring the producer's meters into the dashboards a team already has: one binder call puts them
 * in a Prometheus registry, whose scrape endpoint this example serves (the Grafana dashboard in
 * {@code producer-metrics/dashboards/} reads it), and in a CloudWatch registry, which publishes
 * them with PutMetricData next to the stream's own AWS/Firehose metrics.
 *
 * <p>It runs against an embedded firehose-local, which also answers the CloudWatch calls.
 */
@Command(name = "metrics-wiring-example", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends steady mock traffic through a FirehoseProducer whose meters are bound to a",
            "Prometheus registry (scrape endpoint served on 127.0.0.1) and a CloudWatch registry."})
public final class MetricsWiringExample implements Callable<Integer> {

    static final String STREAM = "web-traffic";
    /** The CloudWatch namespace the client's meters are published under. */
    static final String NAMESPACE = "FirehoseProducer";

    @Option(names = "--port", defaultValue = "9464",
            description = "Port of the Prometheus scrape endpoint on 127.0.0.1, 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--duration", defaultValue = "PT60S",
            description = "How long to send traffic (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", defaultValue = "2000",
            description = "Records per second to send (default: ${DEFAULT-VALUE}).")
    int rate;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private String lastScrape = "";
    private int publishedMetrics;

    public MetricsWiringExample() {
        this(System.out);
    }

    MetricsWiringExample(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MetricsWiringExample()).execute(args));
    }

    /** The Prometheus text of the last scrape served or taken at the end; for tests. */
    String lastScrape() {
        return lastScrape;
    }

    /** How many metrics of the client's namespace CloudWatch listed at the end; for tests. */
    int publishedMetrics() {
        return publishedMetrics;
    }

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || duration.isNegative() || port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rate must be 1 or more, --duration not negative, --port from 0 to 65535");
        }
        try (FirehoseLocal local = FirehoseLocal.builder().port(0).build().start()) {
            local.createDeliveryStream(STREAM);
            local.setQuota(STREAM, Quota.awsLargeRegionDefault());
            try (FirehoseAsyncClient firehose = local.asyncClientBuilder()
                         .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
                 CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(local.endpoint())
                         .region(Region.US_EAST_1).credentialsProvider(FirehoseLocal.credentialsProvider()).build()) {
                run(firehose, cloudWatch);
            }
        }
        return 0;
    }

    private void run(FirehoseAsyncClient firehose, CloudWatchAsyncClient cloudWatch) throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CloudWatchMeterRegistry cloudWatchRegistry = new CloudWatchMeterRegistry(cloudWatchConfig(), Clock.SYSTEM,
                cloudWatch);
        CompositeMeterRegistry registries = new CompositeMeterRegistry(Clock.SYSTEM);
        registries.add(prometheus);
        registries.add(cloudWatchRegistry);

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = (lastScrape = prometheus.scrape()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream response = exchange.getResponseBody()) {
                response.write(body);
            }
        });
        server.start();
        out.printf("Prometheus scrape endpoint: http://127.0.0.1:%d/metrics%n", server.getAddress().getPort());
        out.printf("Grafana dashboard: producer-metrics/dashboards/firehose-producer.json (Prometheus data source)%n");
        out.printf("CloudWatch: the same meters are published under namespace %s%n", NAMESPACE);

        FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName(STREAM).client(firehose).build();
        // The dashboard's latency percentiles need the histogram, which is off by default.
        try (FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer)
                .publishPercentileHistogram(true).build()) {
            metrics.bindTo(registries);
            MockTraffic traffic = new MockTraffic(1);
            long sent = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                while (sent < due) {
                    producer.put(traffic.bytes(sent++));
                }
                Thread.sleep(10);
            }
            producer.flush().join();
            out.printf("Sent %,d records in %s.%n", sent, duration);
            lastScrape = prometheus.scrape();
            cloudWatchRegistry.close();  // publishes the last step before it stops
            publishedMetrics = cloudWatch.listMetrics(r -> r.namespace(NAMESPACE)).join().metrics().size();
            out.printf("CloudWatch lists %d metrics under namespace %s.%n", publishedMetrics, NAMESPACE);
        } finally {
            producer.close();
            server.stop(0);
        }
    }

    private static CloudWatchConfig cloudWatchConfig() {
        Map<String, String> settings = Map.of("cloudwatch.namespace", NAMESPACE, "cloudwatch.step", "PT10S");
        return settings::get;
    }
}
