package dev.firehose.local.internal.s3;

import dev.firehose.local.internal.s3.ObjectStore.StoredObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ListingTest {

    private static List<StoredObject> objects(String... keys) {
        List<StoredObject> out = new ArrayList<>();
        for (String k : keys) {
            out.add(new StoredObject(k, Path.of(k), 1, Instant.EPOCH));
        }
        out.sort((a, b) -> Keys.compare(a.key(), b.key()));
        return out;
    }

    /** Every entry (key or common prefix) of the listing, following the pages to the end. */
    private static List<String> followPages(List<StoredObject> objects, String prefix, String delimiter, String startAfter,
                                            int maxKeys) {
        List<String> entries = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 10_000; pages++) {
            Listing page = Listing.page(objects, prefix, delimiter, startAfter, after, maxKeys);
            assertThat(page.contents().size() + page.commonPrefixes().size()).isLessThanOrEqualTo(maxKeys);
            // Within a page, objects and prefixes interleave in key order; the lists keep each kind's order.
            List<String> pageEntries = new ArrayList<>();
            page.contents().forEach(o -> pageEntries.add(o.key()));
            pageEntries.addAll(page.commonPrefixes());
            pageEntries.sort(Keys::compare);
            entries.addAll(pageEntries);
            if (!page.truncated()) {
                return entries;
            }
            assertThat(page.lastEntry()).isEqualTo(pageEntries.get(pageEntries.size() - 1));
            after = page.lastEntry();
        }
        throw new AssertionError("the pages never end");
    }

    @Test
    void delimiterRollsKeysIntoCommonPrefixesAfterThePrefix() {
        List<StoredObject> objects = objects("a/1", "a/2", "a/b/3", "b", "c/4");

        Listing top = Listing.page(objects, "", "/", null, null, 1000);
        Listing inA = Listing.page(objects, "a/", "/", null, null, 1000);

        assertThat(top.contents()).extracting(StoredObject::key).containsExactly("b");
        assertThat(top.commonPrefixes()).containsExactly("a/", "c/");
        assertThat(top.truncated()).isFalse();
        assertThat(inA.contents()).extracting(StoredObject::key).containsExactly("a/1", "a/2");
        assertThat(inA.commonPrefixes()).containsExactly("a/b/");
    }

    @Test
    void startAfterSkipsKeysButKeepsThePrefixOfLaterKeys() {
        List<StoredObject> objects = objects("a/1", "a/2", "b/1");

        Listing page = Listing.page(objects, "", "/", "a/1", null, 1000);

        assertThat(page.commonPrefixes()).containsExactly("a/", "b/");
    }

    @Test
    void zeroMaxKeysListsNothingAndIsNotTruncated() {
        Listing page = Listing.page(objects("a", "b"), "", null, null, null, 0);

        assertThat(page.contents()).isEmpty();
        assertThat(page.truncated()).isFalse();
    }

    @Test
    void pagesOfAnySizeAddUpToTheWholeListing() {
        SplittableRandom random = new SplittableRandom(7);
        String[] segments = {"a", "b", "ab", "a b", "é", "\uD83D\uDE00", "z", "2026"};
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(0, 30);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                StringBuilder k = new StringBuilder();
                int depth = random.nextInt(1, 4);
                for (int d = 0; d < depth; d++) {
                    k.append(d > 0 ? "/" : "").append(segments[random.nextInt(segments.length)]);
                }
                if (!keys.contains(k.toString())) {
                    keys.add(k.toString());
                }
            }
            List<StoredObject> objects = objects(keys.toArray(String[]::new));
            String prefix = random.nextBoolean() ? "" : segments[random.nextInt(segments.length)];
            String delimiter = random.nextBoolean() ? null : "/";
            String startAfter = random.nextInt(4) == 0 ? segments[random.nextInt(segments.length)] : null;

            List<String> whole = followPages(objects, prefix, delimiter, startAfter, 1000);
            int maxKeys = random.nextInt(1, 6);

            assertThat(followPages(objects, prefix, delimiter, startAfter, maxKeys))
                    .as("keys %s, prefix '%s', delimiter %s, start-after %s, max-keys %d", keys, prefix, delimiter,
                            startAfter, maxKeys)
                    .isEqualTo(whole)
                    .doesNotHaveDuplicates();
            for (String e : whole) {
                assertThat(e).startsWith(prefix);
            }
        }
    }

    @Test
    void keysAreInCodePointOrderAsUtf8BytesAre() {
        String bmpHigh = "\uFF01";                 // U+FF01, above the surrogates in UTF-16
        String supplementary = "\uD83D\uDE00";     // U+1F600, below U+FF01 in UTF-16 order

        assertThat(Keys.compare(bmpHigh, supplementary)).isNegative();
        assertThat(bmpHigh.compareTo(supplementary)).isPositive();
        assertThat(Keys.compare("a", "ab")).isNegative();
        assertThat(Keys.compare("ab", "ab")).isZero();
    }
}
