package dev.firehose.local.internal.protocol;

import java.util.Arrays;

/**
 * Standard base64 (RFC 4648 alphabet, '=' padding required) over the characters Jackson hands out,
 * without going through a decoder's intermediate buffers: the parse of PutRecordBatch spends most
 * of its time here. Thread-safe (stateless).
 */
final class Base64Data {

    private static final int[] VALUE = new int[128];
    /** Per unsigned byte: 0 for the alphabet, {@link #PAD} for '=', {@link #ILLEGAL} for anything else. */
    private static final byte[] CLASS = new byte[256];
    static final int PAD = 1;
    static final int ILLEGAL = 2;

    static {
        Arrays.fill(VALUE, -1);
        Arrays.fill(CLASS, (byte) ILLEGAL);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUE[alphabet.charAt(i)] = i;
            CLASS[alphabet.charAt(i)] = 0;
        }
        CLASS['='] = PAD;
    }

    /** The class of one byte: 0 (alphabet), {@link #PAD} or {@link #ILLEGAL}. */
    static int classOf(byte b) {
        return CLASS[b & 0xFF];
    }

    private Base64Data() {
    }

    /**
     * The number of bytes {@code text[off, off+len)} decodes to, after checking that it is valid
     * padded base64.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    static int decodedLength(char[] text, int off, int len) {
        if (len % 4 != 0) {
            throw new IllegalArgumentException("base64 of " + len + " characters is not a multiple of 4 (padding is required)");
        }
        if (len == 0) {
            return 0;
        }
        int pad = text[off + len - 1] == '=' ? (text[off + len - 2] == '=' ? 2 : 1) : 0;
        int end = off + len - pad;
        int bad = 0;
        for (int i = off; i < end; i++) {
            char c = text[i];
            bad |= c >= 128 ? -1 : VALUE[c];
        }
        if (bad < 0) {
            throw new IllegalArgumentException(firstIllegal(text, off, end));
        }
        // Non-zero bits before the padding are tolerated, as the JDK's decoder tolerates them.
        return len / 4 * 3 - pad;
    }

    /** Decodes valid padded base64 (check it with {@link #decodedLength} first). */
    static byte[] decode(char[] text, int off, int len, int decodedLength) {
        byte[] out = new byte[decodedLength];
        int o = 0;
        int i = off;
        int fullEnd = off + (decodedLength / 3) * 4;
        while (i < fullEnd) {
            int v = VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12 | VALUE[text[i + 2]] << 6 | VALUE[text[i + 3]];
            out[o] = (byte) (v >> 16);
            out[o + 1] = (byte) (v >> 8);
            out[o + 2] = (byte) v;
            o += 3;
            i += 4;
        }
        int rest = decodedLength - o;
        if (rest == 1) {
            int v = VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12;
            out[o] = (byte) (v >> 16);
        } else if (rest == 2) {
            int v = VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12 | VALUE[text[i + 2]] << 6;
            out[o] = (byte) (v >> 16);
            out[o + 1] = (byte) (v >> 8);
        }
        return out;
    }

    /**
     * The decoded length of padded base64 in {@code bytes[off, off+len)}, or -1 when it is not
     * valid (the caller then takes the slow path, which names the problem).
     */
    static int decodedLengthOrMinusOne(byte[] bytes, int off, int len) {
        int classes = 0;
        int pads = 0;
        for (int i = off; i < off + len; i++) {
            int c = classOf(bytes[i]);
            classes |= c;
            pads += c & PAD;
        }
        return decodedLengthOrMinusOne(bytes, off, len, classes, pads);
    }

    /**
     * As {@link #decodedLengthOrMinusOne(byte[], int, int)}, for a caller that already OR-ed the
     * {@link #classOf} of every byte into {@code classes} and counted the '=' bytes in {@code pads}.
     */
    static int decodedLengthOrMinusOne(byte[] bytes, int off, int len, int classes, int pads) {
        if ((classes & ILLEGAL) != 0 || (len & 3) != 0) {
            return -1;
        }
        if (pads == 0) {
            return len / 4 * 3;
        }
        // Valid only when every '=' is in the trailing run of one or two.
        int trailing = bytes[off + len - 1] == '=' ? (bytes[off + len - 2] == '=' ? 2 : 1) : 0;
        return pads == trailing && pads <= 2 ? len / 4 * 3 - pads : -1;
    }

    /** Decodes valid padded base64 bytes (check them with {@link #decodedLengthOrMinusOne} first). */
    static byte[] decode(byte[] text, int off, int decodedLength) {
        byte[] out = new byte[decodedLength];
        int o = 0;
        int i = off;
        int fullEnd = off + (decodedLength / 3) * 4;
        while (i < fullEnd) {
            int v = VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12 | VALUE[text[i + 2]] << 6 | VALUE[text[i + 3]];
            out[o] = (byte) (v >> 16);
            out[o + 1] = (byte) (v >> 8);
            out[o + 2] = (byte) v;
            o += 3;
            i += 4;
        }
        int rest = decodedLength - o;
        if (rest == 1) {
            out[o] = (byte) ((VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12) >> 16);
        } else if (rest == 2) {
            int v = VALUE[text[i]] << 18 | VALUE[text[i + 1]] << 12 | VALUE[text[i + 2]] << 6;
            out[o] = (byte) (v >> 16);
            out[o + 1] = (byte) (v >> 8);
        }
        return out;
    }

    private static String firstIllegal(char[] text, int off, int end) {
        for (int i = off; i < end; i++) {
            char c = text[i];
            if (c >= 128 || VALUE[c] < 0) {
                return "illegal base64 character '" + (c < 32 || c >= 127 ? String.format("\\u%04x", (int) c) : String.valueOf(c))
                        + "' at position " + (i - off);
            }
        }
        return "illegal base64";
    }
}
