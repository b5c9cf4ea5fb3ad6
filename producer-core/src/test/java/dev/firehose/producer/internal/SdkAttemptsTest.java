package dev.firehose.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.firehose.producer.internal.ErrorClassifier.Classification;
import dev.firehose.producer.internal.SkewedFirehoseServer.Mode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Runs real SDK clients, built with the SDK's default retry strategy, against a loopback server to
 * show that {@link SdkAttempts#prepare} makes each call one attempt and counts it, and that a
 * clock-skew error still corrects the client's clock for the next call.
 */
class SdkAttemptsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The two kinds of client the producer sends with. */
    enum ClientKind { SYNC_APACHE5, ASYNC_NETTY }

    /** Shared by the test's Netty clients: closing a client leaves it open, and closing it takes a while. */
    private static SdkEventLoopGroup eventLoops;

    private SkewedFirehoseServer server;
    private FirehoseClient syncClient;
    private FirehoseAsyncClient asyncClient;

    @BeforeAll
    static void startEventLoops() {
        eventLoops = SdkEventLoopGroup.builder().numberOfThreads(2).build();
    }

    @AfterAll
    static void stopEventLoops() {
        eventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void resetGlobalClock() {
        // Clients start from the JVM-wide offset, and a clock-skew correction writes it: start and end at 0.
        SdkGlobalTime.setGlobalTimeOffset(0);
    }

    @AfterEach
    void closeAndResetGlobalClock() {
        if (syncClient != null) {
            syncClient.close();
        }
        if (asyncClient != null) {
            asyncClient.close();
        }
        if (server != null) {
            server.close();
        }
        SdkGlobalTime.setGlobalTimeOffset(0);
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aClockSkewErrorIsOneTransmissionAndTheNextCallIsSignedWithTheCorrectedClock(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ofHours(1), Mode.SUCCEED);

        SdkAttempts.Tracker first = new SdkAttempts.Tracker();
        Throwable error = catchThrowable(() -> call(kind, SdkAttempts.prepare(request(3), TIMEOUT, first)));

        assertThat(error).isInstanceOf(FirehoseException.class);
        FirehoseException skew = (FirehoseException) error;
        assertThat(skew.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(skew.awsErrorDetails().errorMessage()).startsWith("Signature expired");
        assertThat(first.transmissions()).isEqualTo(1);
        assertThat(first.applied()).isTrue();
        assertThat(server.requests()).isEqualTo(1);
        Classification c = ErrorClassifier.classifyRequest(error);
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).isFalse();
        assertThat(c.throttled()).isFalse();

        SdkAttempts.Tracker second = new SdkAttempts.Tracker();
        PutRecordBatchResponse response = call(kind, SdkAttempts.prepare(request(3), TIMEOUT, second));

        assertThat(response.failedPutCount()).isZero();
        assertThat(response.requestResponses()).hasSize(3);
        assertThat(second.transmissions()).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(server.skewRejections()).isEqualTo(1);
        assertThat(server.storedRecords()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void withoutPrepareTheSdkHidesTheSkewErrorBehindItsOwnRetry(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ofHours(1), Mode.SUCCEED);

        PutRecordBatchResponse response = call(kind, request(2).build());

        // The call succeeded, but the SDK sent it twice: the producer would have seen one attempt.
        assertThat(response.failedPutCount()).isZero();
        assertThat(server.requests()).isEqualTo(2);
        assertThat(server.skewRejections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aServerErrorIsSentOnceWithPrepareButRetriedByTheSdkWithout(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.FAIL_500);

        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        Throwable prepared = catchThrowable(() -> call(kind, SdkAttempts.prepare(request(1), TIMEOUT, tracker)));

        assertThat(prepared).isInstanceOf(FirehoseException.class);
        assertThat(((FirehoseException) prepared).statusCode()).isEqualTo(500);
        assertThat(tracker.transmissions()).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(1);

        Throwable unprepared = catchThrowable(() -> call(kind, request(1).build()));

        assertThat(unprepared).isInstanceOf(FirehoseException.class);
        assertThat(server.requests() - 1).isGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aLostAnswerIsOneTransmissionWithPrepareButRetriedByTheSdkWithout(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.DROP_CONNECTION);

        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        Throwable prepared = catchThrowable(() -> call(kind, SdkAttempts.prepare(request(1), TIMEOUT, tracker)));

        assertThat(prepared).isNotNull();
        assertThat(tracker.transmissions()).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(1);
        Classification c = ErrorClassifier.classifyRequest(prepared);
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).as("the server read the request: it may have stored it").isTrue();

        Throwable unprepared = catchThrowable(() -> call(kind, request(1).build()));

        assertThat(unprepared).isNotNull();
        assertThat(server.requests() - 1).isGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aSuccessfulCallIsOneTransmission(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.SUCCEED);

        for (int i = 1; i <= 3; i++) {
            SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
            assertThat(call(kind, SdkAttempts.prepare(request(2), TIMEOUT, tracker)).failedPutCount()).isZero();
            assertThat(tracker.transmissions()).isEqualTo(1);
            assertThat(server.requests()).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aRefusedConnectionIsOneTransmissionThatWasNotSent(ClientKind kind) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort);

        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        Throwable error = catchThrowable(() -> call(kind, nobody, SdkAttempts.prepare(request(1), TIMEOUT, tracker)));

        assertThat(error).isInstanceOf(SdkClientException.class);
        assertThat(tracker.transmissions()).isEqualTo(1);
        assertThat(tracker.applied()).isTrue();
        Classification c = ErrorClassifier.classifyRequest(error);
        assertThat(c.retryable()).isTrue();
        assertThat(c.ambiguous()).as("refused: %s", error).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aTimedOutWaitForAPooledConnectionIsClassifiedAsNotSent(ClientKind kind) throws Exception {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.HANG);
        Duration acquisition = Duration.ofMillis(200);
        if (kind == ClientKind.SYNC_APACHE5) {
            syncClient = syncClientBuilder(server.endpoint())
                    .httpClientBuilder(Apache5HttpClient.builder().maxConnections(1)
                            .connectionAcquisitionTimeout(acquisition))
                    .build();
        } else {
            asyncClient = asyncClientBuilder(server.endpoint())
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).maxConcurrency(1)
                            .connectionAcquisitionTimeout(acquisition))
                    .build();
        }
        // The only connection is taken by a call the server never answers.
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> hung = caller.submit(() -> catchThrowable(() -> call(kind, SdkAttempts.prepare(request(1),
                    TIMEOUT, new SdkAttempts.Tracker()))));
            assertThat(server.awaitRequests(1, TIMEOUT)).isTrue();

            SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
            Throwable error = catchThrowable(() -> call(kind, SdkAttempts.prepare(request(1), TIMEOUT, tracker)));

            assertThat(error).isInstanceOf(SdkClientException.class);
            assertThat(tracker.transmissions()).isEqualTo(1);
            assertThat(server.requests()).isEqualTo(1);
            Classification c = ErrorClassifier.classifyRequest(error);
            assertThat(c.retryable()).isTrue();
            assertThat(c.ambiguous()).as("no connection was free: %s", error).isFalse();

            server.close();
            hung.get(30, TimeUnit.SECONDS);
        } finally {
            caller.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void transmissionsRevealAnSdkRetryIfSomethingTurnsTheRetriesBackOn(ClientKind kind) {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.FAIL_500);
        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        PutRecordBatchRequest prepared = SdkAttempts.prepare(request(1), TIMEOUT, tracker);
        // A plugin applied after prepare's restores the default retries: the count must show it.
        PutRecordBatchRequest defeated = prepared.toBuilder().overrideConfiguration(prepared.overrideConfiguration()
                .orElseThrow().toBuilder()
                .addPlugin(config -> config.overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD)))
                .build()).build();

        catchThrowable(() -> call(kind, defeated));

        assertThat(server.requests()).isEqualTo(3);
        assertThat(tracker.transmissions()).isEqualTo(server.requests());
    }

    @Test
    void theClientsOwnConfigurationIsLeftAsItWas() {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.FAIL_500);
        FirehoseClient client = syncClient();

        PutRecordBatchRequest prepared = SdkAttempts.prepare(request(1), TIMEOUT, new SdkAttempts.Tracker());
        catchThrowable(() -> client.putRecordBatch(prepared));
        assertThat(server.requests()).isEqualTo(1);
        int before = server.requests();
        catchThrowable(() -> client.putRecordBatch(request(1).build()));

        // A call without prepare still gets the client's default retries: the plugin changed only its own call.
        assertThat(server.requests() - before).isGreaterThan(1);
        assertThat(client.serviceClientConfiguration().overrideConfiguration().executionInterceptors())
                .doesNotContain(SdkAttempts.COUNTING_INTERCEPTOR);
    }

    @Test
    void prepareSetsTheTimeoutKeepsOtherOverridesAndAddsThePluginOnce() {
        PutRecordBatchRequest.Builder builder = request(1)
                .overrideConfiguration(o -> o.putHeader("x-test", "kept").apiCallAttemptTimeout(Duration.ofSeconds(7)));

        PutRecordBatchRequest once = SdkAttempts.prepare(builder, Duration.ofSeconds(3), new SdkAttempts.Tracker());
        PutRecordBatchRequest twice = SdkAttempts.prepare(once.toBuilder(), Duration.ofSeconds(2),
                new SdkAttempts.Tracker());

        AwsRequestOverrideConfiguration o = twice.overrideConfiguration().orElseThrow();
        assertThat(o.apiCallTimeout()).contains(Duration.ofSeconds(2));
        assertThat(o.apiCallAttemptTimeout()).contains(Duration.ofSeconds(7));
        assertThat(o.headers()).containsEntry("x-test", List.of("kept"));
        assertThat(o.plugins()).containsExactly(SdkAttempts.ONE_ATTEMPT_PLUGIN);
        assertThat(once.overrideConfiguration().orElseThrow().apiCallTimeout()).contains(Duration.ofSeconds(3));
    }

    @Test
    void aPreparedRequestResentWithANewTrackerCountsOnlyItsOwnTransmissions() {
        server = SkewedFirehoseServer.start(Duration.ZERO, Mode.SUCCEED);
        FirehoseClient client = syncClient();
        SdkAttempts.Tracker first = new SdkAttempts.Tracker();
        PutRecordBatchRequest request = SdkAttempts.prepare(request(1), TIMEOUT, first);
        client.putRecordBatch(request);

        SdkAttempts.Tracker second = new SdkAttempts.Tracker();
        client.putRecordBatch(SdkAttempts.prepare(request.toBuilder(), TIMEOUT, second));

        assertThat(first.transmissions()).isEqualTo(1);
        assertThat(second.transmissions()).isEqualTo(1);
    }

    @Test
    void aTrackerNobodyCountedIntoSaysZero() {
        assertThat(new SdkAttempts.Tracker().transmissions()).isZero();
    }

    @Test
    void aTrackerOfACallThatNeverStartedSaysThePluginWasNotApplied() {
        SdkAttempts.Tracker tracker = new SdkAttempts.Tracker();
        assertThat(tracker.applied()).isFalse();
        assertThat(tracker).hasToString("Tracker[transmissions=0, applied=false]");
        assertThat(SdkAttempts.COUNTING_INTERCEPTOR).hasToString("SdkAttempts.COUNTING_INTERCEPTOR");
        assertThat(SdkAttempts.ONE_ATTEMPT_PLUGIN).hasToString("SdkAttempts.ONE_ATTEMPT_PLUGIN");
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> SdkAttempts.prepare(request(1), Duration.ZERO, new SdkAttempts.Tracker()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private PutRecordBatchResponse call(ClientKind kind, PutRecordBatchRequest request) {
        return call(kind, null, request);
    }

    /** Sends with the test's client of that kind, or with a new one for {@code endpoint} if given. */
    private PutRecordBatchResponse call(ClientKind kind, URI endpoint, PutRecordBatchRequest request) {
        if (kind == ClientKind.SYNC_APACHE5) {
            if (endpoint == null) {
                return syncClient().putRecordBatch(request);
            }
            try (FirehoseClient client = syncClientBuilder(endpoint).build()) {
                return client.putRecordBatch(request);
            }
        }
        if (endpoint == null) {
            return join(asyncClient().putRecordBatch(request));
        }
        try (FirehoseAsyncClient client = asyncClientBuilder(endpoint).build()) {
            return join(client.putRecordBatch(request));
        }
    }

    private static PutRecordBatchResponse join(Future<PutRecordBatchResponse> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Built lazily, after the global clock offset was reset: a client starts from it. */
    private FirehoseClient syncClient() {
        if (syncClient == null) {
            syncClient = syncClientBuilder(server.endpoint()).build();
        }
        return syncClient;
    }

    private FirehoseAsyncClient asyncClient() {
        if (asyncClient == null) {
            asyncClient = asyncClientBuilder(server.endpoint()).build();
        }
        return asyncClient;
    }

    /** The SDK's defaults, retry strategy included, but for the endpoint, region and credentials. */
    private static FirehoseClientBuilder syncClientBuilder(URI endpoint) {
        return FirehoseClient.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials());
    }

    private static FirehoseAsyncClientBuilder asyncClientBuilder(URI endpoint) {
        return FirehoseAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops))
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials());
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    }

    private static PutRecordBatchRequest.Builder request(int records) {
        Record[] batch = new Record[records];
        for (int i = 0; i < records; i++) {
            batch[i] = Record.builder().data(SdkBytes.fromUtf8String("record-" + i + "\n")).build();
        }
        return PutRecordBatchRequest.builder().deliveryStreamName("stream").records(batch);
    }
}
