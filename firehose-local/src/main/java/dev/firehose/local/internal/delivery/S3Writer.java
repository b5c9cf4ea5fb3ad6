package dev.firehose.local.internal.delivery;

import dev.firehose.local.internal.stream.StreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one buffer of a stream as one object in the S3 key layout under a local directory:
 * {@code <dir>/<bucket>/<evaluated prefix><stream>-<version>-YYYY-MM-dd-HH-mm-ss-<uuid>[.gz]},
 * times in UTC, records concatenated with no delimiter. The file appears atomically (written to a
 * temporary name, then moved). Thread-safe.
 */
final class S3Writer {

    private static final Logger log = LoggerFactory.getLogger(S3Writer.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    private final Path root;

    S3Writer(Path root) {
        this.root = root;
    }

    /**
     * The object key (relative to the bucket) for a buffer whose first record arrived at {@code first}:
     * the evaluated {@code prefix}, then the name suffix.
     */
    static String key(StreamConfig config, String prefix, Instant first, SplittableRandom random) {
        // A version 4 (random) UUID, drawn from the stream's seeded generator.
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        UUID uuid = new UUID(msb, lsb);
        return prefix + config.name() + '-' + config.versionId() + '-'
                + STAMP.format(first) + '-' + uuid + (config.gzip() ? ".gz" : "");
    }

    /** Writes the records under {@code key}; returns the file written. */
    Path write(StreamConfig config, String key, List<byte[]> records) {
        Path bucket = root.resolve(config.bucket()).normalize();
        Path target = bucket.resolve(key).normalize();
        if (!target.startsWith(bucket) || target.equals(bucket)) {
            throw new IllegalArgumentException("Object key " + key + " of stream " + config.name()
                    + " leaves the bucket directory " + bucket);
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            try (OutputStream file = Files.newOutputStream(tmp);
                 OutputStream out = config.gzip() ? new GZIPOutputStream(file, 64 * 1024) : file) {
                for (byte[] r : records) {
                    out.write(r);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            log.debug("Delivered {} records of stream {} to {}", records.size(), config.name(), target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot deliver " + records.size() + " records of stream "
                    + config.name() + " to " + target, e);
        }
    }
}
