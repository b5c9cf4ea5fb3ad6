package dev.firehose.producer.internal;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.PutResult;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code put} through the public API from several threads at once, with the producer's own sender
 * thread running, on a client that answers at once ({@link AnsweringFirehoseClient}): the
 * producer's throughput without the SDK, and what contention on the put path costs. Compare the
 * 1-thread and 4-thread scores (records per second, all threads together).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class ConcurrentPutBenchmark {

    /** One producer shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"100"})
        public int recordSize;

        FirehoseProducer producer;
        byte[][] payloads;

        @Setup(Level.Trial)
        public void start() {
            producer = FirehoseProducer.builder()
                    .deliveryStreamName("bench-jmh")
                    .client(new AnsweringFirehoseClient())
                    .config(ProducerConfig.defaults())
                    .build();
            SplittableRandom random = new SplittableRandom(recordSize);
            payloads = new byte[1024][recordSize];
            for (byte[] payload : payloads) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) ('a' + random.nextInt(26));
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.flush().join();
            producer.close();
        }
    }

    /** Each thread's position in the payloads. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    @Threads(1)
    public CompletableFuture<PutResult> put1Thread(Shared shared, Cursor cursor) {
        return shared.producer.put(shared.payloads[cursor.next++ & 1023]);
    }

    @Benchmark
    @Threads(4)
    public CompletableFuture<PutResult> put4Threads(Shared shared, Cursor cursor) {
        return shared.producer.put(shared.payloads[cursor.next++ & 1023]);
    }
}
