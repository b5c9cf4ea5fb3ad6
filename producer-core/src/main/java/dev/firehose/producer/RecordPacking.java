package dev.firehose.producer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a producer packs small user records into one Firehose record, set with
 * {@link ProducerConfig.Builder#packing(RecordPacking)}. Firehose bills every record rounded up to
 * 5 KB, so a 100-byte record costs fifty times its size; packed, hundreds of them share one
 * Firehose record and one 5 KB step.
 *
 * <ul>
 *   <li>{@link #none()} (the default): every user record is one Firehose record.</li>
 *   <li>{@link #newlineDelimited()}: user records joined into one Firehose record, each followed by
 *       a newline unless it already ends with one. Splitting the delivered data at the newlines
 *       gives back the user records; Firehose's record deaggregation (DELIMITED with {@code \n},
 *       or JSON) splits them for dynamic partitioning.</li>
 *   <li>{@link #concatenated()}: user records back to back, nothing added. For S3 the delivered
 *       objects are byte for byte what they are without packing (Firehose concatenates records
 *       with no delimiter); nothing can split them apart again.</li>
 *   <li>{@link #delimited(byte[])}: like {@code newlineDelimited} with a delimiter of your own.</li>
 * </ul>
 *
 * <p>Limits: at most {@link #maxBytes()} bytes per packed record (delimiters included; default and
 * highest value 1,024,000, the service's record limit) and at most {@link #maxRecords()} user
 * records per packed record (default 500, the most Firehose's record deaggregation splits for
 * dynamic partitioning). A user record too big to share a packed record with others (its size
 * with the delimiter is more than {@code maxBytes}) goes in a packed record of its own, still with
 * its delimiter (and compressed, with GZIP). With packing, a user record and its delimiter must fit
 * the service's record limit: {@link #maxUserRecordBytes()}.
 *
 * <p>User records are packed together only if they were put within the producer's linger time of
 * each other: a packed record's user records share its deadline, the earliest of theirs, so a
 * record fails at most one linger time before its own deadline.
 *
 * <p>{@link #gzip()} compresses each packed record into one complete GZIP member, so an S3 object
 * of several such records is itself a valid {@code .gz} file. Only for destinations that store
 * the bytes as they come (S3 without record deaggregation, Lambda transformation or format
 * conversion) and with Firehose's own compression off; see the README's packing table.
 *
 * <p>Immutable and thread-safe; the {@code with}-style methods return a copy.
 */
public final class RecordPacking {

    /** The most bytes a packed record may hold: the service's limit of 1,000 KiB per record. */
    public static final int MAX_BYTES = ProducerConfig.MAX_RECORD_BYTES;

    /** The default and the usual most user records per packed record: Firehose's deaggregation limit. */
    public static final int DEFAULT_MAX_RECORDS = 500;

    /** The most user records a packed record may hold when a destination does not deaggregate. */
    public static final int MAX_RECORDS = 100_000;

    /**
     * With {@link #gzip()}, the room left under {@link #maxBytes()} for what GZIP adds to data it
     * cannot compress (its header, trailer and block headers: under 200 bytes for 1 MB).
     */
    public static final int GZIP_RESERVE = 1_024;

    /** The least {@link #maxBytes()} with {@link #gzip()}: room for data besides what is kept back for GZIP. */
    public static final int MIN_GZIP_BYTES = 2 * GZIP_RESERVE;

    /** The most bytes a delimiter may have. */
    public static final int MAX_DELIMITER_BYTES = 64;

    private static final RecordPacking NONE = new RecordPacking(false, null, MAX_BYTES, DEFAULT_MAX_RECORDS, false);

    private final boolean enabled;
    private final byte[] delimiter;
    private final int maxBytes;
    private final int maxRecords;
    private final boolean gzip;

    private RecordPacking(boolean enabled, byte[] delimiter, int maxBytes, int maxRecords, boolean gzip) {
        this.enabled = enabled;
        this.delimiter = delimiter;
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
        this.gzip = gzip;
    }

    /** @return no packing: every user record is one Firehose record (the default) */
    public static RecordPacking none() {
        return NONE;
    }

    /** @return packing with a newline after each user record that does not already end with one */
    public static RecordPacking newlineDelimited() {
        return new RecordPacking(true, new byte[] {'\n'}, MAX_BYTES, DEFAULT_MAX_RECORDS, false);
    }

    /** @return packing with nothing between user records */
    public static RecordPacking concatenated() {
        return new RecordPacking(true, new byte[0], MAX_BYTES, DEFAULT_MAX_RECORDS, false);
    }

    /**
     * Packing with a delimiter after each user record that does not already end with it.
     *
     * @param delimiter 1 to {@value #MAX_DELIMITER_BYTES} bytes (copied)
     * @return the packing
     * @throws IllegalArgumentException if the delimiter is empty or too long (use
     *     {@link #concatenated()} for no delimiter)
     */
    public static RecordPacking delimited(byte[] delimiter) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.length == 0 || delimiter.length > MAX_DELIMITER_BYTES) {
            throw new IllegalArgumentException("packing delimiter must be 1 to " + MAX_DELIMITER_BYTES
                    + " bytes, was " + delimiter.length + " bytes (use RecordPacking.concatenated() for none)");
        }
        for (int k = 1; k < delimiter.length; k++) {
            if (Arrays.equals(delimiter, 0, k, delimiter, delimiter.length - k, delimiter.length)) {
                // "|#|" after a record ending with "|#" would read as a delimiter one byte early.
                throw new IllegalArgumentException("packing delimiter must not begin with what it ends with (like "
                        + "\"|#|\" or \"\\n\\n\"), or a record ending with part of it would split wrongly; was "
                        + Arrays.toString(delimiter));
            }
        }
        return new RecordPacking(true, delimiter.clone(), MAX_BYTES, DEFAULT_MAX_RECORDS, false);
    }

    /**
     * Packing with a delimiter after each user record that does not already end with it.
     *
     * @param delimiter 1 to {@value #MAX_DELIMITER_BYTES} bytes in UTF-8
     * @return the packing
     * @throws IllegalArgumentException if the delimiter is empty or too long
     */
    public static RecordPacking delimited(String delimiter) {
        return delimited(Objects.requireNonNull(delimiter, "delimiter").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The most bytes of one packed record, delimiters included (before compression).
     *
     * @param maxBytes 1,024 to {@value #MAX_BYTES}
     * @return a copy with this limit
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException on {@link #none()}
     */
    public RecordPacking maxBytes(int maxBytes) {
        requireEnabled("maxBytes");
        int min = gzip ? MIN_GZIP_BYTES : 1_024;
        if (maxBytes < min || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("packing maxBytes must be between " + min + " and " + MAX_BYTES
                    + (gzip ? " with gzip (" + GZIP_RESERVE + " bytes are kept back for GZIP)" : "")
                    + ", was " + maxBytes);
        }
        return new RecordPacking(true, delimiter, maxBytes, maxRecords, gzip);
    }

    /**
     * The most user records in one packed record. Keep the default 500 for a stream with dynamic
     * partitioning and record deaggregation: Firehose splits at most 500.
     *
     * @param maxRecords 1 to {@value #MAX_RECORDS}
     * @return a copy with this limit
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException on {@link #none()}
     */
    public RecordPacking maxRecords(int maxRecords) {
        requireEnabled("maxRecords");
        if (maxRecords < 1 || maxRecords > MAX_RECORDS) {
            throw new IllegalArgumentException("packing maxRecords must be between 1 and " + MAX_RECORDS
                    + ", was " + maxRecords);
        }
        return new RecordPacking(true, delimiter, maxBytes, maxRecords, gzip);
    }

    /**
     * Compresses each packed record into one complete GZIP member (see the class comment for where
     * this must not be used). Packed records then hold at most {@code maxBytes - }{@value #GZIP_RESERVE}
     * bytes before compression, so that they fit the service's limit even when nothing compresses.
     *
     * @return a copy that compresses
     * @throws IllegalStateException on {@link #none()}
     */
    public RecordPacking gzip() {
        requireEnabled("gzip");
        if (maxBytes < MIN_GZIP_BYTES) {
            throw new IllegalArgumentException("with gzip, packing maxBytes must be between " + MIN_GZIP_BYTES
                    + " and " + MAX_BYTES + " (" + GZIP_RESERVE + " bytes are kept back for GZIP), was " + maxBytes);
        }
        return new RecordPacking(true, delimiter, maxBytes, maxRecords, true);
    }

    /** @return whether user records are packed */
    public boolean enabled() {
        return enabled;
    }

    /** @return the delimiter added after each user record (a copy; empty when concatenated or not packing) */
    public byte[] delimiter() {
        return delimiter == null ? new byte[0] : delimiter.clone();
    }

    /** @return the most bytes of a packed record, delimiters included, before compression */
    public int maxBytes() {
        return maxBytes;
    }

    /** @return the most user records of a packed record */
    public int maxRecords() {
        return maxRecords;
    }

    /** @return whether packed records are compressed with GZIP */
    public boolean gzipped() {
        return gzip;
    }

    /**
     * @return the most bytes of a packed record before compression: {@link #maxBytes()}, less
     *     {@value #GZIP_RESERVE} with GZIP
     */
    public int maxUncompressedBytes() {
        return gzip ? maxBytes - GZIP_RESERVE : maxBytes;
    }

    /**
     * @return the largest user record a {@code put} accepts with this packing: the service's record
     *     limit, less what GZIP may add, less the delimiter
     */
    public int maxUserRecordBytes() {
        if (!enabled) {
            return MAX_BYTES;
        }
        return (gzip ? MAX_BYTES - GZIP_RESERVE : MAX_BYTES) - delimiter.length;
    }

    private void requireEnabled(String setting) {
        if (!enabled) {
            throw new IllegalStateException("RecordPacking.none() has no " + setting
                    + ": start from newlineDelimited(), concatenated() or delimited(...)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordPacking p && enabled == p.enabled && maxBytes == p.maxBytes
                && maxRecords == p.maxRecords && gzip == p.gzip && Arrays.equals(delimiter, p.delimiter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, maxBytes, maxRecords, gzip, Arrays.hashCode(delimiter));
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "RecordPacking.none()";
        }
        String mode = delimiter.length == 0 ? "concatenated"
                : Arrays.equals(delimiter, new byte[] {'\n'}) ? "newlineDelimited"
                : "delimited(" + delimiter.length + " bytes)";
        return "RecordPacking." + mode + "(maxBytes=" + maxBytes + ", maxRecords=" + maxRecords
                + (gzip ? ", gzip" : "") + ")";
    }
}
