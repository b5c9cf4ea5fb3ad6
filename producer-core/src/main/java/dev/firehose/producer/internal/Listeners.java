package dev.firehose.producer.internal;

import dev.firehose.producer.ProducerListener;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link ProducerListener}s. Listeners may be added and removed at any time from
 * any thread; a listener that throws is logged and counted, and never affects the producer.
 */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final CopyOnWriteArrayList<ProducerListener> listeners = new CopyOnWriteArrayList<>();
    private final StatsRecorder stats;

    Listeners(StatsRecorder stats) {
        this.stats = stats;
    }

    void add(ProducerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    boolean remove(ProducerListener listener) {
        return listeners.remove(listener);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Calls every listener, catching what it throws. */
    void fire(String event, Consumer<ProducerListener> call) {
        for (ProducerListener l : listeners) {
            try {
                call.accept(l);
            } catch (Throwable t) {
                stats.listenerError();
                log.atWarn().addKeyValue("listener", l.getClass().getName()).addKeyValue("event", event)
                        .setCause(t).log("producer listener threw an exception; ignored");
            }
        }
    }
}
