package dev.firehose.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The objects firehose-local delivered, as they lie on disk in the S3 key layout
 * ({@code <bucket>/<prefix>YYYY/MM/dd/HH/<stream>-<version>-<time>-<random>[.gz]}).
 *
 * @param root the endpoint's data directory
 * @param objects the delivered objects, in key order
 */
record DeliveredObjects(Path root, List<Path> objects) {

    /** Lists the objects under {@code root}. */
    static DeliveredObjects under(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return new DeliveredObjects(root, files.filter(Files::isRegularFile).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object's key relative to the data directory, with '/' separators. */
    String key(Path object) {
        return root.relativize(object).toString().replace('\\', '/');
    }

    /** The object's content, decompressed if it is GZIP (by Firehose, or packed records compressed by the producer). */
    static byte[] read(Path object) {
        try {
            byte[] data = Files.readAllBytes(object);
            if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
                    return in.readAllBytes();
                }
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every record in every object. The example's records are JSON lines, and Firehose
     * concatenates records with no delimiter, so each line is one record.
     */
    List<String> records() {
        List<String> lines = new ArrayList<>();
        for (Path object : objects) {
            String text = new String(read(object), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line + "\n");
                }
            }
        }
        return lines;
    }

    long totalBytes() {
        return objects.stream().mapToLong(p -> {
            try {
                return Files.size(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
    }
}
