package dev.firehose.local.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-pass scanner for the common shape of PutRecord and PutRecordBatch bodies, straight
 * over the request bytes: an object with {@code DeliveryStreamName} and {@code Records} (or
 * {@code Record}), records with only {@code Data}, strings without escapes, valid base64. Anything
 * else (unknown members, escapes, malformed input) makes it give up and return {@code null}, and
 * {@link PutParser} takes the Jackson path, which handles every case and names every problem. The
 * results of both paths are the same for every body this one accepts. Stateless, thread-safe.
 */
final class FastPutScanner {

    private static final byte[] STREAM_NAME = ascii("DeliveryStreamName");
    private static final byte[] RECORDS = ascii("Records");
    private static final byte[] RECORD = ascii("Record");
    private static final byte[] DATA = ascii("Data");
    private static final int GIVE_UP = Integer.MIN_VALUE;

    private FastPutScanner() {
    }

    /** The parsed request, or {@code null} to take the slow path. */
    static PutInput scan(byte[] b, int off, int len, boolean batch, boolean keepData) {
        Cursor c = new Cursor(b, off, off + len);
        if (!c.expect('{')) {
            return null;
        }
        String stream = null;
        int[] sizes = null;
        List<byte[]> data = null;
        long bytes = 0;
        boolean sawStream = false;
        boolean sawRecords = false;
        if (!c.peekIs('}')) {
            do {
                int keyStart = c.string();
                if (keyStart == GIVE_UP || !c.expect(':')) {
                    return null;
                }
                int keyEnd = c.lastEnd;
                if (!sawStream && c.same(keyStart, keyEnd, STREAM_NAME)) {
                    sawStream = true;
                    int start = c.string();
                    if (start == GIVE_UP) {
                        return null;
                    }
                    stream = new String(b, start, c.lastEnd - start, StandardCharsets.UTF_8);
                } else if (!sawRecords && batch && c.same(keyStart, keyEnd, RECORDS)) {
                    sawRecords = true;
                    if (!c.expect('[')) {
                        return null;
                    }
                    sizes = new int[500];
                    data = keepData ? new ArrayList<>(500) : null;
                    int count = 0;
                    if (!c.peekIs(']')) {
                        do {
                            int size = record(c, data);
                            if (size == GIVE_UP) {
                                return null;
                            }
                            if (count == sizes.length) {
                                sizes = java.util.Arrays.copyOf(sizes, count * 2);
                            }
                            sizes[count++] = size;
                            bytes += Math.max(size, 0);
                        } while (c.comma());
                    }
                    if (!c.expect(']')) {
                        return null;
                    }
                    sizes = count == sizes.length ? sizes : java.util.Arrays.copyOf(sizes, count);
                } else if (!sawRecords && !batch && c.same(keyStart, keyEnd, RECORD)) {
                    sawRecords = true;
                    data = keepData ? new ArrayList<>(1) : null;
                    int size = record(c, data);
                    if (size == GIVE_UP) {
                        return null;
                    }
                    sizes = new int[] {size};
                    bytes = Math.max(size, 0);
                } else {
                    return null;
                }
            } while (c.comma());
        }
        if (!c.expect('}') || !c.atEnd()) {
            return null;
        }
        return new PutInput(stream, sizes, data, bytes);
    }

    /** One {"Data":"..."} object; its decoded size, or GIVE_UP. Adds the bytes to {@code data} if kept. */
    private static int record(Cursor c, List<byte[]> data) {
        if (!c.expect('{')) {
            return GIVE_UP;
        }
        int keyStart = c.string();
        if (keyStart == GIVE_UP || !c.same(keyStart, c.lastEnd, DATA) || !c.expect(':')) {
            return GIVE_UP;
        }
        int start = c.base64String();
        if (start == GIVE_UP) {
            return GIVE_UP;
        }
        int size = Base64Data.decodedLengthOrMinusOne(c.b, start, c.lastEnd - start, c.lastClasses, c.lastPads);
        if (size < 0 || !c.expect('}')) {
            return GIVE_UP;
        }
        if (data != null) {
            data.add(Base64Data.decode(c.b, start, size));
        }
        return size;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A position in the body. */
    private static final class Cursor {
        final byte[] b;
        final int end;
        int pos;
        /** End (exclusive) of the last string's contents. */
        int lastEnd;

        Cursor(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        void skipWhitespace() {
            while (pos < end) {
                byte x = b[pos];
                if (x == ' ' || x == '\n' || x == '\r' || x == '\t') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        boolean expect(char ch) {
            skipWhitespace();
            if (pos < end && b[pos] == ch) {
                pos++;
                return true;
            }
            return false;
        }

        boolean peekIs(char ch) {
            skipWhitespace();
            return pos < end && b[pos] == ch;
        }

        boolean comma() {
            return expect(',');
        }

        boolean atEnd() {
            skipWhitespace();
            return pos == end;
        }

        /** Reads a string without escapes or control characters: returns the start of its contents, or GIVE_UP. */
        int string() {
            if (!expect('"')) {
                return GIVE_UP;
            }
            int start = pos;
            while (pos < end) {
                byte x = b[pos];
                if (x == '"') {
                    lastEnd = pos;
                    pos++;
                    return start;
                }
                if (x == '\\' || x < 0x20) { // escapes, control characters and non-ASCII: slow path
                    return GIVE_UP;
                }
                pos++;
            }
            return GIVE_UP;
        }

        /** The byte classes ({@link Base64Data#classOf}) OR-ed over the last base64 string. */
        int lastClasses;
        /** The number of '=' in the last base64 string. */
        int lastPads;

        /**
         * Reads a string that should hold base64, classifying its bytes on the way (one pass):
         * returns the start of its contents, or GIVE_UP. A quote ends it; escapes and other
         * non-alphabet bytes are ILLEGAL and make the caller give up.
         */
        int base64String() {
            if (!expect('"')) {
                return GIVE_UP;
            }
            int start = pos;
            int classes = 0;
            int pads = 0;
            byte[] bytes = b;
            int p = pos;
            int stop = end;
            while (p < stop) {
                byte x = bytes[p];
                if (x == '"') {
                    lastEnd = p;
                    lastClasses = classes;
                    lastPads = pads;
                    pos = p + 1;
                    return start;
                }
                int cls = Base64Data.classOf(x);
                classes |= cls;
                pads += cls & Base64Data.PAD;
                p++;
            }
            return GIVE_UP;
        }

        boolean same(int start, int stop, byte[] name) {
            if (stop - start != name.length) {
                return false;
            }
            for (int i = 0; i < name.length; i++) {
                if (b[start + i] != name[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
