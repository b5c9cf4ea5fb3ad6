package dev.firehose.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helper: the objects delivered under a data directory, by key ({@code bucket/key}, '/'-separated). */
final class DeliveredObjects {

    private DeliveredObjects() {
    }

    /** Every delivered object (no temporary files): key to its content as UTF-8, sorted by key. */
    static Map<String, String> read(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                out.put(dir.relativize(p).toString().replace('\\', '/'),
                        new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The objects whose key starts with {@code keyPrefix}. */
    static Map<String, String> under(Path dir, String keyPrefix) {
        Map<String, String> out = new TreeMap<>();
        read(dir).forEach((k, v) -> {
            if (k.startsWith(keyPrefix)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
