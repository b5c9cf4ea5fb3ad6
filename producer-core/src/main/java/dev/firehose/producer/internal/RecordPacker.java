package dev.firehose.producer.internal;

import dev.firehose.producer.RecordPacking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Packs user records into one Firehose record as a {@link RecordPacking} says: each user record,
 * then the delimiter unless the record already ends with it; the whole compressed into one GZIP
 * member when asked. The accumulator decides which records go together (in put order, within the
 * packing's limits) and copies their bytes as they are put; this class only measures and builds.
 *
 * <p>Stateless apart from its settings: putting threads measure and copy, the request thread that
 * sends a packed record compresses it ({@link ProducerEntry#materialize()}).
 */
final class RecordPacker {

    private final byte[] delimiter;
    private final int maxBytes;
    private final int maxRecords;
    private final boolean gzip;

    RecordPacker(RecordPacking packing) {
        this.delimiter = packing.delimiter();
        this.maxBytes = packing.maxUncompressedBytes();
        this.maxRecords = packing.maxRecords();
        this.gzip = packing.gzipped();
    }

    /** @return the most bytes of a packed record before compression */
    int maxBytes() {
        return maxBytes;
    }

    /** @return the most user records of a packed record */
    int maxRecords() {
        return maxRecords;
    }

    /**
     * The most a packed record of {@code bytes} may grow when compressed: GZIP's header, trailer and
     * block headers over data it cannot compress.
     */
    int growth() {
        return gzip ? RecordPacking.GZIP_RESERVE : 0;
    }

    /** @return the bytes {@code length} bytes of {@code source} take in a packed record */
    int packedSize(byte[] source, int offset, int length) {
        return length + (needsDelimiter(source, offset, length) ? delimiter.length : 0);
    }

    /**
     * Copies a user record's bytes into a packed record being filled, followed by the delimiter if
     * {@code size}, the record's {@link #packedSize(byte[], int, int)} as measured before, says so:
     * exactly {@code size} bytes, even if the record's bytes changed since it was measured.
     *
     * @return the position after it
     */
    int copy(byte[] source, int offset, int length, int size, byte[] into, int at) {
        System.arraycopy(source, offset, into, at, length);
        at += length;
        if (size > length) {
            System.arraycopy(delimiter, 0, into, at, delimiter.length);
            at += delimiter.length;
        }
        return at;
    }

    /**
     * The bytes of a user record that goes in a packed record of its own (too big to share one):
     * the record and, if its measured {@code size} says so, its delimiter; the caller's array itself
     * if it owns it and it needs nothing added.
     */
    byte[] alone(byte[] source, int offset, int length, int size, boolean owned) {
        if (owned && offset == 0 && length == source.length && size == length) {
            return source;
        }
        byte[] data = new byte[size];
        copy(source, offset, length, size, data, 0);
        return data;
    }

    /**
     * A packed entry of user entries whose bytes were copied into {@code data} as they were put.
     *
     * @param stream the parts' stream
     * @param parts at least one user entry, in put order
     * @param data the packed record before compression, exactly its bytes
     */
    ProducerEntry pack(String stream, ProducerEntry[] parts, byte[] data) {
        return new ProducerEntry(stream, parts, this, data);
    }

    /** Builds a packed entry's record from its bytes, compressed with GZIP if asked. */
    void materialize(ProducerEntry pack, byte[] packed) {
        byte[] data = gzip ? gzip(packed) : packed;
        pack.record = Record.builder().data(SdkBytes.fromByteArrayUnsafe(data)).build();
        pack.size = data.length;
    }

    private boolean needsDelimiter(byte[] source, int offset, int length) {
        int n = delimiter.length;
        if (n == 0) {
            return false;
        }
        if (length < n) {
            return true;
        }
        int start = offset + length - n;
        for (int i = 0; i < n; i++) {
            if (source[start + i] != delimiter[i]) {
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compress in memory", e);
        }
        return out.toByteArray();
    }
}
