package dev.firehose.local.internal.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The buckets and objects of the data directory, {@code <root>/<bucket>/<key>}: what the streams
 * delivered, read as S3 would serve it. A bucket exists when a stream delivers to it or its
 * directory exists; files whose name starts with {@code .} (deliveries being written) are not
 * objects, while folders may have such names (a prefix such as {@code app/.staging/}). Keys are ordered by their UTF-8 bytes, as S3 orders them.
 * Thread-safe; delivered files never change, so ETags (the MD5 of the content, as S3 gives for an
 * object uploaded in one part) are computed once per file.
 */
public final class ObjectStore {

    /** S3's rule for bucket names (general purpose buckets), without the reserved prefixes. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** One object: its key, its file and what S3 lists about it. */
    record StoredObject(String key, Path file, long size, Instant lastModified) {
    }

    private record CachedEtag(long size, Instant lastModified, String etag) {
    }

    private final Path root;
    private final Supplier<Map<String, Instant>> streamBuckets;
    private final Map<Path, CachedEtag> etags = new ConcurrentHashMap<>();

    /**
     * @param root          the data directory
     * @param streamBuckets the buckets the streams deliver to, with the creation time of the first
     *                      stream of each: they exist even before an object is delivered
     */
    public ObjectStore(Path root, Supplier<Map<String, Instant>> streamBuckets) {
        this.root = root;
        this.streamBuckets = streamBuckets;
    }

    /** Every bucket, by name, with its creation time. */
    Map<String, Instant> buckets() {
        Map<String, Instant> out = new TreeMap<>(streamBuckets.get());
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(Files::isDirectory)
                        .filter(d -> BUCKET_NAME.matcher(d.getFileName().toString()).matches())
                        .forEach(d -> out.putIfAbsent(d.getFileName().toString(), created(d)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the buckets in " + root, e);
            }
        }
        return out;
    }

    /** Whether the bucket exists; a name that is not a valid bucket name (so no path tricks) never does. */
    boolean bucketExists(String bucket) {
        return BUCKET_NAME.matcher(bucket).matches()
                && (streamBuckets.get().containsKey(bucket) || Files.isDirectory(root.resolve(bucket)));
    }

    /** Creates the bucket's directory; false when the name is not a valid bucket name. */
    boolean createBucket(String bucket) {
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            return false;
        }
        try {
            Files.createDirectories(root.resolve(bucket));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create bucket directory " + root.resolve(bucket), e);
        }
    }

    /** The objects of {@code bucket} whose key starts with {@code prefix}, in key order. */
    List<StoredObject> list(String bucket, String prefix) {
        Path bucketDir = root.resolve(bucket);
        // Walk only the deepest directory the prefix names.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? bucketDir : resolveInside(bucketDir, prefix.substring(0, slash));
        List<StoredObject> out = new ArrayList<>();
        if (start == null || !Files.isDirectory(start)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String key = key(bucketDir, f);
                if (key != null && key.startsWith(prefix)) {
                    StoredObject o = object(key, f);
                    if (o != null) {
                        out.add(o);
                    }
                }
            });
        } catch (NoSuchFileException e) {
            // a directory removed while walking: what is left is listed
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + start, e);
        }
        out.sort((a, b) -> Keys.compare(a.key(), b.key()));
        return out;
    }

    /** The object, or empty when there is none under that key. */
    Optional<StoredObject> find(String bucket, String key) {
        Path f = resolveInside(root.resolve(bucket), key);
        if (f == null || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return Optional.ofNullable(object(key, f));
    }

    /** The ETag of the object: its MD5 in hex, in quotes. */
    String etag(StoredObject o) {
        CachedEtag c = etags.get(o.file());
        if (c != null && c.size() == o.size() && c.lastModified().equals(o.lastModified())) {
            return c.etag();
        }
        String etag = '"' + HexFormat.of().formatHex(md5(o.file())) + '"';
        etags.put(o.file(), new CachedEtag(o.size(), o.lastModified(), etag));
        return etag;
    }

    /**
     * Stores an object, replacing any of that key; it appears atomically (written under a
     * temporary dot-name, then moved).
     *
     * @return the stored object
     * @throws IllegalArgumentException when the key cannot name a file under the bucket
     */
    StoredObject put(String bucket, String key, byte[] data) {
        Path target = resolveInside(root.resolve(bucket), key);
        if (target == null) {
            throw new IllegalArgumentException("Key '" + key + "' cannot be stored: firehose-local keeps objects as files, "
                    + "so a key may not be empty, end with '/', have empty, '.' or '..' segments, or a last segment "
                    + "that starts with '.'");
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, data);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store " + bucket + "/" + key, e);
        }
        StoredObject o = object(key, target);
        if (o == null) {
            throw new IllegalStateException(bucket + "/" + key + " vanished after it was stored");
        }
        return o;
    }

    /**
     * The file of {@code key} under {@code dir}, or {@code null} when the key cannot name one: an
     * empty segment (so no leading, trailing or doubled {@code /}), a segment that is {@code .} or
     * {@code ..}, or a last segment that starts with {@code .} (files being written). So no key
     * reaches outside its bucket.
     */
    private static Path resolveInside(Path dir, String key) {
        if (key.isEmpty()) {
            return null;
        }
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\\') >= 0
                    || segment.indexOf('\0') >= 0) {
                return null;
            }
        }
        if (segments[segments.length - 1].startsWith(".")) {
            return null;
        }
        Path p = dir.resolve(key).normalize();
        return p.startsWith(dir.normalize()) ? p : null;
    }

    /** The key of a file under the bucket directory, or {@code null} for a file being written (a dot-name). */
    private static String key(Path bucketDir, Path file) {
        if (file.getFileName().toString().startsWith(".")) {
            return null;
        }
        Path rel = bucketDir.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path segment : rel) {
            String s = segment.toString();
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(s);
        }
        return key.toString();
    }

    private static StoredObject object(String key, Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new StoredObject(key, file, a.size(), a.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static Instant created(Path dir) {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).creationTime().toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir, e);
        }
    }

    private static byte[] md5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
            }
            return md5.digest();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
