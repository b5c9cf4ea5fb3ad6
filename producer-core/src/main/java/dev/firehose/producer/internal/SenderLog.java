package dev.firehose.producer.internal;

import dev.firehose.producer.internal.ErrorClassifier.Classification;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * What the sender tells operators, at the level they expect: a retried record is routine and is
 * logged at DEBUG; while a stream keeps retrying, one INFO summary per stream per
 * {@link #INTERVAL_NANOS} (records retried by error code, records throttled, the current in-flight
 * limit); records that fail for good are a WARN (an ERROR for a request the service refused as a
 * whole), again at most one line per stream per interval, with the counts of the lines held back.
 * The first event of a quiet stream is logged at once, so a problem shows when it starts.
 *
 * <p>Not thread-safe: the sender thread owns it.
 */
final class SenderLog {

    /** At most one summary line per stream and level per this interval: 30 s. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One stream's events since its last lines. */
    private static final class Summary {
        final Map<String, Integer> retriedByCode = new TreeMap<>();
        int throttled;
        int inFlightLimit;
        boolean infoDue;
        long lastInfo;
        boolean infoLogged;
        final Map<String, Integer> failedByCode = new TreeMap<>();
        String lastFailure;
        boolean failuresDue;
        long lastWarn;
        boolean warnLogged;

        boolean isEmpty() {
            return !infoDue && !failuresDue;
        }
    }

    private final Logger log;
    private final Map<String, Summary> streams = new HashMap<>();

    SenderLog(Logger log) {
        this.log = log;
    }

    /** {@code records} records that failed with {@code errorCode} were requeued. */
    void retried(String stream, String errorCode, int records, int inFlightLimit, long now) {
        if (records == 0) {
            return;
        }
        log.atDebug().addKeyValue("stream", stream).addKeyValue("records", records)
                .addKeyValue("errorCode", errorCode).log("records requeued for retry");
        Summary s = summary(stream);
        s.retriedByCode.merge(errorCode, records, Integer::sum);
        s.inFlightLimit = inFlightLimit;
        s.infoDue = true;
        if (!s.infoLogged || now - s.lastInfo >= INTERVAL_NANOS) {
            logInfo(stream, s, now);
        }
    }

    /** {@code records} records of the stream were refused with "Slow down.". */
    void throttled(String stream, int records, long now) {
        summary(stream).throttled += records;
    }

    /** A record failed for good. */
    void failed(String stream, String errorCode, long now) {
        Summary s = summary(stream);
        s.failedByCode.merge(errorCode, 1, Integer::sum);
        s.failuresDue = true;
        if (!s.warnLogged || now - s.lastWarn >= INTERVAL_NANOS) {
            logWarn(stream, s, now);
        }
    }

    /** The service refused a request as a whole with an error that retrying cannot fix. */
    void requestFailedForGood(String stream, int records, Classification cls, long now) {
        Summary s = summary(stream);
        s.lastFailure = cls.code() + ": " + cls.message();
        if (!s.warnLogged || now - s.lastWarn >= INTERVAL_NANOS) {
            log.atError().addKeyValue("stream", stream).addKeyValue("records", records)
                    .addKeyValue("errorCode", cls.code()).addKeyValue("errorMessage", cls.message())
                    .log("PutRecordBatch failed with an error retrying cannot fix; its records failed");
            // This line stands for the interval's line: the records' failures are summed up after it.
            s.warnLogged = true;
            s.lastWarn = now;
        }
    }

    /** Logs the summaries whose interval has passed, and forgets quiet streams (sender thread, each round). */
    void flush(long now) {
        for (Iterator<Map.Entry<String, Summary>> it = streams.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Summary> e = it.next();
            Summary s = e.getValue();
            if (s.infoDue && now - s.lastInfo >= INTERVAL_NANOS) {
                logInfo(e.getKey(), s, now);
            }
            if (s.failuresDue && now - s.lastWarn >= INTERVAL_NANOS) {
                logWarn(e.getKey(), s, now);
            }
            if (s.isEmpty() && now - s.lastInfo >= INTERVAL_NANOS && now - s.lastWarn >= INTERVAL_NANOS) {
                it.remove();
            }
        }
    }

    private Summary summary(String stream) {
        return streams.computeIfAbsent(stream, k -> new Summary());
    }

    private void logInfo(String stream, Summary s, long now) {
        int retried = s.retriedByCode.values().stream().mapToInt(Integer::intValue).sum();
        log.atInfo().addKeyValue("stream", stream).addKeyValue("recordsRetried", retried)
                .addKeyValue("retriedByCode", new TreeMap<>(s.retriedByCode))
                .addKeyValue("throttledRecords", s.throttled).addKeyValue("inFlightLimit", s.inFlightLimit)
                .addKeyValue("sinceSeconds", s.infoLogged ? TimeUnit.NANOSECONDS.toSeconds(now - s.lastInfo) : 0)
                .log("records being retried");
        s.retriedByCode.clear();
        s.throttled = 0;
        s.infoDue = false;
        s.infoLogged = true;
        s.lastInfo = now;
    }

    private void logWarn(String stream, Summary s, long now) {
        int failed = s.failedByCode.values().stream().mapToInt(Integer::intValue).sum();
        log.atWarn().addKeyValue("stream", stream).addKeyValue("recordsFailed", failed)
                .addKeyValue("failedByCode", new TreeMap<>(s.failedByCode))
                .addKeyValue("lastRequestError", s.lastFailure)
                .addKeyValue("sinceSeconds", s.warnLogged ? TimeUnit.NANOSECONDS.toSeconds(now - s.lastWarn) : 0)
                .log("records failed for good");
        s.failedByCode.clear();
        s.failuresDue = false;
        s.warnLogged = true;
        s.lastWarn = now;
    }
}
