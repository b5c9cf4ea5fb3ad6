package dev.firehose.local.internal.partition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code RecordDeAggregation} processor: splits one record into its sub-records, either
 * consecutive JSON objects ({@code {"a":1}{"a":2}} or JSON lines; the whitespace between them is
 * dropped) or parts separated by a delimiter (a trailing delimiter ends the last part; it does not
 * start an empty one). At most {@value #MAX_SUB_RECORDS} sub-records per record, as in the service;
 * a record with more, or that is not a sequence of JSON objects, fails as a whole. Immutable and
 * thread-safe.
 */
public final class Deaggregation {

    /** The service's cap on sub-records per record. */
    public static final int MAX_SUB_RECORDS = 500;

    private static final JsonFactory JSON = new JsonFactory();

    private final String subRecordType;
    private final byte[] delimiter;
    private final String delimiterBase64;

    private Deaggregation(String subRecordType, byte[] delimiter, String delimiterBase64) {
        this.subRecordType = subRecordType;
        this.delimiter = delimiter;
        this.delimiterBase64 = delimiterBase64;
    }

    public static Deaggregation json() {
        return new Deaggregation("JSON", null, null);
    }

    /** Splits on {@code delimiter}, given as the base64 of its bytes (the processor's parameter). */
    public static Deaggregation delimited(byte[] delimiter, String delimiterBase64) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("empty delimiter");
        }
        return new Deaggregation("DELIMITED", delimiter.clone(), delimiterBase64);
    }

    /** {@code JSON} or {@code DELIMITED}. */
    public String subRecordType() {
        return subRecordType;
    }

    /** The Delimiter parameter as given (base64), or {@code null} for JSON. */
    public String delimiterBase64() {
        return delimiterBase64;
    }

    /**
     * The sub-records of {@code record}.
     *
     * @throws DeaggregationException when the record is not splittable or has more than 500 sub-records
     */
    public List<byte[]> split(byte[] record) {
        List<byte[]> parts = delimiter == null ? splitJson(record) : splitDelimited(record);
        if (parts.size() > MAX_SUB_RECORDS) {
            throw new DeaggregationException("the record holds more than " + MAX_SUB_RECORDS
                    + " sub-records; deaggregation splits at most " + MAX_SUB_RECORDS + " per record");
        }
        return parts;
    }

    private static List<byte[]> splitJson(byte[] record) {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(record)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw new DeaggregationException("sub-record " + (out.size() + 1) + " starts with "
                            + p.getText() + " at byte " + p.currentTokenLocation().getByteOffset()
                            + "; JSON deaggregation takes consecutive JSON objects (not arrays or other values)");
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                out.add(Arrays.copyOfRange(record, start, end));
                if (out.size() > MAX_SUB_RECORDS) {
                    return out;
                }
            }
        } catch (IOException e) {
            throw new DeaggregationException("the record is not a sequence of JSON objects: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (out.isEmpty()) {
            throw new DeaggregationException("the record holds no JSON object");
        }
        return out;
    }

    private List<byte[]> splitDelimited(byte[] record) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i <= record.length - delimiter.length) {
            if (matchesAt(record, i)) {
                out.add(Arrays.copyOfRange(record, start, i));
                i += delimiter.length;
                start = i;
                if (out.size() > MAX_SUB_RECORDS) {
                    return out;
                }
            } else {
                i++;
            }
        }
        if (start < record.length || out.isEmpty()) {
            out.add(Arrays.copyOfRange(record, start, record.length));
        }
        return out;
    }

    private boolean matchesAt(byte[] record, int at) {
        for (int j = 0; j < delimiter.length; j++) {
            if (record[at + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }

    /** A record that deaggregation cannot split; the record goes to the error output whole. */
    public static final class DeaggregationException extends RuntimeException {
        public DeaggregationException(String message) {
            super(message, null, false, false);
        }
    }
}
