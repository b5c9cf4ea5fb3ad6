package dev.firehose.producer;

import dev.firehose.producer.internal.DefaultFirehoseProducer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;

/**
 * Sends records to Amazon Data Firehose in PutRecordBatch requests, retrying only the records
 * that failed, and gives every record a future that ends with its {@link PutResult} or a
 * {@link RecordFailedException}.
 *
 * <p><b>Threads.</b> A producer is thread-safe: share one instance across the application. Any
 * number of threads may call {@code put} at once. A background thread (the sender) packs batches
 * and schedules retries; the producer's request threads call the SDK client and complete the
 * futures (one per core with an asynchronous client, one per request in flight with a
 * synchronous one: the client the producer builds itself, or one passed in). Futures complete on
 * those producer threads, so dependent stages should be quick; use the {@code *Async} variants
 * for slow work, and never wait for {@link #flush()} or another record inside such a stage. A
 * {@code put} inside such a stage never blocks on a full buffer: it throws
 * {@link BufferFullException} at once.
 *
 * <p><b>Guarantees.</b> Every future returned by {@code put} completes exactly once, at the latest
 * {@link ProducerConfig#deliveryTimeout()} after the put (or when {@link #close(Duration)} runs
 * out of time). A record that got a RecordId is never sent again. A record is sent again only
 * after a retryable failure, so Firehose may store it twice only when an attempt's response was
 * lost; its result then says {@link PutResult#mayBeDuplicated()}. Memory is bounded by
 * {@link ProducerConfig#maxBufferedBytes()} and {@link ProducerConfig#maxBufferedRecords()}.
 *
 * <p><b>Errors.</b> {@link FirehoseProducerException} is the root of every exception the producer
 * throws or puts into a future, with two documented exceptions to it: {@link NullPointerException}
 * for a null argument (null data, stream name, listener, timeout, builder argument), and
 * {@link IllegalArgumentException} from {@link ProducerConfig.Builder} for a setting out of its
 * range and from {@code build()} for settings that conflict (in {@link ProducerConfig}, or a
 * {@link Builder#clientCustomizer client customizer} given with a client). Caller mistakes are
 * thrown by {@code put} at once: {@link RecordTooLargeException}, {@link InvalidStreamNameException},
 * {@link NoDefaultStreamException} ({@code put(data)} without a default stream),
 * {@link PutAfterCloseException} (a put once close has begun); backpressure throws
 * {@link BufferFullException} or {@link PutInterruptedException}. {@link Builder#build()} throws
 * a {@link FirehoseProducerException} if the producer cannot build its own client. Everything the
 * service says travels in the future, as a {@link RecordFailedException}.
 *
 * <pre>{@code
 * try (FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName("clicks").build()) {
 *     producer.put("{\"page\":\"/\"}\n").whenComplete((result, error) -> ...);
 * }
 * }</pre>
 */
public interface FirehoseProducer extends AutoCloseable {

    /**
     * How much longer than its timeout {@link #close(Duration)} may take: 1 s. Within it, a close
     * that ran out of time fails the pending records, stops the sender, interrupts the request
     * threads and waits for them.
     */
    Duration CLOSE_MARGIN = Duration.ofSeconds(1);

    /** @return a builder for a producer */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a record to the default stream. The bytes are copied; the array may be reused at once.
     *
     * @param data the record, 0 to 1,024,000 bytes
     * @return the record's future
     */
    CompletableFuture<PutResult> put(byte[] data);

    /**
     * Sends a string, encoded as UTF-8, to the default stream.
     *
     * @param data the record; at most 1,024,000 bytes once encoded
     * @return the record's future
     */
    CompletableFuture<PutResult> put(String data);

    /**
     * Sends the remaining bytes of a buffer to the default stream. The bytes are copied; the
     * buffer's position is not changed.
     *
     * @param data the record, 0 to 1,024,000 remaining bytes
     * @return the record's future
     */
    CompletableFuture<PutResult> put(ByteBuffer data);

