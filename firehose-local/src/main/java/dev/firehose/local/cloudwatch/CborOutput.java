package dev.firehose.local.cloudwatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes one response body: RPC v2 CBOR, or JSON 1.0 when given a JSON factory. A thin layer over a
 * Jackson generator that adds what the protocols need: timestamps as epoch seconds (a double, so
 * milliseconds survive; in CBOR under tag 1), doubles as 64-bit floats, and lists of dimensions as
 * {@code [{Name, Value}]}. Not thread-safe: one instance per response.
 */
final class CborOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final JsonGenerator generator;

    CborOutput(JsonFactory factory) {
        try {
            generator = factory.createGenerator(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CborOutput startMap() {
        return io(() -> generator.writeStartObject());
    }

    CborOutput endMap() {
        return io(() -> generator.writeEndObject());
    }

    CborOutput startList(String field) {
        return io(() -> {
            generator.writeFieldName(field);
            generator.writeStartArray();
        });
    }

    CborOutput endList() {
        return io(() -> generator.writeEndArray());
    }

    CborOutput field(String field, String value) {
        return value == null ? this : io(() -> generator.writeStringField(field, value));
    }

    CborOutput field(String field, double value) {
        return io(() -> {
            generator.writeFieldName(field);
            generator.writeNumber(value);
        });
    }

    CborOutput field(String field, Instant value) {
        return io(() -> {
            generator.writeFieldName(field);
            writeTimestamp(value);
        });
    }

    /** An element of a list of timestamps. */
    CborOutput timestamp(Instant value) {
        return io(() -> writeTimestamp(value));
    }

    /** An element of a list of doubles. */
    CborOutput number(double value) {
        return io(() -> generator.writeNumber(value));
    }

    /** A {@code Dimensions} member: a list of {@code {Name, Value}} structures. */
    CborOutput dimensions(String field, Map<String, String> dimensions) {
        startList(field);
        for (Map.Entry<String, String> d : dimensions.entrySet()) {
            startMap().field("Name", d.getKey()).field("Value", d.getValue()).endMap();
        }
        return endList();
    }

    byte[] toBytes() {
        try {
            generator.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void writeTimestamp(Instant value) throws IOException {
        if (generator instanceof CBORGenerator cbor) {
            cbor.writeTag(1);
        }
        generator.writeNumber(value.toEpochMilli() / 1000.0);
    }

    private interface Write {
        void run() throws IOException;
    }

    private CborOutput io(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
