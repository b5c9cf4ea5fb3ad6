package dev.firehose.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures firehose-local in sink mode: how many records per second one instance accepts from
 * PutRecordBatch requests of 500 records of 100 bytes on loopback, and how much CPU its threads use.
 * Not a test: run it by hand (see the module README).
 *
 * <p>The clients send pre-built, pre-signed-looking requests over raw keep-alive sockets so that
 * the client costs almost nothing and the server is what is measured. The server's CPU is the sum
 * of the CPU time of its threads (ThreadMXBean) over the measured wall time.
 *
 * <p>Arguments: {@code [clientThreads=4] [warmupSeconds=20] [measureSeconds=20] [ioThreads=2]
 * [targetRecordsPerSecond=0]}; a target of 0 sends as fast as the server answers, any other
 * target paces the clients to that rate, to read the server's CPU at a given load.
 */
public final class SinkBenchmark {

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int ioThreads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        long target = args.length > 4 ? Long.parseLong(args[4]) : 0;
        int records = 500;
        int recordBytes = 100;

        try (FirehoseLocal local = FirehoseLocal.builder().sinkMode(true).ioThreads(ioThreads).build().start()) {
            local.createDeliveryStream("bench");
            byte[] request = request(local.endpoint().getPort(), records, recordBytes);
            AtomicBoolean running = new AtomicBoolean(true);
            LongAdder requests = new LongAdder();
            Thread[] threads = new Thread[clients];
            for (int i = 0; i < clients; i++) {
                long periodNanos = target == 0 ? 0 : (long) (1e9 * clients * records / target);
                threads[i] = new Thread(() -> drive(local.endpoint().getPort(), request, periodNanos, running, requests),
                        "bench-client-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
            System.out.printf("warming up %d s with %d client connections, %d server io threads, target %s%n",
                    warmup, clients, ioThreads, target == 0 ? "as fast as possible" : String.format("%,d records/s", target));
            Thread.sleep(warmup * 1000L);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = serverCpuNanos(mx);
            long req0 = requests.sum();
            long t0 = System.nanoTime();
            Thread.sleep(measure * 1000L);
            long cpu1 = serverCpuNanos(mx);
            long req1 = requests.sum();
            long t1 = System.nanoTime();
            running.set(false);
            double seconds = (t1 - t0) / 1e9;
            double recordsPerSecond = (req1 - req0) * (double) records / seconds;
            double cores = (cpu1 - cpu0) / (double) (t1 - t0);
            System.out.printf("sink mode: %,.0f records/s (%,.0f requests/s of %d x %d-byte records), server CPU %.2f cores%n",
                    recordsPerSecond, (req1 - req0) / seconds, records, recordBytes, cores);
            System.out.printf("server CPU per million records: %.2f core-seconds%n", cores / (recordsPerSecond / 1e6));
            System.out.printf("ledger: %,d requests, %,d records stored%n",
                    local.ledger().requestsReceived("bench"), local.ledger().count("bench"));
        }
    }

    private static long serverCpuNanos(ThreadMXBean mx) {
        long sum = 0;
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            if (info != null && info.getThreadName().startsWith("firehose-local-")) {
                long t = mx.getThreadCpuTime(id);
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
    }

    private static byte[] request(int port, int records, int recordBytes) {
        Random random = new Random(1);
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder body = new StringBuilder("{\"DeliveryStreamName\":\"bench\",\"Records\":[");
        for (int i = 0; i < records; i++) {
            byte[] data = new byte[recordBytes];
            random.nextBytes(data);
            body.append(i == 0 ? "" : ",").append("{\"Data\":\"").append(b64.encodeToString(data)).append("\"}");
        }
        body.append("]}");
        byte[] b = body.toString().getBytes(StandardCharsets.US_ASCII);
        String head = "POST / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "X-Amz-Target: Firehose_20150804.PutRecordBatch\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/firehose/aws4_request, "
                + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000\r\n"
                + "X-Amz-Date: 20260101T000000Z\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    private static void drive(int port, byte[] request, long periodNanos, AtomicBoolean running, LongAdder requests) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            byte[] skip = new byte[64 * 1024];
            long next = System.nanoTime();
            while (running.get()) {
                if (periodNanos > 0) {
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait < -periodNanos) {
                        next = System.nanoTime(); // behind schedule: do not catch up in a burst
                    } else if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                out.write(request);
                out.flush();
                int length = readHeaders(in);
                while (length > 0) {
                    int n = in.read(skip, 0, Math.min(skip.length, length));
                    if (n < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    length -= n;
                }
                requests.increment();
            }
        } catch (IOException e) {
            if (running.get()) {
                e.printStackTrace();
            }
        }
    }

    /** Reads a response's status line and headers; returns its Content-Length; fails on a non-200 status. */
    private static int readHeaders(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int contentLength = -1;
        boolean first = true;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (first) {
                if (!line.toString().startsWith("HTTP/1.1 200")) {
                    throw new IOException("unexpected status: " + line);
                }
                first = false;
            } else if (line.length() == 0) {
                return contentLength;
            } else if (line.toString().regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
    }
}
