package dev.firehose.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

/**
 * A Firehose endpoint inside the client's own process: an SDK HTTP client (both the synchronous and
 * the asynchronous SPI) that answers PutRecordBatch without a network, so that a benchmark measures
 * the client's CPU alone. It reads the request body once, counts the records in it (one JSON object
 * per record: base64 data and stream names contain no braces) and answers with a valid response in
 * which every record succeeded, or, when {@link #failEvery(int)} is set, in which every n-th record
 * it sees fails with {@code InternalFailure} so that retries can be checked.
 *
 * <p>Thread-safe. Asynchronous responses are delivered from threads of its own (one per core), the
 * way an event loop would deliver them; {@link #close()} stops them.
 */
final class InProcessFirehose implements SdkHttpClient, SdkAsyncHttpClient {

    private static final String RECORD_ID_PREFIX = "4963762154862195735028170935614742130962846270"; // 46 digits
    // InternalFailure rather than "Slow down.", so that a producer retries without throttling itself.
    private static final byte[] FAILED_ENTRY = ("{\"ErrorCode\":\"InternalFailure\","
            + "\"ErrorMessage\":\"Internal service failure.\"}").getBytes(StandardCharsets.US_ASCII);

    private final AtomicReferenceArray<byte[]> successBodies =
            new AtomicReferenceArray<>(Limits.MAX_RECORDS_PER_REQUEST + 1);
    private final AtomicLong threadNumbers = new AtomicLong();
    private final ExecutorService responder = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), runnable -> {
                Thread thread = new Thread(runnable, "in-process-firehose-" + threadNumbers.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
    private final LongAdder requests = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder failedRecords = new LongAdder();
    private final AtomicLong recordSequence = new AtomicLong();
    private volatile int failEvery;

    /** Every {@code n}-th record this endpoint sees fails (0, the default, for none). */
    InProcessFirehose failEvery(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("failEvery must be 0 or more, was " + n);
        }
        this.failEvery = n;
        return this;
    }

    /** PutRecordBatch requests answered so far. */
    long requests() {
        return requests.sum();
    }

    /** Records received so far, failed ones included. */
    long records() {
        return records.sum();
    }

    /** Records answered with an error code so far. */
    long failedRecords() {
        return failedRecords.sum();
    }

    @Override
    public String clientName() {
        return "InProcessFirehose";
    }

    // ---- synchronous SPI ----

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                BodyScan scan = new BodyScan();
                Optional<software.amazon.awssdk.http.ContentStreamProvider> content = request.contentStreamProvider();
                if (content.isPresent()) {
                    try (InputStream in = content.get().newStream()) {
                        byte[] buffer = new byte[16 * 1024];
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            scan.scan(buffer, 0, read);
                        }
                    }
                }
                byte[] body = answer(request.httpRequest(), scan);
                return HttpExecuteResponse.builder()
                        .response(response(body.length))
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                        .build();
            }

            @Override
            public void abort() {
                // Nothing is in progress outside call().
            }
        };
    }

    // ---- asynchronous SPI ----

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        BodyScan scan = new BodyScan();
        SdkAsyncHttpResponseHandler handler = request.responseHandler();
        request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer buffer) {
                scan.scan(buffer);
            }

            @Override
            public void onError(Throwable error) {
                handler.onError(error);
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                responder.execute(() -> {
                    try {
                        byte[] body = answer(request.request(), scan);
                        handler.onHeaders(response(body.length));
                        handler.onStream(new OneBufferPublisher(body, done));
                    } catch (RuntimeException e) {
                        handler.onError(e);
                        done.completeExceptionally(e);
                    }
                });
            }
        });
        return done;
    }

    @Override
    public void close() {
        responder.shutdownNow();
    }

    // ---- answering ----

    private byte[] answer(SdkHttpRequest request, BodyScan scan) {
        String target = request.firstMatchingHeader("X-Amz-Target").orElse("");
        if (target.endsWith(".PutRecordBatch")) {
            int count = Math.max(0, scan.openBraces - 1);
            requests.increment();
            records.add(count);
            int every = failEvery;
            if (every == 0) {
                return successBody(count);
            }
            long first = recordSequence.getAndAdd(count);
            return mixedBody(count, first, every);
        }
        if (target.endsWith(".PutRecord")) {
            requests.increment();
            records.increment();
            return ("{\"RecordId\":\"" + recordId(0) + "\",\"Encrypted\":false}").getBytes(StandardCharsets.US_ASCII);
        }
        // Enough for a client that asks about its stream before sending.
        return "{}".getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] successBody(int count) {
        byte[] cached = successBodies.get(count);
        if (cached == null) {
            StringBuilder json = new StringBuilder(32 + count * 72);
            json.append("{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":[");
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append("{\"RecordId\":\"").append(recordId(i)).append("\"}");
            }
            json.append("]}");
            cached = json.toString().getBytes(StandardCharsets.US_ASCII);
            successBodies.set(count, cached);
        }
        return cached;
    }

    private byte[] mixedBody(int count, long firstSequence, int every) {
        StringBuilder json = new StringBuilder(32 + count * 72);
        int failed = 0;
        StringBuilder entries = new StringBuilder(count * 72);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                entries.append(',');
            }
            if ((firstSequence + i) % every == every - 1) {
                entries.append(new String(FAILED_ENTRY, StandardCharsets.US_ASCII));
                failed++;
            } else {
                entries.append("{\"RecordId\":\"").append(recordId(i)).append("\"}");
            }
        }
        failedRecords.add(failed);
        json.append("{\"Encrypted\":false,\"FailedPutCount\":").append(failed)
                .append(",\"RequestResponses\":[").append(entries).append("]}");
        return json.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A 56-digit record id, as long as the service's. */
    private static String recordId(int index) {
        return RECORD_ID_PREFIX + String.format("%010d", index);
    }

    private static SdkHttpResponse response(int contentLength) {
        return SdkHttpResponse.builder()
                .statusCode(200)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("Content-Length", Integer.toString(contentLength))
                .putHeader("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
                .build();
    }

    /** Counts the JSON objects in a request body as it streams past. */
    private static final class BodyScan {
        int openBraces;

        void scan(byte[] bytes, int offset, int length) {
            int braces = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                if (bytes[i] == '{') {
                    braces++;
                }
            }
            openBraces += braces;
        }

        void scan(ByteBuffer buffer) {
            if (buffer.hasArray()) {
                scan(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                return;
            }
            int braces = 0;
            for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
                if (buffer.get(i) == '{') {
                    braces++;
                }
            }
            openBraces += braces;
        }
    }

    /** Publishes one response body, then completes the request's future. */
    private static final class OneBufferPublisher implements Publisher<ByteBuffer> {
        private final byte[] body;
        private final CompletableFuture<Void> done;

        OneBufferPublisher(byte[] body, CompletableFuture<Void> done) {
            this.body = body;
            this.done = done;
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Subscription() {
                private boolean finished;

                @Override
                public void request(long n) {
                    if (finished || n <= 0) {
                        return;
                    }
                    finished = true;
                    subscriber.onNext(ByteBuffer.wrap(body));
                    subscriber.onComplete();
                    done.complete(null);
                }

                @Override
                public void cancel() {
                    finished = true;
                    done.complete(null);
                }
            });
        }
    }
}
