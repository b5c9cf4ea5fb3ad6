package dev.firehose.local.internal.s3;

/**
 * One byte range of a {@code Range: bytes=...} header, resolved against an object's size:
 * {@code first-last}, {@code first-} or the suffix {@code -length}. S3 serves a single range; a
 * header it cannot parse, or one with several ranges, is ignored and the whole object is served.
 *
 * @param first  the first byte, from 0
 * @param length the number of bytes, at least 1
 */
record ByteRange(long first, long length) {

    long last() {
        return first + length - 1;
    }

    /** {@code Content-Range} of this range of an object of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last() + "/" + size;
    }

    /**
     * The range the header asks for, or {@code null} for the whole object (no header, or one that
     * is not a single well-formed byte range).
     *
     * @throws S3Error InvalidRange (416) when the range starts past the end of the object
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long first = number(spec.substring(0, dash));
        long last = number(spec.substring(dash + 1));
        if (first == INVALID || last == INVALID || (first == EMPTY && last == EMPTY)) {
            return null;
        }
        if (first == EMPTY) {                      // suffix: the last N bytes
            if (last == 0 || size == 0) {
                throw S3Error.invalidRange(header, size);
            }
            long n = Math.min(last, size);
            return new ByteRange(size - n, n);
        }
        if (last != EMPTY && last < first) {
            return null;                           // syntactically invalid: ignored, as HTTP says
        }
        if (first >= size) {
            throw S3Error.invalidRange(header, size);
        }
        long end = last == EMPTY ? size - 1 : Math.min(last, size - 1);
        return new ByteRange(first, end - first + 1);
    }

    private static final long EMPTY = -1;
    private static final long INVALID = -2;

    /** The decimal number, {@link #EMPTY} for nothing, {@link #INVALID} for anything else. */
    private static long number(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return EMPTY;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return INVALID;
            }
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return INVALID;
        }
    }
}
