package dev.firehose.local.internal.s3;

/** S3's order of keys: by their UTF-8 bytes, which is the order of their code points. */
final class Keys {

    private Keys() {
    }

    /** Compares by code point (UTF-16 order differs for characters above U+FFFF). */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
