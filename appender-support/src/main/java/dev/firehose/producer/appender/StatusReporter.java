package dev.firehose.producer.appender;

/**
 * Where a {@link LogShipper} reports about itself: the logging framework's own status system
 * (Logback's {@code StatusManager}, Log4j2's {@code StatusLogger}), never a logger, so that its
 * reports cannot come back to it as events. Called from application threads and from the
 * producer's threads, at most once per {@link LogShipper#REPORT_INTERVAL} for each kind of trouble;
 * implementations must be thread-safe and must not block.
 */
public interface StatusReporter {

    /**
     * @param message what happened
     */
    void info(String message);

    /**
     * @param message what went wrong, with counts
     * @param cause the last failure, or null
     */
    void warn(String message, Throwable cause);

    /**
     * @param message what went wrong
     * @param cause the failure, or null
     */
    void error(String message, Throwable cause);
}
