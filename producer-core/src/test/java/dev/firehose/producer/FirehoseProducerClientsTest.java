package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The client the producer sends with, end to end against firehose-local: a {@code FirehoseClient}
 * the application passes in, the client the producer builds and a customizer adjusts, and the
 * builder's rules between them. Each delivery test balances its ledger: what was put, what each
 * future says, what the endpoint stored. (Duplicates under faults, on every kind of client, are
 * {@code FirehoseProducerFaultsTest}'s.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirehoseProducerClientsTest {

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private static FirehoseLocal local;

    private final List<FirehoseProducer> producers = new ArrayList<>();

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(7).build().start();
    }

    @AfterAll
    static void stopEndpoint() {
        local.close();
    }

    @AfterEach
    void closeProducers() {
        producers.forEach(p -> p.close(Duration.ofSeconds(5)));
    }

    // ---------------------------------------------------------------------------------------------
    // A FirehoseClient of the application's
    // ---------------------------------------------------------------------------------------------

    @Test
    void aFirehoseClientOfTheApplicationDeliversEveryRecordFromOneThreadPerRequestAndStaysOpen() {
        String stream = newStream();
        // More requests at once than a pool of one thread per core could carry: a second each.
        int requestsAtOnce = Runtime.getRuntime().availableProcessors() + 4;
        local.setFaults(stream, Faults.builder().latency(Duration.ofSeconds(1)).build());
        try (FirehoseClient sdkClient = local.syncClient()) {
            WatchedClient client = new WatchedClient(sdkClient);
            FirehoseProducer p = track(FirehoseProducer.builder().deliveryStreamName(stream).client(client)
                    .config(config().maxBatchRecords(10).maxInFlightRequestsPerStream(requestsAtOnce)
                            .maxInFlightRequests(Math.max(requestsAtOnce, ProducerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS))
                            .build())
                    .build());
            Set<String> requestThreads = ConcurrentHashMap.newKeySet();
            p.addListener(new ProducerListener() {
                @Override
                public void onRequestCompleted(RequestCompletedEvent event) {
                    requestThreads.add(Thread.currentThread().getName());
                }
            });
            int n = requestsAtOnce * 10;
            List<CompletableFuture<PutResult>> futures = putAll(p, stream, n);
            p.flush().join();

            assertDeliveredOnce(stream, futures);
            assertThat(client.calls.get()).as("requests through the application's client")
                    .isEqualTo(local.ledger().requestsReceived(stream)).isEqualTo(p.stats().stream(stream).requests());
            assertThat(requestThreads).as("threads that handled a response").allMatch(t -> t.startsWith(p + "-request-"))
                    .hasSizeGreaterThan(Runtime.getRuntime().availableProcessors());

            p.close(Duration.ofSeconds(5));
            assertThat(client.closed).as("closed by the producer").isFalse();
            PutRecordBatchResponse after = sdkClient.putRecordBatch(PutRecordBatchRequest.builder()
                    .deliveryStreamName(stream).records(Record.builder().data(SdkBytes.fromUtf8String("after"))
                            .build()).build());
            assertThat(after.failedPutCount()).isZero();
            assertThat(local.ledger().count(stream)).isEqualTo(n + 1);
        }
    }

    @Test
    void theLastClientSetOnTheBuilderIsTheOneUsed() {
        String stream = newStream();
        try (FirehoseClient sdkClient = local.syncClient(); FirehoseAsyncClient asyncClient = local.asyncClient()) {
            WatchedClient sync = new WatchedClient(sdkClient);
            FirehoseProducer syncLast = track(FirehoseProducer.builder().deliveryStreamName(stream)
                    .client(new RefusingAsyncClient()).client(sync).config(config().build()).build());
            assertThat(syncLast.put("sync-last").join().attempts()).isEqualTo(1);
            assertThat(sync.calls.get()).isEqualTo(1);

            FirehoseProducer asyncLast = track(FirehoseProducer.builder().deliveryStreamName(stream)
                    .client(sync).client(asyncClient).config(config().build()).build());
            assertThat(asyncLast.put("async-last").join().attempts()).isEqualTo(1);
            assertThat(sync.calls.get()).as("the replaced sync client").isEqualTo(1);
            assertThat(local.ledger().count(stream)).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The producer's own client, customized
    // ---------------------------------------------------------------------------------------------

    @Test
    void aCustomizerSetsTheEndpointRegionCredentialsAndHttpClientOfTheProducersOwnClient() {
        String stream = newStream();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        WatchedHttpClientBuilder http = new WatchedHttpClientBuilder(Apache5HttpClient.builder().maxConnections(8));
        // Nothing from the SDK's default chains: no system property points anywhere.
        FirehoseProducer p = track(FirehoseProducer.builder().deliveryStreamName(stream)
                .clientCustomizer(b -> b.endpointOverride(local.endpoint())
                        .region(Region.EU_WEST_3)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("customized-key", "customized-secret")))
                        .httpClientBuilder(http)
                        .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context,
                                    ExecutionAttributes executionAttributes) {
                                authorizations.add(context.httpRequest().firstMatchingHeader("Authorization")
                                        .orElse("none"));
                            }
                        })))
                .config(config().maxBatchRecords(20).build())
                .build());
        List<CompletableFuture<PutResult>> futures = putAll(p, stream, 200);
        p.flush().join();

        assertDeliveredOnce(stream, futures);
        assertThat(authorizations).hasSize((int) local.ledger().requestsReceived(stream))
                .allSatisfy(a -> assertThat(a).contains("Credential=customized-key/")
                        .contains("/eu-west-3/firehose/aws4_request"));
        assertThat(http.built).as("HTTP clients built from the customizer's builder").hasSize(1);
        assertThat(http.built.get(0).requests.get()).isEqualTo(local.ledger().requestsReceived(stream));

        p.close(Duration.ofSeconds(5));
        assertThat(http.built.get(0).closed).as("the producer closes the client it built").isTrue();
    }

    @Test
    void aCustomizerThatThrowsFailsBuildWithItsCauseAndLeavesNoThreadBehind() {
        Set<Thread> before = liveThreads();
        IllegalStateException problem = new IllegalStateException("no credentials for tenant 42");

        assertThatThrownBy(() -> FirehoseProducer.builder().deliveryStreamName("s")
                .clientCustomizer(b -> {
                    b.region(Region.EU_WEST_3);
                    throw problem;
                })
                .build())
                .isExactlyInstanceOf(FirehoseProducerException.class)
                .hasMessage("the client customizer threw java.lang.IllegalStateException: no credentials for tenant"
                        + " 42; no producer was built")
                .cause().isSameAs(problem);
        assertThat(threadsStartedSince(before)).isEmpty();
    }

    @Test
    void anHttpClientOfTheApplicationNeedsTheProducersHttpClientBuilderClearedAndIsNotClosed() {
        String stream = newStream();
        WatchedHttpClient appHttp = new WatchedHttpClient(Apache5HttpClient.builder().build());
        try {
            Consumer<FirehoseClientBuilder> pointAtLocal = b -> b.endpointOverride(local.endpoint())
                    .region(Region.US_EAST_1).credentialsProvider(FirehoseLocal.credentialsProvider());
            Set<Thread> before = liveThreads();

            // The SDK refuses a client and a client builder both: build fails with the SDK's reason.
            assertThatThrownBy(() -> FirehoseProducer.builder().deliveryStreamName(stream)
                    .clientCustomizer(pointAtLocal.andThen(b -> b.httpClient(appHttp))).build())
                    .isExactlyInstanceOf(FirehoseProducerException.class)
                    .hasMessageStartingWith("could not build the Firehose client (after the client customizer): ")
                    .hasMessageContaining("httpClient and the httpClientBuilder can't both be configured")
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(threadsStartedSince(before)).isEmpty();

            // As documented: clear the producer's HTTP client builder first.
            FirehoseProducer p = track(FirehoseProducer.builder().deliveryStreamName(stream)
                    .clientCustomizer(pointAtLocal.andThen(b -> b.httpClientBuilder(null).httpClient(appHttp)))
                    .config(config().build()).build());
            List<CompletableFuture<PutResult>> futures = putAll(p, stream, 50);
            p.flush().join();
            assertDeliveredOnce(stream, futures);
            assertThat(appHttp.requests.get()).isEqualTo(local.ledger().requestsReceived(stream));

            p.close(Duration.ofSeconds(5));
            assertThat(appHttp.closed).as("the application's HTTP client, closed by the producer").isFalse();
        } finally {
            appHttp.delegate.close();
        }
    }

    @Test
    void aCustomizerTogetherWithAClientIsRefusedByBuild() {
        try (FirehoseClient sdkClient = local.syncClient(); FirehoseAsyncClient asyncClient = local.asyncClient()) {
            Consumer<FirehoseClientBuilder> customizer = b -> b.region(Region.EU_WEST_3);
            for (FirehoseProducer.Builder builder : List.of(
                    FirehoseProducer.builder().client(sdkClient).clientCustomizer(customizer),
                    FirehoseProducer.builder().clientCustomizer(customizer).client(asyncClient))) {
                assertThatThrownBy(builder::build).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessage("clientCustomizer adjusts the client the producer builds itself; it cannot be"
                                + " combined with client(...), whose client is built already");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private static String newStream() {
        String name = "clients-" + STREAMS.incrementAndGet();
        local.createDeliveryStream(name);
        return name;
    }

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder().lingerTime(Duration.ofMillis(10)).deliveryTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(5));
    }

    private FirehoseProducer track(FirehoseProducer p) {
        producers.add(p);
        return p;
    }

    private static List<CompletableFuture<PutResult>> putAll(FirehoseProducer p, String stream, int n) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(p.put(stream + "-" + i));
        }
        return futures;
    }

    /**
     * The ledger balances: every future acknowledged, each record stored exactly once under the
     * RecordId its future says, and nothing else stored.
     */
    private static void assertDeliveredOnce(String stream, List<CompletableFuture<PutResult>> futures) {
        Map<String, List<StoredRecord>> stored = new HashMap<>();
        for (StoredRecord r : local.ledger().records(stream)) {
            stored.computeIfAbsent(new String(r.data(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r);
        }
        for (int i = 0; i < futures.size(); i++) {
            String data = stream + "-" + i;
            assertThat(futures.get(i)).as(data).isCompleted();
            PutResult result = futures.get(i).join();
            assertThat(result.mayBeDuplicated()).as(data).isFalse();
            assertThat(stored.get(data)).as(data).singleElement()
                    .satisfies(s -> assertThat(s.recordId()).isEqualTo(result.recordId()));
        }
        assertThat(local.ledger().count(stream)).isEqualTo(futures.size());
    }

    private static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /** Live threads started since {@code before}, but firehose-local's (it starts I/O threads as it goes). */
    private static List<String> threadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(t -> !before.contains(t))
                .map(Thread::getName).filter(name -> !name.startsWith("firehose-local-")).sorted().toList();
    }

    /** A {@code FirehoseClient} of the application's: counts calls and whether it was closed. */
    private static final class WatchedClient implements FirehoseClient {
        private final FirehoseClient delegate;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile boolean closed;

        WatchedClient(FirehoseClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public PutRecordBatchResponse putRecordBatch(PutRecordBatchRequest request) {
            calls.incrementAndGet();
            return delegate.putRecordBatch(request);
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** An asynchronous client that must never be used. */
    private static final class RefusingAsyncClient implements FirehoseAsyncClient {
        @Override
        public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
            return CompletableFuture.failedFuture(new AssertionError("the replaced client was called"));
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    /** An HTTP client that counts its requests and whether it was closed. */
    private static final class WatchedHttpClient implements SdkHttpClient {
        private final SdkHttpClient delegate;
        private final AtomicInteger requests = new AtomicInteger();
        private volatile boolean closed;

        WatchedHttpClient(SdkHttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests.incrementAndGet();
            return delegate.prepareRequest(request);
        }

        @Override
        public void close() {
            closed = true;
            delegate.close();
        }
    }

    /** Builds {@link WatchedHttpClient}s on a builder of the test's, and keeps them. */
    private static final class WatchedHttpClientBuilder implements SdkHttpClient.Builder<WatchedHttpClientBuilder> {
        private final SdkHttpClient.Builder<?> delegate;
        private final List<WatchedHttpClient> built = new CopyOnWriteArrayList<>();

        WatchedHttpClientBuilder(SdkHttpClient.Builder<?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            WatchedHttpClient client = new WatchedHttpClient(delegate.buildWithDefaults(serviceDefaults));
            built.add(client);
            return client;
        }
    }
}
