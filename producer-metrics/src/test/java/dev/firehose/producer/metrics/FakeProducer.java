package dev.firehose.producer.metrics;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.ProducerStats;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.StreamStats;

/** A producer that only holds a listener, for tests of the event mapping. */
final class FakeProducer implements FirehoseProducer {
    /** The listener added last; {@code null} once removed. */
    volatile ProducerListener listener;

    @Override
    public CompletableFuture<PutResult> put(byte[] data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<PutResult> put(String data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<PutResult> put(ByteBuffer data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, byte[] data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, String data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<PutResult> put(String stream, ByteBuffer data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    /** The streams {@link #stats()} reports. */
    volatile Map<String, StreamStats> streams = Map.of();

    @Override
    public dev.firehose.producer.ProducerConfig config() {
        return dev.firehose.producer.ProducerConfig.defaults();
    }

    @Override
    public ProducerStats stats() {
        return new ProducerStats(levels("*", 0, 0, 0, Duration.ZERO), streams, 0, 0, 0);
    }

    static StreamStats levels(String stream, long records, long bytes, int inFlight, Duration oldest) {
        return new StreamStats(stream, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0,
                records, bytes, inFlight, oldest, 0, 0);
    }

    @Override
    public void addListener(ProducerListener listener) {
        this.listener = listener;
    }

    @Override
    public boolean removeListener(ProducerListener listener) {
        boolean had = this.listener == listener;
        this.listener = null;
        return had;
    }

    @Override
    public void close() {
    }

    @Override
    public void close(Duration timeout) {
    }
}
