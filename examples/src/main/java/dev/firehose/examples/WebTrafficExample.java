package dev.firehose.examples;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.Quota;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.metrics.FirehoseCloudWatchReader;
import dev.firehose.producer.metrics.FirehoseMetric;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import dev.firehose.producer.metrics.Reconciliation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
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
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;

/**
 * The web-traffic scenario end to end: mock web traffic sent through one {@link FirehoseProducer},
 * single records first and then in bulk from several threads, with structured logs, a progress
 * line, a summary, the stream's CloudWatch metrics read back and reconciled with the client's
 * meters, and a look at the delivered objects.
 *
 * <p>By default it starts an embedded firehose-local with a little trouble turned on (some failed
 * entries and a small records-per-second quota, so retries and throttling show) and needs no AWS
 * account. {@code --stream NAME --region REGION} sends to a real stream instead.
 */
@Command(name = "web-traffic-example", mixinStandardHelpOptions = true, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Sends mock web traffic (JSON lines of ip_address, timestamp, alert_level)",
            "to Amazon Data Firehose through one FirehoseProducer, then prints a summary,",
            "the stream's CloudWatch metrics reconciled with the client's meters, and",
            "the delivered objects.",
            "",
            "Without --stream it runs against an embedded firehose-local endpoint",
            "(no AWS account needed).",
            ""},
        footer = {"", "Examples:",
            "  web-traffic-example                              # embedded, 2,550 records",
            "  web-traffic-example --records 1000000 --quota 0  # a million, no quota",
            "  web-traffic-example --stream my-stream --region us-east-1   # real stream"})
public final class WebTrafficExample implements Callable<Integer> {

    static final String EMBEDDED_STREAM = "web-traffic";

    @Option(names = "--records", defaultValue = "2550", paramLabel = "N",
            description = "Records to send (default: ${DEFAULT-VALUE}, as in the scenario).")
    long records;

    @Option(names = "--single", defaultValue = "3", paramLabel = "N",
            description = "Records sent one at a time first, waiting for each result (default: ${DEFAULT-VALUE}).")
    int singles;

    @Option(names = "--threads", defaultValue = "4", paramLabel = "N",
            description = "Application threads that put the rest in bulk (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the mock traffic and of the embedded endpoint's faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stream", paramLabel = "NAME",
            description = "Send to this real delivery stream with the default credential chain.")
    String stream;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of --stream (default: the SDK's region chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Send to this Firehose endpoint (and read CloudWatch from it) instead of AWS's.")
    URI endpoint;

    @Option(names = "--quota", defaultValue = "1000", paramLabel = "RECORDS_PER_S",
            description = "Embedded endpoint only: the stream's records/s quota, 0 for none (default: ${DEFAULT-VALUE}).")
    long quota;

    @Option(names = "--failure-rate", defaultValue = "0.03", paramLabel = "P",
            description = "Embedded endpoint only: probability of a failed entry (default: ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Embedded endpoint only: where delivered objects go (default: a new temporary directory).")
    Path dataDir;

    @Option(names = "--cloudwatch-wait", defaultValue = "PT3M", paramLabel = "DURATION",
            description = "Real streams only: how long to wait for CloudWatch to catch up (default: ${DEFAULT-VALUE}).")
    Duration cloudWatchWait;

    @Spec
    CommandSpec spec;

    /** How user records are packed into Firehose records. */
    enum Packing { none, newline, concatenated }

    @Option(names = "--packing", defaultValue = "none", paramLabel = "MODE",
            description = "Pack records into Firehose records: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Packing packingMode;

    @Option(names = "--gzip", negatable = false,
            description = "With --packing: compress each packed record with GZIP (S3 only, Firehose compression off).")
    boolean gzip;

    RecordPacking packing() {
        RecordPacking packing = switch (packingMode) {
            case none -> RecordPacking.none();
            case newline -> RecordPacking.newlineDelimited();
            case concatenated -> RecordPacking.concatenated();
        };
        if (gzip && !packing.enabled()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gzip needs --packing newline or concatenated");
        }
        return gzip ? packing.gzip() : packing;
    }

    @Option(names = "--no-progress", negatable = false, description = "Do not print the progress line.")
    boolean noProgress;

    private final PrintStream out;
    private Report report;

    public WebTrafficExample() {
        this(System.out);
    }

    WebTrafficExample(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new WebTrafficExample()).execute(args));
    }