    /**
     * Sends a record to the given stream.
     *
     * @param stream the delivery stream name, 1-64 characters of [a-zA-Z0-9_.-]
     * @param data the record, 0 to 1,024,000 bytes
     * @return the record's future
     */
    CompletableFuture<PutResult> put(String stream, byte[] data);

    /**
     * Sends a string, encoded as UTF-8, to the given stream.
     *
     * @param stream the delivery stream name
     * @param data the record
     * @return the record's future
     */
    CompletableFuture<PutResult> put(String stream, String data);

    /**
     * Sends the remaining bytes of a buffer to the given stream.
     *
     * @param stream the delivery stream name
     * @param data the record
     * @return the record's future
     */
    CompletableFuture<PutResult> put(String stream, ByteBuffer data);

    /**
     * Sends a record to the default stream, taking the array over without copying it: the
     * application hands it to the producer and must never change it afterwards (the producer may
     * send it again on a retry, and reads it until the record settles). For large records, where
     * the copy of {@link #put(byte[])} costs. Implementations other than the producer's own may
     * copy.
     *
     * @param data the record, 0 to 1,024,000 bytes, no longer the application's
     * @return the record's future
     */
    default CompletableFuture<PutResult> putOwned(byte[] data) {
        return put(data);
    }

    /**
     * Sends a record to the given stream, taking the array over without copying it (see
     * {@link #putOwned(byte[])}).
     *
     * @param stream the delivery stream name
     * @param data the record, 0 to 1,024,000 bytes, no longer the application's
     * @return the record's future
     */
    default CompletableFuture<PutResult> putOwned(String stream, byte[] data) {
        return put(stream, data);
    }

    /**
     * Sends every buffered record without waiting for the linger time, and returns a future that
     * completes (normally, whatever the records' outcomes) once every record put before this call
     * has settled: their futures have completed. Stages that an application attached to those
     * futures run on the threads that complete them and may still be running when this future
     * completes; an application that counts its records in such stages waits for its own count.
     *
     * @return completes when those records have settled
     */
    CompletableFuture<Void> flush();

    /** @return a snapshot of the producer's counters and levels, per stream and in total */
    ProducerStats stats();

    /**
     * The settings the producer was built with, so that what watches it (a health check, a log
     * line at startup) measures its levels against its own limits.
     *
     * @return the producer's configuration
     */
    ProducerConfig config();

    /**
     * Adds a listener; it receives events from now on. Adding the same listener twice makes it
     * receive every event twice.
     *
     * @param listener the listener
     */
    void addListener(ProducerListener listener);

    /**
     * Removes a listener added before; it receives no events once this returns (apart from a
     * callback already running).
     *
     * @param listener the listener
     * @return true if it was registered
     */
    boolean removeListener(ProducerListener listener);

    /**
     * Closes the producer, waiting as long as it takes for every record to settle: at most
     * {@link ProducerConfig#deliveryTimeout()} after the last put.
     */
    @Override
    void close();

    /**
     * Stops accepting records (a later {@code put}, and one still waiting for buffer space, throws
     * {@link PutAfterCloseException}), sends what is buffered, waits up to {@code timeout} for
     * every record to settle, then fails the records still pending with
     * {@link ProducerClosedException} in their futures (those whose request was handed to the
     * client and not answered say {@link RecordFailedException#mayBeDuplicated()}), stops its
     * threads and closes the SDK client if the producer built it. Closing twice is harmless.
     *
     * <p>It returns within {@code timeout} plus {@link #CLOSE_MARGIN}, with every future
     * completed. A request thread that is stuck inside a client call (or an application's
     * callback) when the time is up is interrupted; if that does not free it, it is abandoned
     * (logged as an error) and ends whenever the call returns, changing nothing.
     *
     * <p>Called from a callback on one of the producer's threads, it cannot wait for itself: it
     * fails what is pending and returns at once; the futures of the records acknowledged in the
     * same response as the one whose callback is running complete right after that callback returns.
     *
     * @param timeout how long to wait for pending records
     */
    void close(Duration timeout);

