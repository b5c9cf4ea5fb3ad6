package dev.firehose.producer.log4j2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firehose.local.FirehoseLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The events in the objects firehose-local delivered for a stream: one JSON document per line. */
final class DeliveredEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeliveredEvents() {
    }

    /** Delivers what the endpoint buffers, then reads every line of the stream's objects as JSON. */
    static List<JsonNode> of(FirehoseLocal local, String stream) {
        local.deliverNow();
        List<JsonNode> events = new ArrayList<>();
        try (Stream<Path> files = Files.walk(local.dataDirectory())) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith(stream + "-"))::iterator) {
                for (String line : Files.readString(f, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isEmpty()) {
                        events.add(JSON.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
