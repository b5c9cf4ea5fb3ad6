package dev.firehose.producer.spring;

import dev.firehose.producer.FirehoseProducer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the application's producers when the context closes, in the phase that loses no
 * record: {@link #PHASE} stops after Boot's graceful shutdown of the web server (which lets the
 * requests in progress finish, and their puts with them) and after the web server has stopped,
 * and before the context destroys its beans (the clients, the meter registries, the endpoints).
 * Each producer sends what it holds and waits for it to settle, up to
 * {@code firehose.producer.close-timeout} for all of them together (plus
 * {@link FirehoseProducer#CLOSE_MARGIN}); whatever has not settled by then fails with
 * {@code ProducerClosedException} in its future. A put after that throws
 * {@code PutAfterCloseException}.
 *
 * <p>The producers are the {@code FirehoseProducer} beans created when the context started, the
 * application's own included. A producer cannot start again: stopping the context (or a CRaC
 * checkpoint, which stops it) closes them for good. Pausing the context ({@code pause()}) leaves
 * them running.
 */
public class FirehoseProducerLifecycle implements SmartLifecycle {

    /**
     * The phase: {@code SmartLifecycle.DEFAULT_PHASE - 4096}, below Boot's web server lifecycles
     * (graceful shutdown at {@code DEFAULT_PHASE - 1024}, the server's stop at
     * {@code DEFAULT_PHASE - 2048}), so the producers stop after them. Lifecycles of a higher
     * phase (message listeners at the default phase, schedulers) stop before the producers too.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(FirehoseProducerLifecycle.class);

    private final ObjectProvider<FirehoseProducer> producers;
    private final Duration closeTimeout;
    // Written by start() and stop(), which the context calls from one thread at a time.
    private volatile List<FirehoseProducer> started = List.of();
    private volatile boolean running;

    /**
     * A lifecycle for the producers the provider gives when the context starts.
     *
     * @param producers the producers
     * @param closeTimeout how long closing waits for records to settle, for all producers together
     */
    public FirehoseProducerLifecycle(ObjectProvider<FirehoseProducer> producers, Duration closeTimeout) {
        this.producers = Objects.requireNonNull(producers, "producers");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    @Override
    public void start() {
        // The producers run from the moment they are built; here they are only collected.
        started = producers.orderedStream().toList();
        running = true;
    }

    /** Closes every producer, one after the other, within the close timeout for them all. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        for (FirehoseProducer producer : started) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                producer.close(left);
            } catch (RuntimeException e) {
                // One producer's failure must not keep the next from closing.
                log.error("Closing Firehose producer {} failed", producer, e);
            }
        }
        log.info("Closed {} Firehose producer(s)", started.size());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** @return false: a producer cannot start again, so a pause must not close it */
    @Override
    public boolean isPauseable() {
        return false;
    }
}