    /**
     * Builds a {@link FirehoseProducer}. Not thread-safe.
     *
     * <p>The client: one of {@link #client(FirehoseClient)} and {@link #client(FirehoseAsyncClient)}
     * (the last one called wins), or neither, and then the producer builds its own, which
     * {@link #clientCustomizer(Consumer)} may adjust. A customizer together with a client makes
     * {@link #build()} throw {@link IllegalArgumentException}.
     */
    final class Builder {
        private String deliveryStreamName;
        private FirehoseAsyncClient asyncClient;
        private FirehoseClient syncClient;
        private Consumer<FirehoseClientBuilder> clientCustomizer;
        private ProducerConfig config = ProducerConfig.defaults();

        private Builder() {
        }

        /**
         * The stream that {@code put(data)} sends to. Optional: without it only
         * {@code put(stream, data)} may be used, and {@code put(data)} throws
         * {@link NoDefaultStreamException}.
         *
         * @param deliveryStreamName 1-64 characters of [a-zA-Z0-9_.-]
         * @return this builder
         * @throws InvalidStreamNameException if the name breaks that rule
         */
        public Builder deliveryStreamName(String deliveryStreamName) {
            this.deliveryStreamName = DefaultFirehoseProducer.checkStreamName(deliveryStreamName);
            return this;
        }

