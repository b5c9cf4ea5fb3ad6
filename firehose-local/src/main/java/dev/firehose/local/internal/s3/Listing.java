package dev.firehose.local.internal.s3;

import dev.firehose.local.internal.s3.ObjectStore.StoredObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of a bucket listing, as S3 computes it: the keys under the prefix after
 * {@code startAfter}, those holding the delimiter after the prefix rolled up into common
 * prefixes, then the entries (keys and common prefixes, in key order) after the position of the
 * previous page, at most {@code maxKeys} of them.
 *
 * @param contents       the objects of the page
 * @param commonPrefixes the common prefixes of the page
 * @param truncated      whether entries follow this page
 * @param lastEntry      the last key or common prefix of the page, where the next page starts
 *                       (exclusive); {@code null} for an empty page
 */
record Listing(List<StoredObject> contents, List<String> commonPrefixes, boolean truncated, String lastEntry) {

    /**
     * @param objects    the bucket's objects under {@code prefix}, in key order
     * @param prefix     the prefix; {@code ""} for none
     * @param delimiter  the delimiter, or {@code null} (or empty) for none
     * @param startAfter keys up to this one are left out; {@code null} for none
     * @param after      entries up to this one were on earlier pages; {@code null} on the first page
     * @param maxKeys    at most this many entries, 0 or more
     */
    static Listing page(List<StoredObject> objects, String prefix, String delimiter, String startAfter, String after,
                        int maxKeys) {
        List<StoredObject> contents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        for (StoredObject o : objects) {
            String key = o.key();
            if (!key.startsWith(prefix) || (startAfter != null && Keys.compare(key, startAfter) <= 0)) {
                continue;
            }
            String entry = key;
            boolean rolledUp = false;
            if (delimiter != null && !delimiter.isEmpty()) {
                int d = key.indexOf(delimiter, prefix.length());
                if (d >= 0) {
                    entry = key.substring(0, d + delimiter.length());
                    rolledUp = true;
                }
            }
            if ((after != null && Keys.compare(entry, after) <= 0) || entry.equals(last)) {
                continue;                          // on an earlier page, or rolled into the last prefix
            }
            if (contents.size() + prefixes.size() == maxKeys) {
                return new Listing(contents, prefixes, maxKeys > 0, last);
            }
            if (rolledUp) {
                prefixes.add(entry);
            } else {
                contents.add(o);
            }
            last = entry;
        }
        return new Listing(contents, prefixes, false, last);
    }
}
