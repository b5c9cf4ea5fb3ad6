package dev.firehose.producer.internal;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.FirehoseProducerException;
import dev.firehose.producer.InvalidStreamNameException;
import dev.firehose.producer.NoDefaultStreamException;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.PutAfterCloseException;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.RecordTooLargeException;
import dev.firehose.producer.StreamStats;
import io.github.resilience4j.retry.Retry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The {@link FirehoseProducer} facade: checks and admits records on the caller's thread and hands
 * them to the accumulator; the {@link Sender} thread does the rest.
 *
 * <p>Threads: {@code put}, {@code flush}, {@code stats} and the listener methods may be called
 * from any thread at once. The put path takes no lock: it reserves buffer room with atomic
 * counters (waiting only when the buffer is full), counts the record in the current flush epoch
 * and appends it to a concurrent per-stream queue. The producer runs one sender thread and a small
 * pool of request threads ({@link RequestThreads}) that call the client and settle records.
 */
public final class DefaultFirehoseProducer implements FirehoseProducer {

    private static final Logger log = LoggerFactory.getLogger(DefaultFirehoseProducer.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Of {@link FirehoseProducer#CLOSE_MARGIN}, what a forced close gives the sender to fail what is pending. */
    private static final Duration SENDER_GRACE = FirehoseProducer.CLOSE_MARGIN.dividedBy(2);
    private static final String NAME_PREFIX = "firehose-producer-";

    private final String defaultStream;
    private final FirehoseAsyncClient client;
    private final boolean ownsClient;
    private final ProducerConfig config;
    private final Ticker ticker;
    private final long deliveryTimeoutNanos;
    private final RecordPacking packing;
    /** The largest record a put accepts: the service's limit, less a packing's delimiter and GZIP growth. */
    private final int maxRecordBytes;
    private final BufferBudget budget;
    private final StatsRecorder stats = new StatsRecorder();
    private final Listeners listeners = new Listeners(stats);
    private final Settler settler;
    private final FlushTracker flushTracker = new FlushTracker();
    private final RecordAccumulator accumulator;
    private final RequestThreads requestThreads;
    private final Sender sender;
    private final Thread senderThread;
    private final AtomicInteger appendsInProgress = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean clientClosed = new AtomicBoolean();
    private final String name;

    /**
     * Builds and starts a producer; used by {@link FirehoseProducer.Builder}. At most one of
     * {@code asyncClient}, {@code syncClient} and {@code clientCustomizer} is set; with none, the
     * producer builds its own client (see {@link OwnClient}).
     *
     * @param defaultStream the stream for {@code put(data)}, or null
     * @param asyncClient the application's asynchronous client, or null
     * @param syncClient the application's synchronous client, or null
     * @param clientCustomizer adjusts the client the producer builds, or null
     * @param config the settings
     * @return the started producer
     * @throws IllegalArgumentException if a customizer comes with a client
     * @throws FirehoseProducerException if the producer cannot build its own client
     */
    public static FirehoseProducer create(String defaultStream, FirehoseAsyncClient asyncClient,
            FirehoseClient syncClient, Consumer<FirehoseClientBuilder> clientCustomizer, ProducerConfig config) {
        Objects.requireNonNull(config, "config");
        if (asyncClient != null && syncClient != null) {
            throw new IllegalArgumentException("both an asynchronous and a synchronous client were given;"
                    + " the producer sends with one");
        }
        if (clientCustomizer != null && (asyncClient != null || syncClient != null)) {
            throw new IllegalArgumentException("clientCustomizer adjusts the client the producer builds itself;"
                    + " it cannot be combined with client(...), whose client is built already");
        }
        if (asyncClient != null) {
            DefaultFirehoseProducer producer = new DefaultFirehoseProducer(defaultStream, asyncClient, false, config,
                    Ticker.system(), RequestThreads.pool(NAME_PREFIX + IDS.incrementAndGet(),
                    requestThreadCount(config)));
            producer.start();
            return producer;
        }
        if (syncClient != null) {
            // The application's client keeps its own retry settings: each request turns them off.
            return createOnSyncClient(defaultStream, syncClient, false, config);
        }
        OwnClient own = OwnClient.build(clientCustomizer);
        return startOnSyncClient(defaultStream, own.client(), true, own.retriesOff(), config);
    }

    /**
     * Builds and starts a producer that sends with a synchronous client, called from one request
     * thread per request being sent; each request turns the SDK's retries off for itself (see
     * {@link SdkAttempts}). Used for {@link FirehoseProducer.Builder#client(FirehoseClient)}, and
     * by benchmarks that compare HTTP clients.
     *
     * @param defaultStream the stream for {@code put(data)}, or null
     * @param client the client to use
     * @param ownsClient whether the producer closes the client when it closes
     * @param config the settings
     * @return the started producer
     */
    public static FirehoseProducer createOnSyncClient(String defaultStream, FirehoseClient client,
            boolean ownsClient, ProducerConfig config) {
        return startOnSyncClient(defaultStream, client, ownsClient, false, config);
    }

    /**
     * As {@link #createOnSyncClient}, and told whether the client certainly does not retry.
     *
     * @param clientRetriesOff true if the client was built with the SDK's retries off for good, so
     *     that requests need no per-request plugin (the producer's own client, see {@link OwnClient})
     */
    private static FirehoseProducer startOnSyncClient(String defaultStream, FirehoseClient client,
            boolean ownsClient, boolean clientRetriesOff, ProducerConfig config) {
        String name = NAME_PREFIX + IDS.incrementAndGet();
        DefaultFirehoseProducer producer;
        try {
            producer = new DefaultFirehoseProducer(defaultStream,
                    new BlockingFirehoseClient(Objects.requireNonNull(client, "client")), ownsClient, config,
                    Ticker.system(), RequestThreads.perRequest(name, config.maxInFlightRequests()));
        } catch (RuntimeException e) {
            if (ownsClient) {
                client.close();
            }
            throw e;
        }
        if (clientRetriesOff) {
            producer.sender.clientRetriesOff();
        }
        producer.start();
        return producer;
    }

    /**
     * One request thread per core, and no more than the requests one stream may have in flight:
     * the asynchronous client only marshals and signs on them, and then returns.
     */
    static int requestThreadCount(ProducerConfig config) {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), config.maxInFlightRequests()));
    }

    /**
     * Creates a producer without starting its sender thread, whose requests are sent on the thread
     * that runs the sender (tests and benchmarks drive {@link #sender()} by hand).
     */
    DefaultFirehoseProducer(String defaultStream, FirehoseAsyncClient client, boolean ownsClient, ProducerConfig config,
            Ticker ticker) {
        this(defaultStream, client, ownsClient, config, ticker, RequestThreads.direct());
    }

    DefaultFirehoseProducer(String defaultStream, FirehoseAsyncClient client, boolean ownsClient,
            ProducerConfig config, Ticker ticker, RequestThreads requestThreads) {
        this.name = requestThreads.name() != null ? requestThreads.name() : NAME_PREFIX + IDS.incrementAndGet();
        this.defaultStream = defaultStream == null ? null : checkStreamName(defaultStream);
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = ticker;
        this.deliveryTimeoutNanos = config.deliveryTimeout().toNanos();
        this.packing = config.packing();
        this.maxRecordBytes = packing.maxUserRecordBytes();
        this.budget = new BufferBudget(config.maxBufferedBytes(), config.maxBufferedRecords(),
                streamBound(config.maxBufferedBytes(), config.maxBatchBytes(), config.maxStreamBufferShare()),
                streamBound(config.maxBufferedRecords(), config.maxBatchRecords(), config.maxStreamBufferShare()),
                config.bufferFullPolicy(), config.maxBlockTime());
        this.settler = new Settler(budget, stats, listeners, ticker);
        this.accumulator = new RecordAccumulator(config.maxBatchRecords(), config.maxBatchBytes(),
                config.lingerTime().toNanos(), config.requestTimeout().toNanos(), config.maxInFlightRequests(),
                config.streamIdleTimeout().toNanos(), budget,
                now -> new RateController(config.maxInFlightRequestsPerStream(),
                        config.adaptiveThrottling(), config.recordsPerSecondLimit(), config.bytesPerSecondLimit(),
                        config.requestsPerSecondLimit(), now), stats::retire);
        if (config.packing().enabled()) {
            accumulator.packing(new RecordPacker(config.packing()),
                    streamBound(config.maxBufferedRecords(), config.maxBatchRecords(), config.maxStreamBufferShare()) / 2,
                    streamBound(config.maxBufferedBytes(), config.maxBatchBytes(), config.maxStreamBufferShare()) / 2);
        }
        this.requestThreads = requestThreads;
        Retry retry = config.retry() != null ? config.retry() : Retry.of(name, config.retryConfig());
        this.sender = new Sender(accumulator, client, requestThreads, new RetryPolicy(retry, config.deliveryTimeout()),
                settler, stats, listeners, ticker, config.requestTimeout(), appendsInProgress,
                this::onSenderTerminated);
        // A put that waits or is refused for room wakes the sender: what is buffered goes at once.
        budget.onExhausted(sender::wakeup);
        this.senderThread = new Thread(sender, name + "-sender");
        this.senderThread.setDaemon(true);
    }

    /** A stream's share of a buffer bound: at least one full batch, at most the bound. */
    static long streamBound(long bound, long batch, double share) {
        return Math.min(bound, Math.max(batch, (long) Math.floor(bound * share)));
    }

    void start() {
        senderThread.start();
        log.atInfo().addKeyValue("producer", name).addKeyValue("defaultStream", defaultStream)
                .addKeyValue("config", config).log("Firehose producer started");
    }

    Sender sender() {
        return sender;
    }

    RecordAccumulator accumulator() {
        return accumulator;
    }

    /**
     * Checks a delivery stream name: 1-64 characters of [a-zA-Z0-9_.-].
     *
     * @param stream the name
     * @return the name
     * @throws NullPointerException if it is null
     * @throws InvalidStreamNameException if it breaks the rule
     */
    public static String checkStreamName(String stream) {
        Objects.requireNonNull(stream, "delivery stream name");
        int n = stream.length();
        if (n < 1 || n > 64) {
            throw new InvalidStreamNameException(stream);
        }
        for (int i = 0; i < n; i++) {
            char ch = stream.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '_' || ch == '.' || ch == '-';
            if (!ok) {
                throw new InvalidStreamNameException(stream);
            }
        }
        return stream;
    }

    @Override
    public CompletableFuture<PutResult> put(byte[] data) {
        return put(defaultStream(), data);
    }

    @Override
    public CompletableFuture<PutResult> put(String data) {
        return put(defaultStream(), data);
    }

    @Override
    public CompletableFuture<PutResult> put(ByteBuffer data) {
        return put(defaultStream(), data);
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, byte[] data) {
        Objects.requireNonNull(data, "record data");
        checkPut(stream, data.length);
        // Packed, the bytes are copied straight into the packed record.
        return packing.enabled() ? admit(stream, data.length, null, data, 0, false)
                : admit(stream, data.length, SdkBytes.fromByteArray(data), null, 0, false);
    }

    @Override
    public CompletableFuture<PutResult> putOwned(byte[] data) {
        return putOwned(defaultStream(), data);
    }

    @Override
    public CompletableFuture<PutResult> putOwned(String stream, byte[] data) {
        Objects.requireNonNull(data, "record data");
        checkPut(stream, data.length);
        // Taken over, as documented: no copy (packed, only the one into the packed record).
        return packing.enabled() ? admit(stream, data.length, null, data, 0, true)
                : admit(stream, data.length, SdkBytes.fromByteArrayUnsafe(data), null, 0, true);
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, String data) {
        Objects.requireNonNull(data, "record data");
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        checkPut(stream, bytes.length);
        return packing.enabled() ? admit(stream, bytes.length, null, bytes, 0, true)
                : admit(stream, bytes.length, SdkBytes.fromByteArrayUnsafe(bytes), null, 0, true);
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, ByteBuffer data) {
        Objects.requireNonNull(data, "record data");
        int size = data.remaining();
        checkPut(stream, size);
        if (!packing.enabled()) {
            return admit(stream, size, SdkBytes.fromByteBuffer(data), null, 0, false);
        }
        if (data.hasArray()) {
            return admit(stream, size, null, data.array(), data.arrayOffset() + data.position(), false);
        }
        byte[] copy = new byte[size];
        data.duplicate().get(copy);
        return admit(stream, size, null, copy, 0, true);
    }

    private String defaultStream() {
        if (defaultStream == null) {
            throw new NoDefaultStreamException("producer " + name + " has no default delivery stream: set"
                    + " deliveryStreamName on the builder, or call put(stream, data)");
        }
        return defaultStream;
    }

    private void checkPut(String stream, int size) {
        checkOpen();
        if (stream == null || stream != defaultStream) {
            // (The default stream's name was checked when the producer was built; a producer
            // without one has a null default stream, which a null name must not pass for.)
            checkStreamName(stream);
        }
        if (size > maxRecordBytes) {
            throw packing.enabled() ? new RecordTooLargeException(size, maxRecordBytes, packing)
                    : new RecordTooLargeException(size, ProducerConfig.MAX_RECORD_BYTES);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new PutAfterCloseException("producer " + name + " is closed; put is no longer accepted");
        }
    }

    /**
     * Admits a record: unpacked as {@code data}, or packed from {@code size} bytes of
     * {@code source} at {@code offset} (copied into the packed record; {@code owned} if the caller
     * hands the array over).
     */
    private CompletableFuture<PutResult> admit(String stream, int size, SdkBytes data, byte[] source, int offset,
            boolean owned) {
        boolean wake;
        ProducerEntry entry;
        // Holds the stream's queue (and its share of the buffer) until the record is appended.
        long entered = ticker.read();
        RecordAccumulator.StreamQueue queue = accumulator.enter(stream, entered);
        try {
            // A put from a future's callback runs on a producer thread, one of those that free room:
            // it must not wait for room, or it could wait for itself.
            long waited = budget.acquire(queue.share, size, blockedNanos -> {
                stats.putBlocked();
                if (!listeners.isEmpty()) {
                    Duration blocked = Duration.ofNanos(blockedNanos);
                    listeners.fire("putBlocked", l -> l.onPutBlocked(stream, blocked));
                }
            }, !isProducerThread());
            appendsInProgress.incrementAndGet();
            try {
                if (closed.get()) {
                    budget.release(queue.share, 1, size);
                    throw new PutAfterCloseException("producer " + name + " closed while put was in progress");
                }
                // A record's time starts once it has its room.
                long now = waited == 0 ? entered : ticker.read();
                StatsRecorder.Counters counters = queue.counters;
                if (counters == null) {
                    queue.counters = counters = stats.stream(stream);
                }
                StatsRecorder.recordAccepted(counters, size);
                if (source != null) {
                    // Packed: the user record's bytes go straight into the packed record; no SDK
                    // record and no copy of its own.
                    entry = new ProducerEntry(stream, (SdkBytes) null, size, now, now + deliveryTimeoutNanos,
                            flushTracker.enter(), queue.share);
                    wake = accumulator.appendPacked(queue, entry, source, offset, size, owned);
                } else {
                    entry = new ProducerEntry(stream, Record.builder().data(data).build(), size, now,
                            now + deliveryTimeoutNanos, flushTracker.enter(), queue.share);
                    wake = accumulator.append(queue, entry);
                }
            } finally {
                appendsInProgress.decrementAndGet();
            }
        } finally {
            accumulator.leave(queue);
        }
        if (wake) {
            sender.wakeup();
        }
        if (!listeners.isEmpty()) {
            listeners.fire("recordAccepted", l -> l.onRecordAccepted(stream, size));
        }
        return entry.future;
    }

    @Override
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> settled = flushTracker.flush();
        if (settled.isDone()) {
            return CompletableFuture.completedFuture(null);
        }
        accumulator.beginFlush();
        sender.wakeup();
        // A future of its own: the caller may complete or cancel it without touching other flushes.
        return settled.handle((v, t) -> {
            accumulator.endFlush();
            return null;
        });
    }

    /** @return true on the sender thread or a request thread, which settle records */
    private boolean isProducerThread() {
        return sender.isSenderThread() || requestThreads.isRequestThread();
    }

    @Override
    public ProducerConfig config() {
        return config;
    }

    @Override
    public ProducerStats stats() {
        return stats.snapshot(accumulator, ticker.read());
    }

    @Override
    public void addListener(ProducerListener listener) {
        listeners.add(listener);
    }

    @Override
    public boolean removeListener(ProducerListener listener) {
        return listeners.remove(listener);
    }

    @Override
    public void close() {
        // Every record settles by its deadline, so this wait is bounded by the delivery timeout
        // after the last put (plus the forced-close grace if the sender is stuck in a callback).
        close(config.deliveryTimeout().plus(config.lingerTime()).plusSeconds(1));
    }

    /**
     * Shutdown order: (1) mark closed, so new puts throw; (2) wake puts blocked on the budget, so
     * they throw; (3) tell the sender to send everything without lingering and stop when idle;
     * (4) wait up to the timeout; (5) if records are still pending, make the sender cancel the
     * requests in flight and fail every pending record, giving it half of
     * {@link FirehoseProducer#CLOSE_MARGIN}, and if it is stuck (in an application's callback),
     * fail them from this thread; (6) stop the request threads, interrupting them after a forced
     * close, and close the client if the producer built it; (7) wait for the threads for what is
     * left of the margin, then abandon any that a client or a callback still holds.
     */
    @Override
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        boolean first = closed.compareAndSet(false, true);
        if (first) {
            budget.close();
            sender.initiateClose();
        }
        if (isProducerThread()) {
            // Called from a future's callback on a producer thread: it cannot wait for itself.
            log.atWarn().addKeyValue("producer", name).addKeyValue("thread", Thread.currentThread().getName())
                    .log("close called on a producer thread; failing pending records without waiting");
            sender.forceClose(Duration.ZERO);
            // Fail what is pending from here, so that every future is complete when close returns.
            sender.failPending();
            return;
        }
        if (!senderThread.isAlive() && senderThread.getState() == Thread.State.NEW) {
            // Never started (tests): nothing can send, fail what is pending.
            sender.forceClose(Duration.ZERO);
            sender.runOnce();
            onSenderTerminated();
            return;
        }
        long marginEnd = start + saturatedNanos(timeout) + FirehoseProducer.CLOSE_MARGIN.toNanos();
        boolean interrupted = false;
        try {
            if (!sender.awaitTermination(timeout)) {
                sender.forceClose(timeout);
                if (!sender.awaitTermination(SENDER_GRACE)) {
                    log.atError().addKeyValue("producer", name).addKeyValue("graceMs", SENDER_GRACE.toMillis())
                            .log("sender thread did not stop; is a future callback blocking it? failing pending"
                                    + " records from the closing thread");
                    sender.failPending();
                    senderThread.interrupt();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            sender.forceClose(timeout);
            sender.failPending();
        }
        if (sender.isForceClosed() || sender.abandonedRequests() || senderThread.isAlive()) {
            stopThreads(true);
        }
        try {
            long left = Math.max(0, marginEnd - System.nanoTime());
            if (!requestThreads.awaitTermination(Duration.ofNanos(left))) {
                log.atError().addKeyValue("producer", name).addKeyValue("activeThreads", requestThreads.activeThreads())
                        .log("request threads did not stop after an interrupt: a future callback blocks them, or the"
                                + " client does not return; they are abandoned");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the duration in nanoseconds, at most about 146 years (no overflow for any duration) */
    static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) > 0 ? Long.MAX_VALUE / 2 : d.toNanos();
    }

    /** Stops the request threads (interrupting them if {@code now}) and closes the client the producer built. */
    private void stopThreads(boolean now) {
        if (now) {
            requestThreads.shutdownNow();
        } else {
            requestThreads.shutdown();
        }
        if (ownsClient && clientClosed.compareAndSet(false, true)) {
            try {
                client.close();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("closing the Firehose client failed");
            }
        }
    }

    /**
     * Runs on the sender thread as it exits: every request has been handled, or claimed by a forced
     * close (a response to it changes nothing). Closing an owned client aborts a call still on the
     * wire after a forced close, so that its request thread stops.
     */
    private void onSenderTerminated() {
        stopThreads(sender.isForceClosed() || sender.abandonedRequests());
        StreamStats t = stats.snapshot(accumulator, ticker.read()).total();
        log.atInfo().addKeyValue("producer", name).addKeyValue("recordsPut", t.recordsPut())
                .addKeyValue("recordsAcknowledged", t.recordsAcknowledged())
                .addKeyValue("recordsFailed", t.recordsFailed())
                .addKeyValue("recordsFailedByCode", t.recordsFailedByCode())
                .addKeyValue("recordsRetried", t.recordsRetried())
                .addKeyValue("requests", t.requests()).addKeyValue("throttledRecords", t.throttledRecords())
                .log("Firehose producer closed");
    }

    @Override
    public String toString() {
        return name;
    }
}
