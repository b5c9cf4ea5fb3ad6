package dev.firehose.local.internal.protocol;

import java.util.Arrays;

/** A growable byte array for building ASCII JSON responses without a generator. Not thread-safe. */
public final class ByteWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int size;

    public ByteWriter(int capacity) {
        bytes = new byte[capacity];
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    public ByteWriter write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** Writes an ASCII string with no escaping. */
    public ByteWriter ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    public ByteWriter decimal(long v) {
        return ascii(Long.toString(v));
    }

    /** Writes {@code v} as {@code digits} lowercase hex digits. */
    public ByteWriter hex(long v, int digits) {
        ensure(digits);
        for (int i = digits - 1; i >= 0; i--) {
            bytes[size + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        size += digits;
        return this;
    }

    public byte[] array() {
        return bytes;
    }

    public int size() {
        return size;
    }
}
