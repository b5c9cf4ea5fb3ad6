package dev.firehose.local;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code java -jar firehose-local/target/firehose-local.jar [options]}. Prints the
 * endpoint URL, runs until killed; a shutdown hook delivers the buffers. See {@link #USAGE}.
 */
public final class FirehoseLocalMain {

    /** Default port of the command line (the Java API defaults to a free port). */
    public static final int DEFAULT_PORT = 4573;

    static final String USAGE = """
            Usage: java -jar firehose-local.jar [options]

            A local Amazon Data Firehose endpoint (with the S3 API over the delivered objects) on 127.0.0.1.

              --host ADDRESS                        address to bind (default 127.0.0.1; 0.0.0.0 in a container)
              --port N                              TCP port (default 4573; 0 = a free port)
              --dir PATH                            where objects are delivered (default: a new temp directory)
              --sink                                sink mode: no delivery, ledger counts only, fastest answers
              --seed N                              seed of the fault generator (default 0)
              --create-stream NAME                  create a DirectPut stream at start (repeatable)
              --io-threads N                        HTTP event-loop threads (default 2)
              --ledger-limit N                      records the ledger keeps in memory (default 10,000,000)

            Delivery into an S3-compatible endpoint (MinIO, LocalStack, ...) instead of --dir:
              --s3-endpoint URL                     e.g. http://127.0.0.1:9000; each stream's bucket must exist there
              --s3-region NAME                      region to sign for (default us-east-1)
              --s3-access-key KEY, --s3-secret-key SECRET
                                                    credentials (default firehose-local / firehose-local-secret)

            Quota of every stream (default unlimited):
              --records-per-second N
              --requests-per-second N
              --bytes-per-second N
              --aws-quota                           the us-east-1 default: 500,000 records/s, 2,000 requests/s, 5 MiB/s

            Faults of every stream (probabilities in [0, 1], default 0):
              --entry-internal-failure-rate R       per-entry InternalFailure in PutRecordBatch
              --entry-service-unavailable-rate R    per-entry ServiceUnavailableException in PutRecordBatch
              --request-internal-error-rate R       whole request: HTTP 500 InternalFailure
              --request-service-unavailable-rate R  whole request: HTTP 503 ServiceUnavailableException
              --drop-before-store-rate R            close the connection, nothing stored
              --drop-after-store-rate R             store, then close the connection without answering
              --latency-ms N                        added before every Put answer

              --help                                print this and exit

            While it runs, change faults and quotas with the admin endpoint, e.g.
              curl -X POST 'http://127.0.0.1:4573/_local/faults?stream=clicks' -d '{"entryInternalFailureRate":0.1}'
              curl 'http://127.0.0.1:4573/_local/ledger?stream=clicks'
            """;

    private static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of("--host", "--port", "--dir", "--seed",
            "--io-threads", "--ledger-limit", "--create-stream", "--records-per-second", "--requests-per-second",
            "--bytes-per-second", "--entry-internal-failure-rate", "--entry-service-unavailable-rate",
            "--request-internal-error-rate", "--request-service-unavailable-rate", "--drop-before-store-rate",
            "--drop-after-store-rate", "--latency-ms", "--s3-endpoint", "--s3-region", "--s3-access-key",
            "--s3-secret-key");

    private static final java.util.Set<String> FLAG_OPTIONS = java.util.Set.of("--help", "-h", "--sink", "--aws-quota");

    private FirehoseLocalMain() {
    }

    /** The parsed command line. */
    record Options(boolean help, String host, int port, Path dir, boolean sink, long seed, int ioThreads,
                   long ledgerLimit, Quota quota, Faults faults, List<String> streams, S3Options s3) {
    }

    /** Where objects are delivered instead of the data directory; {@code null} in {@link Options} for none. */
    record S3Options(URI endpoint, String region, String accessKey, String secretKey) {
    }

    /**
     * Starts an endpoint as the arguments say, prints its URL (first line on standard output) and
     * data directory, and runs until the JVM is stopped; a shutdown hook closes it, delivering the
     * buffers. With {@code --help} prints the usage and returns; with a bad option prints the
     * problem and the usage to standard error and exits with status 2.
     *
     * @param args the options {@code --help} lists; {@code --name value} and {@code --name=value}
     *             are both accepted
     * @throws InterruptedException if the main thread is interrupted while the endpoint runs
     */
    public static void main(String[] args) throws InterruptedException {
        // Logging of the jar goes through slf4j-simple; the user's -D settings win.
        System.setProperty("org.slf4j.simpleLogger.logFile",
                System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
        System.setProperty("org.slf4j.simpleLogger.log.io.netty",
                System.getProperty("org.slf4j.simpleLogger.log.io.netty", "warn"));
        System.setProperty("org.slf4j.simpleLogger.showDateTime",
                System.getProperty("org.slf4j.simpleLogger.showDateTime", "true"));
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat",
                System.getProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS"));
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("firehose-local: " + e.getMessage());
            System.err.println();
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        FirehoseLocal local = start(options, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stopped.countDown();
        }, "firehose-local-shutdown"));
        stopped.await();
    }

    /** Starts an endpoint as {@code options} say and prints its URL and data directory to {@code out}. */
    static FirehoseLocal start(Options options, PrintStream out) {
        FirehoseLocal.Builder b = FirehoseLocal.builder()
                .host(options.host())
                .port(options.port())
                .sinkMode(options.sink())
                .seed(options.seed())
                .ioThreads(options.ioThreads())
                .ledgerRecordLimit(options.ledgerLimit())
                .defaultQuota(options.quota())
                .defaultFaults(options.faults());
        if (options.dir() != null) {
            b.dataDirectory(options.dir());
        }
        if (options.s3() != null) {
            b.s3Endpoint(options.s3().endpoint()).s3Region(options.s3().region())
                    .s3Credentials(options.s3().accessKey(), options.s3().secretKey());
        }
        FirehoseLocal local = b.build().start();
        try {
            for (String s : options.streams()) {
                local.createDeliveryStream(s);
            }
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        out.println(local.endpoint());
        out.println("firehose-local: " + (options.s3() != null ? "delivering to " + options.s3().endpoint() + ", " : "")
                + "data directory " + local.dataDirectory()
                + (options.sink() ? " (sink mode: nothing is delivered)" : "")
                + (options.streams().isEmpty() ? "" : ", streams " + String.join(", ", options.streams())));
        out.flush();
        return local;
    }

    /** Parses the arguments; {@code --name value} and {@code --name=value} are both accepted. */
    static Options parse(String[] args) {
        boolean help = false;
        String host = FirehoseLocal.Builder.DEFAULT_HOST;
        int port = DEFAULT_PORT;
        Path dir = null;
        boolean sink = false;
        long seed = FirehoseLocal.Builder.DEFAULT_SEED;
        int ioThreads = FirehoseLocal.Builder.DEFAULT_IO_THREADS;
        long ledgerLimit = FirehoseLocal.Builder.DEFAULT_LEDGER_RECORD_LIMIT;
        Quota.Builder quota = Quota.builder();
        Faults.Builder faults = Faults.builder();
        List<String> streams = new ArrayList<>();
        URI s3Endpoint = null;
        String s3Region = FirehoseLocal.Builder.DEFAULT_S3_REGION;
        String s3AccessKey = FirehoseLocal.Builder.DEFAULT_S3_ACCESS_KEY;
        String s3SecretKey = FirehoseLocal.Builder.DEFAULT_S3_SECRET_KEY;
        boolean s3Settings = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (!VALUE_OPTIONS.contains(name) && !FLAG_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            if (inline != null && !VALUE_OPTIONS.contains(name)) {
                throw new IllegalArgumentException(name + " takes no value, was '" + arg + "'");
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--sink" -> sink = true;
                case "--aws-quota" -> quota = Quota.awsLargeRegionDefault().toBuilder();
                default -> {
                    String value;
                    if (inline != null) {
                        value = inline;
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    switch (name) {
                        case "--host" -> host = value;
                        case "--port" -> port = intArg(name, value);
                        case "--dir" -> dir = Path.of(value);
                        case "--seed" -> seed = longArg(name, value);
                        case "--io-threads" -> ioThreads = intArg(name, value);
                        case "--ledger-limit" -> ledgerLimit = longArg(name, value);
                        case "--create-stream" -> streams.add(value);
                        case "--s3-endpoint" -> s3Endpoint = urlArg(name, value);
                        case "--s3-region" -> {
                            s3Region = value;
                            s3Settings = true;
                        }
                        case "--s3-access-key" -> {
                            s3AccessKey = value;
                            s3Settings = true;
                        }
                        case "--s3-secret-key" -> {
                            s3SecretKey = value;
                            s3Settings = true;
                        }
                        case "--records-per-second" -> quota.recordsPerSecond(longArg(name, value));
                        case "--requests-per-second" -> quota.requestsPerSecond(longArg(name, value));
                        case "--bytes-per-second" -> quota.bytesPerSecond(longArg(name, value));
                        case "--entry-internal-failure-rate" -> faults.entryInternalFailureRate(rateArg(name, value));
                        case "--entry-service-unavailable-rate" -> faults.entryServiceUnavailableRate(rateArg(name, value));
                        case "--request-internal-error-rate" -> faults.requestInternalErrorRate(rateArg(name, value));
                        case "--request-service-unavailable-rate" -> faults.requestServiceUnavailableRate(rateArg(name, value));
                        case "--drop-before-store-rate" -> faults.dropBeforeStoreRate(rateArg(name, value));
                        case "--drop-after-store-rate" -> faults.dropAfterStoreRate(rateArg(name, value));
                        case "--latency-ms" -> faults.latency(Duration.ofMillis(longArg(name, value)));
                        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                    }
                }
            }
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("--host needs an address, was '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], was " + port);
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("--io-threads must be in [1, 64], was " + ioThreads);
        }
        if (ledgerLimit < 0) {
            throw new IllegalArgumentException("--ledger-limit must not be negative, was " + ledgerLimit);
        }
        if (s3Settings && s3Endpoint == null) {
            throw new IllegalArgumentException("--s3-region, --s3-access-key and --s3-secret-key need --s3-endpoint");
        }
        S3Options s3 = s3Endpoint == null ? null : new S3Options(s3Endpoint, s3Region, s3AccessKey, s3SecretKey);
        if (s3 != null) {
            // The builder's checks, so that a bad value is a usage error.
            FirehoseLocal.builder().s3Endpoint(s3.endpoint()).s3Region(s3.region()).s3Credentials(s3.accessKey(), s3.secretKey());
        }
        return new Options(help, host.strip(), port, dir, sink, seed, ioThreads, ledgerLimit, quota.build(), faults.build(),
                List.copyOf(streams), s3);
    }

    private static URI urlArg(String name, String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http or https URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " needs an http or https URL, was '" + value + "'");
        }
    }

    private static int intArg(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, was '" + value + "'");
        }
    }

    private static long longArg(String name, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, was '" + value + "'");
        }
    }

    private static double rateArg(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number in [0, 1], was '" + value + "'");
        }
    }
}
