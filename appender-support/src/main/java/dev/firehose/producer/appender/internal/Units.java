package dev.firehose.producer.appender.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations and sizes the way people write them in logging configuration files:
 * {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}); {@code 1048576},
 * {@code 512KiB}, {@code 32MiB}, {@code 1GiB} (powers of 1,024) or {@code 500KB}, {@code 8MB}
 * (powers of 1,000).
 */
public final class Units {

    private static final Pattern AMOUNT = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

    private Units() {
    }

    /**
     * @param setting the setting's name, for the message
     * @param text the value as written
     * @return the duration
     * @throws IllegalArgumentException naming the setting and the value if it is null or cannot be read
     */
    public static Duration duration(String setting, String text) {
        if (text == null) {
            throw unreadable(setting, null, "a duration");
        }
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw unreadable(setting, text, "a duration");
            }
        }
        Matcher m = AMOUNT.matcher(t);
        if (!m.matches()) {
            throw unreadable(setting, text, "a duration");
        }
        long n = number(setting, text, m.group(1));
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                throw unreadable(setting, text, "a duration");
        }
    }

    /**
     * @param setting the setting's name, for the message
     * @param text the value as written
     * @return the number of bytes
     * @throws IllegalArgumentException naming the setting and the value if it is null or cannot be read
     */
    public static long bytes(String setting, String text) {
        if (text == null) {
            throw unreadable(setting, null, "a size");
        }
        Matcher m = AMOUNT.matcher(text.trim());
        if (!m.matches()) {
            throw unreadable(setting, text, "a size");
        }
        long n = number(setting, text, m.group(1));
        long unit;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "":
            case "b":
                unit = 1;
                break;
            case "kib":
                unit = 1L << 10;
                break;
            case "mib":
                unit = 1L << 20;
                break;
            case "gib":
                unit = 1L << 30;
                break;
            case "kb":
                unit = 1_000;
                break;
            case "mb":
                unit = 1_000_000;
                break;
            case "gb":
                unit = 1_000_000_000;
                break;
            default:
                throw unreadable(setting, text, "a size");
        }
        try {
            return Math.multiplyExact(n, unit);
        } catch (ArithmeticException e) {
            throw unreadable(setting, text, "a size");
        }
    }

    private static long number(String setting, String text, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw unreadable(setting, text, "a number");
        }
    }

    private static IllegalArgumentException unreadable(String setting, String text, String what) {
        String example = what.equals("a size") ? "1048576, 512KiB, 32MiB, 8MB" : "250ms, 5s, 2m, 1h, PT5S";
        return new IllegalArgumentException(setting + " must be " + what + " (for example " + example + "), was "
                + (text == null ? "null" : "'" + text + "'"));
    }
}