    /** What the last run did; for tests. */
    Report report() {
        return report;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        if (stream == null) {
            runEmbedded();
        } else {
            runRemote();
        }
        return 0;
    }

    private void validate() {
        List<String> problems = new java.util.ArrayList<>();
        if (records < 1 || records > Integer.MAX_VALUE) {
            problems.add("--records must be from 1 to " + Integer.MAX_VALUE + ", not " + records);
        }
        if (singles < 0) {
            problems.add("--single must be 0 or more, not " + singles);
        }
        if (threads < 1 || threads > 256) {
            problems.add("--threads must be from 1 to 256, not " + threads);
        }
        if (quota < 0) {
            problems.add("--quota must be 0 (none) or more, not " + quota);
        }
        if (failureRate < 0 || failureRate > 0.5) {
            problems.add("--failure-rate must be from 0 to 0.5, not " + failureRate);
        }
        if (stream == null && region != null) {
            problems.add("--region needs --stream");
        }
        if (stream != null && dataDir != null) {
            problems.add("--data-dir applies to the embedded endpoint only; leave out --stream");
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    private void runEmbedded() throws Exception {
        Path directory = dataDir != null ? Files.createDirectories(dataDir)
                : Files.createTempDirectory("firehose-local-");
        try (FirehoseLocal local = FirehoseLocal.builder().port(0).seed(seed).dataDirectory(directory).build().start()) {
            local.createDeliveryStream(EMBEDDED_STREAM);
            local.setFaults(EMBEDDED_STREAM, Faults.builder()
                    // Partial failures at random; "Slow down." comes from the quota, as it does in AWS.
                    .entryInternalFailureRate(failureRate)
                    .latency(Duration.ofMillis(5))
                    .build());
            local.setQuota(EMBEDDED_STREAM, quota > 0
                    ? Quota.builder().recordsPerSecond(quota).build() : Quota.unlimited());
            out.printf("Started firehose-local at %s: stream %s, %s quota, %.0f%% of entries fail at random.%n%n",
                    local.endpoint(), EMBEDDED_STREAM,
                    quota > 0 ? String.format("%,d records/s", quota) : "no", failureRate * 100);

            FirehoseAsyncClientBuilder firehose = local.asyncClientBuilder();
            CloudWatchAsyncClientBuilder cloudWatch = CloudWatchAsyncClient.builder()
                    .endpointOverride(local.endpoint()).region(Region.US_EAST_1).credentialsProvider(FirehoseLocal.credentialsProvider());
            Report sent = send(firehose, cloudWatch, EMBEDDED_STREAM, Duration.ofSeconds(10));

            local.deliverNow();
            DeliveredObjects objects = DeliveredObjects.under(local.dataDirectory());
            printObjects(objects);
            report = sent.withObjects(objects);
        }
    }

    private void runRemote() throws Exception {
        FirehoseAsyncClientBuilder firehose = FirehoseAsyncClient.builder();
        CloudWatchAsyncClientBuilder cloudWatch = CloudWatchAsyncClient.builder();
        if (region != null) {
            firehose.region(Region.of(region));
            cloudWatch.region(Region.of(region));
        }
        if (endpoint != null) {
            firehose.endpointOverride(endpoint);
            cloudWatch.endpointOverride(endpoint);
        }
        out.printf("Sending to delivery stream %s%s.%n%n", stream, endpoint != null ? " at " + endpoint : "");
        report = send(firehose, cloudWatch, stream, cloudWatchWait);
        out.println("Delivered objects: see the stream's destination (S3 objects appear after its buffering interval).");
    }

    private Report send(FirehoseAsyncClientBuilder firehoseBuilder, CloudWatchAsyncClientBuilder cloudWatchBuilder,
                        String target, Duration cloudWatchTimeout) throws Exception {
        // The producer makes and counts every attempt itself, so the SDK's own retries are off.
        firehoseBuilder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FirehoseAsyncClient firehose = firehoseBuilder.build();
             CloudWatchAsyncClient cloudWatch = cloudWatchBuilder.build()) {
            Instant start = Instant.now();
            ProducerConfig config = ProducerConfig.builder().packing(packing()).build();
            FirehoseProducer producer = FirehoseProducer.builder()
                    .deliveryStreamName(target).client(firehose).config(config).build();
            TrafficRun.Outcome outcome;
            try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
                metrics.bindTo(registry);
                out.printf("Putting %,d records: %d one at a time, then the rest from %d threads.%n",
                        records, Math.min(singles, records), threads);
                Progress progress = noProgress ? Progress.off() : Progress.start(producer, records, out);
                try {
                    outcome = new TrafficRun(producer, new MockTraffic(seed), records, singles, threads).run(out);
                } finally {
                    progress.stop();
                    producer.close();
                }
                Map<FirehoseMetric, Double> totals = Reconciliation.clientTotals(registry, target);
                Summary summary = Summary.of(outcome, totals, registry, target, producer.stats().total());
                out.println();
                out.print(summary.render());

                Instant end = Instant.now();
                Map<FirehoseMetric, Double> client = new EnumMap<>(FirehoseMetric.class);
                for (FirehoseMetric metric : List.of(FirehoseMetric.INCOMING_RECORDS, FirehoseMetric.INCOMING_BYTES)) {
                    client.put(metric, totals.getOrDefault(metric, 0.0));
                }
                out.printf("%nCloudWatch, AWS/Firehose metrics of %s from %s to %s:%n", target,
                        start.truncatedTo(ChronoUnit.SECONDS), end.truncatedTo(ChronoUnit.SECONDS));
                if (stream != null) {
                    out.printf("  (waiting up to %s: CloudWatch publishes a few minutes late)%n", cloudWatchTimeout);
                }
                Reconciliation reconciliation = FirehoseCloudWatchReader.create(cloudWatch)
                        .awaitReconciled(target, start.truncatedTo(ChronoUnit.MINUTES),
                                end.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)), client, cloudWatchTimeout)
                        .get();
                out.print(indent(reconciliation.render()));
                return new Report(outcome, summary, reconciliation, totals, null);
            }
        }
    }

    private void printObjects(DeliveredObjects objects) {
        out.printf("%nDelivered objects, in the S3 key layout under %s:%n", objects.root());
        int shown = 0;
        for (Path object : objects.objects()) {
            if (shown++ == 5) {
                out.printf("  … and %d more%n", objects.objects().size() - 5);
                break;
            }
            out.printf("  %s  (%,d bytes)%n", objects.key(object), object.toFile().length());
        }
        out.printf("  %d objects, %,d bytes in all%n", objects.objects().size(), objects.totalBytes());
        if (!objects.objects().isEmpty()) {
            Path first = objects.objects().get(0);
            String[] lines = new String(DeliveredObjects.read(first), StandardCharsets.UTF_8).split("\n", 4);
            out.printf("%nThe first lines of %s:%n", objects.key(first));
            for (int i = 0; i < Math.min(3, lines.length); i++) {
                out.println("  " + lines[i]);
            }
        }
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l + System.lineSeparator()).reduce("", String::concat);
    }

    /**
     * What a run did.
     *
     * @param outcome the futures' outcomes
     * @param summary the summary printed
     * @param reconciliation CloudWatch's counts next to the client's
     * @param meters the client's AWS/Firehose-named counts when the producer closed
     * @param objects the delivered objects (embedded endpoint only, else null)
     */
    record Report(TrafficRun.Outcome outcome, Summary summary, Reconciliation reconciliation,
                  Map<FirehoseMetric, Double> meters, DeliveredObjects objects) {

        Report withObjects(DeliveredObjects delivered) {
            return new Report(outcome, summary, reconciliation, meters, delivered);
        }
    }
}