        /**
         * A synchronous client to send with, which the application built and owns. Optional:
         * without a client the producer builds a synchronous {@code FirehoseClient} on the Apache 5
         * HTTP client ({@code apache5-client}) from the SDK's default region, credentials and
         * endpoint chains, with the SDK's retries turned off (the producer makes and counts every
         * attempt), calls it from one request thread per request in flight, and closes it on
         * {@link #close()}; {@link #clientCustomizer(Consumer)} adjusts that client.
         *
         * <p>A client passed here is run the way the producer runs its own: called from one
         * request thread per request in flight (at most {@link ProducerConfig#maxInFlightRequests()};
         * the thread holds one of the client's pooled connections for the whole call, so a pool
         * smaller than that makes requests wait for a connection within their timeout). It is
         * never closed by the producer. Its region, credentials, endpoint, proxy and HTTP client
         * are its own; its retry strategy is not used: each request turns the SDK's retries off for
         * that request only (a request-level plugin), so that every attempt is the producer's own
         * and a lost answer is never hidden behind a retry of the SDK's (if a client retries
         * anyway, the request's records are flagged {@link PutResult#mayBeDuplicated()}). The SDK's
         * clock-skew correction keeps working. Each request carries an API call timeout (see
         * {@link ProducerConfig#requestTimeout()}), and the producer fails every record at its
         * delivery deadline whatever the client does.
         *
         * <p>Replaces a client set before, synchronous or asynchronous.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(FirehoseClient client) {
            this.syncClient = Objects.requireNonNull(client, "client");
            this.asyncClient = null;
            return this;
        }

        /**
         * An asynchronous client to send with, which the application built and owns. Optional:
         * without a client the producer builds its own (see {@link #client(FirehoseClient)}).
         *
         * <p>A client passed here is called from the producer's request threads (one per core,
         * at most {@link ProducerConfig#maxInFlightRequests()}), which marshal and sign each
         * request and handle its response, and it is never closed by the producer. Its region,
         * credentials, proxy and HTTP client are its own; its retry strategy is not used: each
         * request turns the SDK's retries off for that request only (a request-level plugin), so
         * that every attempt is the producer's own and a lost answer is never hidden behind a
         * retry of the SDK's (if a client retries anyway, the request's records are flagged
         * {@link PutResult#mayBeDuplicated()}). The SDK's clock-skew correction keeps working.
         * Each request carries an API call timeout (see {@link ProducerConfig#requestTimeout()}),
         * and the producer fails every record at its delivery deadline whatever the client does.
         *
         * <p>Replaces a client set before, synchronous or asynchronous.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(FirehoseAsyncClient client) {
            this.asyncClient = Objects.requireNonNull(client, "client");
            this.syncClient = null;
            return this;
        }

        /**
         * Adjusts the client the producer builds itself, without building one by hand: region,
         * credentials, endpoint, HTTP client settings (a proxy, timeouts, the connection pool) and
         * the like. Optional; only valid when no client is passed: with
         * {@link #client(FirehoseClient)} or {@link #client(FirehoseAsyncClient)} as well,
         * {@link #build()} throws {@link IllegalArgumentException}.
         *
         * <p>{@link #build()} runs it once, on a {@code FirehoseClient.builder()} that already has
         * the producer's settings: {@code httpClientBuilder(Apache5HttpClient.builder())}, and
         * otherwise the SDK's defaults (the default region, credentials and endpoint chains). It
         * may replace any of them, including the HTTP client builder (for example
         * {@code httpClientBuilder(Apache5HttpClient.builder().proxyConfiguration(...))}); to
         * pass a built {@code SdkHttpClient} with {@code httpClient(...)}, first call
         * {@code httpClientBuilder(null)} (the SDK refuses both). It may add execution interceptors
         * and plugins. The producer keeps two things, whatever the customizer does:
         * <ul>
         *   <li>the SDK's retries are off: after the customizer the producer sets the retry strategy
         *       to {@code AwsRetryStrategy.doNotRetry()}, replacing any retry strategy, mode or
         *       policy it set (logged as a warning); set {@link ProducerConfig#maxAttempts()} or
         *       {@link ProducerConfig#retry()} instead. A client built with a plugin of the
         *       customizer's (which could turn retries back on) gets the request-level plugin of a
         *       client passed in as well, so a retry is still seen and flagged;</li>
         *   <li>each request's API call timeout is {@link ProducerConfig#requestTimeout()} (or the
         *       time left to the records' deadline), whatever the client's.</li>
         * </ul>
         * The producer owns the client built and closes it on {@link #close()}.
         *
         * <p>If the customizer throws, or the SDK cannot build the client (no region found, settings
         * the SDK refuses), {@link #build()} throws a {@link FirehoseProducerException} with that
         * failure as its cause, and leaves nothing behind: no client, no thread.
         *
         * <pre>{@code
         * FirehoseProducer producer = FirehoseProducer.builder()
         *     .deliveryStreamName("clicks")
         *     .clientCustomizer(b -> b.region(Region.EU_WEST_1)
         *         .credentialsProvider(ProfileCredentialsProvider.create("ingest"))
         *         .httpClientBuilder(Apache5HttpClient.builder()
         *             .proxyConfiguration(ProxyConfiguration.builder()
         *                 .endpoint(URI.create("http://proxy.example.com:3128")).build())))
         *     .build();
         * }</pre>
         *
         * @param clientCustomizer adjusts the client builder
         * @return this builder
         */
        public Builder clientCustomizer(Consumer<FirehoseClientBuilder> clientCustomizer) {
            this.clientCustomizer = Objects.requireNonNull(clientCustomizer, "clientCustomizer");
            return this;
        }

        /**
         * The settings. Optional: default {@link ProducerConfig#defaults()}.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder config(ProducerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Builds and starts the producer.
         *
         * @return a started producer
         * @throws IllegalArgumentException if a client customizer is set together with a client
         * @throws FirehoseProducerException if the producer builds its own client and cannot: the
         *     customizer threw, or the SDK refused to build the client (the cause says why)
         */
        public FirehoseProducer build() {
            return DefaultFirehoseProducer.create(deliveryStreamName, asyncClient, syncClient, clientCustomizer,
                    config);
        }
    }
}
