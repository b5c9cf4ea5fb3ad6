package dev.firehose.producer;

import java.text.NumberFormat;
import java.util.Locale;

/**
 * Thrown by {@code put} for a record larger than Firehose accepts (1,024,000 bytes before base64),
 * or, with {@link RecordPacking packing}, larger than fits one Firehose record with its delimiter
 * (see {@link RecordPacking#maxUserRecordBytes()}).
 */
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

    /**
     * Creates the exception for a record that does not fit a packed Firehose record.
     *
     * @param size the size of the record in bytes
     * @param limit the largest size allowed with the packing, in bytes
     * @param packing the packing
     */
    public RecordTooLargeException(long size, long limit, RecordPacking packing) {
        super("record of " + format(size) + " bytes exceeds the " + format(limit) + "-byte limit of a user record with "
                + packing + " (the 1,024,000-byte Firehose limit, less the delimiter"
                + (packing.gzipped() ? " and what GZIP may add)" : ")"));
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
