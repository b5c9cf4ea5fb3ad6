package dev.firehose.producer.spring.internal;

import dev.firehose.producer.ProducerListener;
import dev.firehose.producer.RecordSettledEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per stream, the latest settled record's outcome: which streams are failing now (their
 * latest record failed, within a window). Thread-safe: the producer's threads report, health
 * checks read.
 */
public final class StreamOutcomes implements ProducerListener {

    /** A stream whose latest settled record failed. */
    public record Failing(String errorCode, Instant at) {
    }

    private final Clock clock;
    // Written by the producer's threads; a stream's entry is replaced as a whole.
    private final Map<String, Failing> latestFailure = new ConcurrentHashMap<>();

    /** @param clock the time of each outcome */
    public StreamOutcomes(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onRecordSettled(RecordSettledEvent event) {
        if (event.success()) {
            latestFailure.remove(event.stream());
        } else {
            latestFailure.put(event.stream(), new Failing(event.errorCode(), clock.instant()));
        }
    }

    /**
     * The failing streams; forgets the failures older than the window, so that what is remembered
     * stays bounded by the streams that failed within it, however many stream names come and go.
     *
     * @param window how long a failure counts
     * @return the streams whose latest settled record failed within the window, by name
     */
    public Map<String, Failing> failing(Duration window) {
        Instant since = clock.instant().minus(window);
        // Removes an entry only as it was tested: a newer failure of the stream stays.
        latestFailure.entrySet().removeIf(e -> e.getValue().at().isBefore(since));
        Map<String, Failing> result = new TreeMap<>();
        latestFailure.forEach((stream, f) -> {
            if (!f.at().isBefore(since)) {
                result.put(stream, f);
            }
        });
        return result;
    }

    /** @return how many streams' latest failures are remembered */
    public int remembered() {
        return latestFailure.size();
    }
}
