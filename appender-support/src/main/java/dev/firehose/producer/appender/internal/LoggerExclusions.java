package dev.firehose.producer.appender.internal;

import java.util.List;

/**
 * Logger name prefixes whose events an appender never sends. A prefix matches the logger of that
 * name and its descendants ({@code io.netty} matches {@code io.netty.channel.nio.NioEventLoop} and
 * {@code io.netty$X}, not {@code io.nettyx}).
 */
public final class LoggerExclusions {

    private final String[] prefixes;

    /** @param prefixes the logger name prefixes */
    public LoggerExclusions(List<String> prefixes) {
        this.prefixes = prefixes.toArray(String[]::new);
    }

    /**
     * @param loggerName a logger's name; null matches nothing
     * @return true if events of that logger are never sent
     */
    public boolean excludes(String loggerName) {
        if (loggerName == null) {
            return false;
        }
        for (String p : prefixes) {
            if (loggerName.startsWith(p)) {
                if (loggerName.length() == p.length()) {
                    return true;
                }
                char next = loggerName.charAt(p.length());
                if (next == '.' || next == '$') {
                    return true;
                }
            }
        }
        return false;
    }
}
