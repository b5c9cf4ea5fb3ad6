package dev.firehose.producer.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that speaks just enough of Firehose's JSON 1.1 protocol for
 * PutRecordBatch to show what the SDK puts on the wire: how many times a call is sent, and how a
 * clock-skew error heals. It does not check signatures, only the request time ({@code X-Amz-Date})
 * against its own clock, the way the service refuses a request signed more than 5 minutes away
 * from its time, and it answers with a {@code Date} header of its own clock.
 *
 * <p>Written on plain sockets because the JDK's {@code HttpServer} overwrites the {@code Date}
 * header with the machine's time, and cannot drop a connection on purpose.
 *
 * <p>Thread-safe: the SDK's threads send while the test reads the counters.
 */
final class SkewedFirehoseServer implements AutoCloseable {

    /** How the server answers a request whose time is acceptable. */
    enum Mode {
        /** 200 with every record stored. */
        SUCCEED,
        /** 500 InternalFailure: the SDK's default strategy retries it. */
        FAIL_500,
        /** Reads the whole request, then closes the connection without an answer: a lost answer. */
        DROP_CONNECTION,
        /** Reads the whole request and never answers; the connection stays busy until {@link #close()}. */
        HANG
    }

    private static final String TARGET = "Firehose_20150804.PutRecordBatch";
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final ServerSocket socket;
    private final ExecutorService executor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Duration clockAhead;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger skewRejections = new AtomicInteger();
    private final AtomicInteger storedRecords = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Mode mode;

    private SkewedFirehoseServer(Duration clockAhead, Mode mode) throws IOException {
        this.clockAhead = clockAhead;
        this.mode = mode;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "skewed-firehose");
            t.setDaemon(true);
            return t;
        });
        executor.execute(this::acceptLoop);
    }

    /**
     * Starts a server on 127.0.0.1 and a free port.
     *
     * @param clockAhead how far the server's clock is ahead of this machine's
     * @param mode how it answers a request on time
     */
    static SkewedFirehoseServer start(Duration clockAhead, Mode mode) {
        try {
            return new SkewedFirehoseServer(clockAhead, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** PutRecordBatch requests received, whatever the answer. */
    int requests() {
        return requests.get();
    }

    /** Waits until {@code n} requests have been received; false if they have not within the timeout. */
    boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return true;
        }
    }

    /** Requests refused because their time was more than 5 minutes away from the server's clock. */
    int skewRejections() {
        return skewRejections.get();
    }

    /** Records stored by successful requests. */
    int storedRecords() {
        return storedRecords.get();
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        executor.shutdownNow();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.add(s);
                executor.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return; // the client closed the connection
                }
                Map<String, String> headers = new HashMap<>();
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
                if (headers.containsKey("transfer-encoding")) {
                    throw new IOException("chunked requests are not supported: " + headers);
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (!answer(out, headers, body)) {
                    return; // dropped on purpose
                }
            }
        } catch (IOException e) {
            // the connection ended; nothing to answer
        } finally {
            connections.remove(s);
        }
    }

    /** Answers one request; false to drop the connection instead. */
    private boolean answer(OutputStream out, Map<String, String> headers, String body) throws IOException {
        Instant now = clock();
        if (!TARGET.equals(headers.get("x-amz-target"))) {
            error(out, 400, "UnknownOperationException", "only PutRecordBatch is supported", now);
            return true;
        }
        synchronized (requests) {
            requests.incrementAndGet();
            requests.notifyAll();
        }
        String skew = skewMessage(headers.get("x-amz-date"), now);
        if (skew != null) {
            skewRejections.incrementAndGet();
            error(out, 400, "InvalidSignatureException", skew, now);
            return true;
        }
        switch (mode) {
            case FAIL_500 -> error(out, 500, "InternalFailure", "internal failure", now);
            case DROP_CONNECTION -> {
                return false;
            }
            case HANG -> {
                awaitClose();
                return false;
            }
            default -> succeed(out, body, now);
        }
        return true;
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Instant clock() {
        return Instant.now().plus(clockAhead);
    }

    /** The service's message for a request outside the 5-minute window, or null if it is inside. */
    private static String skewMessage(String amzDate, Instant now) {
        if (amzDate == null) {
            return "Missing X-Amz-Date";
        }
        Instant requestTime;
        try {
            requestTime = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return "Invalid X-Amz-Date " + amzDate;
        }
        if (requestTime.isBefore(now.minus(TOLERANCE))) {
            return "Signature expired: " + amzDate + " is now earlier than " + AMZ_DATE.format(now.minus(TOLERANCE))
                    + " (" + AMZ_DATE.format(now) + " - 5 min.)";
        }
        if (requestTime.isAfter(now.plus(TOLERANCE))) {
            return "Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(TOLERANCE)) + " (" + AMZ_DATE.format(now) + " + 5 min.)";
        }
        return null;
    }

    private void succeed(OutputStream out, String body, Instant now) throws IOException {
        int records = count(body, "\"Data\"");
        storedRecords.addAndGet(records);
        StringBuilder json = new StringBuilder("{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[");
        for (int i = 0; i < records; i++) {
            json.append(i == 0 ? "" : ",").append("{\"RecordId\":\"id-").append(requests.get()).append('-').append(i)
                    .append("\"}");
        }
        respond(out, 200, "OK", json.append("]}").toString(), now, null);
    }

    private static void error(OutputStream out, int status, String type, String message, Instant now)
            throws IOException {
        String json = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        respond(out, status, status == 500 ? "Internal Server Error" : "Bad Request", json, now, type);
    }

    private static void respond(OutputStream out, int status, String reason, String json, Instant now,
            String errorType) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: application/x-amz-json-1.1\r\n")
                .append("Content-Length: ").append(bytes.length).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)))
                .append("\r\n")
                .append("x-amzn-RequestId: req-").append(System.nanoTime()).append("\r\n");
        if (errorType != null) {
            head.append("x-amzn-ErrorType: ").append(errorType).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** One CRLF-terminated line without its terminator, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = buffer.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.US_ASCII);
            }
            buffer.write(b);
        }
        return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.US_ASCII);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
