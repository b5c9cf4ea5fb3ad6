package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerConfig;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The producer's hot paths, one full batch (500 records) per invocation, on one thread: the
 * producer is built without its sender thread and its sender is driven by hand
 * ({@code Sender.runOnce()}), with its requests sent on the same thread instead of request threads,
 * on a client that answers at once without the SDK's marshalling ({@link AnsweringFirehoseClient}).
 * Times are per record.
 *
 * <ul>
 *   <li>{@code put}: 500 {@code put} calls (copy, budget, entry, future, queue).</li>
 *   <li>{@code packBatch}: the sender drains the 500 waiting records into a batch, builds the
 *       PutRecordBatchRequest and hands it over; the request is sent and its 500-entry all-success
 *       response handled (on a request thread in a running producer, here on the same thread):
 *       the records are settled (one budget release and stats update, then each {@code PutResult}
 *       and future).</li>
 *   <li>{@code handleResponse}: the sender handles what the request thread handed back (the
 *       request's pacing and in-flight count; no failed entries).</li>
 *   <li>{@code cycle}: all three.</li>
 * </ul>
 *
 * It lives in the producer's internal package because the sender is not public; it uses only the
 * package-private constructor of {@link DefaultFirehoseProducer}, its {@code sender()} and
 * {@code Sender.runOnce()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ProducerHotPathBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class ProducerHotPathBenchmark {

    static final int BATCH = 500;

    /** A producer whose sender this thread drives. */
    @State(Scope.Thread)
    public static class Driven {
        @Param({"100", "1024"})
        public int recordSize;

        DefaultFirehoseProducer producer;
        Sender sender;
        byte[][] payloads;

        @Setup(Level.Trial)
        public void start() {
            producer = new DefaultFirehoseProducer("bench-jmh", new AnsweringFirehoseClient(), false,
                    ProducerConfig.defaults(), Ticker.system());
            sender = producer.sender();
            SplittableRandom random = new SplittableRandom(recordSize);
            payloads = new byte[1024][recordSize];
            for (byte[] payload : payloads) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) ('a' + random.nextInt(26));
                }
            }
        }

        void putBatch(Blackhole blackhole) {
            for (int i = 0; i < BATCH; i++) {
                blackhole.consume(producer.put(payloads[i & 1023]));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.close(java.time.Duration.ZERO);
        }
    }

    /** Records put before the measured call; drained after it. */
    @State(Scope.Thread)
    public static class AfterPut extends Driven {
        @Setup(Level.Invocation)
        public void fill(Blackhole blackhole) {
            putBatch(blackhole);
        }

        @TearDown(Level.Invocation)
        public void drain() {
            sender.runOnce();
            sender.runOnce();
        }
    }

    /** A batch put and sent before the measured call; its response waits to be handled. */
    @State(Scope.Thread)
    public static class AfterSend extends Driven {
        @Setup(Level.Invocation)
        public void fillAndSend(Blackhole blackhole) {
            putBatch(blackhole);
            sender.runOnce();
        }
    }

    /** Nothing waiting before the measured call; drained after it. */
    @State(Scope.Thread)
    public static class Empty extends Driven {
        @TearDown(Level.Invocation)
        public void drain() {
            sender.runOnce();
            sender.runOnce();
        }
    }

    @Benchmark
    public void put(Empty state, Blackhole blackhole) {
        state.putBatch(blackhole);
    }

    @Benchmark
    public long packBatch(AfterPut state) {
        return state.sender.runOnce();
    }

    @Benchmark
    public long handleResponse(AfterSend state) {
        return state.sender.runOnce();
    }

    @Benchmark
    public long cycle(Driven state, Blackhole blackhole) {
        state.putBatch(blackhole);
        state.sender.runOnce();
        return state.sender.runOnce();
    }
}
