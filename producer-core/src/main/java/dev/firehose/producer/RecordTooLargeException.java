package dev.firehose.producer;

import java.text.NumberFormat;
import java.util.Locale;

/** Thrown by {@code put} for a record larger than Firehose accepts (1,024,000 bytes before base64). */
public class RecordTooLargeException extends FirehoseProducerException {

    /** The size of the rejected record in bytes. */
    private final long size;
    /** The largest record size allowed in bytes. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param size the size of the record in bytes
     * @param limit the largest size allowed in bytes
     */
    public RecordTooLargeException(long size, long limit) {
        super("record of " + format(size) + " bytes exceeds the " + format(limit) + "-byte Firehose limit");
        this.size = size;
        this.limit = limit;
    }

    static String format(long n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n);
    }

    /** @return the size of the rejected record in bytes */
    public long size() {
        return size;
    }

    /** @return the largest record size allowed in bytes */
    public long limit() {
        return limit;
    }
}
