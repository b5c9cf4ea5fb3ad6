package dev.firehose.local.internal.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PutRecord and PutRecordBatch bodies: first with {@link FastPutScanner} straight over the
 * bytes (the endpoint's hot path), and when it gives up, with Jackson's streaming parser, which
 * takes any JSON shape: unknown members are skipped, escapes decoded, and malformed JSON or
 * base64 raise {@code SerializationException} naming the problem. Thread-safe.
 */
public final class PutParser {

    private final JsonFactory json;
    private final boolean keepData;

    /** @param keepData whether to keep the decoded bytes (false in sink mode: sizes only) */
    public PutParser(boolean keepData) {
        this.keepData = keepData;
        // One record's base64 may be 1.37 MB and a request tens of MB: lift Jackson's string limit.
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                .build();
    }

    /** Parses a PutRecordBatch body (fast path first, then Jackson). */
    public PutInput parseBatch(byte[] body, int offset, int length) {
        return parse(body, offset, length, true);
    }

    public PutInput parseSingle(byte[] body, int offset, int length) {
        return parse(body, offset, length, false);
    }

    private PutInput parse(byte[] body, int offset, int length, boolean batch) {
        PutInput fast = FastPutScanner.scan(body, offset, length, batch, keepData);
        return fast != null ? fast : parseWithJackson(body, offset, length, batch);
    }

    /** The general path: every JSON shape, and the error messages. */
    PutInput parseWithJackson(byte[] body, int offset, int length, boolean batch) {
        try (JsonParser p = json.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.serialization("The request body must be a JSON object");
            }
            String stream = null;
            List<byte[]> data = null;
            int[] sizes = null;
            int count = 0;
            long bytes = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("DeliveryStreamName".equals(field)) {
                    if (value == JsonToken.VALUE_STRING) {
                        stream = p.getText();
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw ApiError.serialization("DeliveryStreamName must be a string, found " + value);
                    }
                } else if (batch && "Records".equals(field)) {
                    if (value == JsonToken.START_ARRAY) {
                        data = keepData ? new ArrayList<>(500) : null;
                        sizes = new int[500];
                        count = 0;
                        bytes = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            byte[] record = readRecord(p, data, count + 1);
                            int size = keepData ? (record == null ? -1 : record.length) : sink.get().size;
                            if (count == sizes.length) {
                                sizes = java.util.Arrays.copyOf(sizes, count * 2);
                            }
                            sizes[count++] = size;
                            bytes += Math.max(size, 0);
                        }
                        sizes = count == sizes.length ? sizes : java.util.Arrays.copyOf(sizes, count);
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw ApiError.serialization("Records must be a list, found " + value);
                    }
                } else if (!batch && "Record".equals(field)) {
                    if (value != JsonToken.VALUE_NULL) {
                        data = keepData ? new ArrayList<>(1) : null;
                        byte[] record = readRecord(p, data, 0);
                        int size = keepData ? (record == null ? -1 : record.length) : sink.get().size;
                        sizes = new int[] {size};
                        bytes = Math.max(size, 0);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw ApiError.serialization("Unexpected content after the request object");
            }
            return new PutInput(stream, sizes, data, bytes);
        } catch (StreamConstraintsException e) {
            throw ApiError.serialization("Request too deeply nested or too large: " + e.getOriginalMessage());
        } catch (IOException e) {
            String message = firstLine(e.getMessage());
            throw ApiError.serialization((message.contains("base64") ? "Malformed base64 in Data: "
                    : "Malformed JSON request body: ") + message);
        } catch (IllegalArgumentException e) {
            throw ApiError.serialization("Malformed base64 in Data: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Reads one Record object (the parser is at its START_OBJECT). When keeping data, returns the
     * decoded Data (or null) and adds it to {@code out}; otherwise leaves the decoded
     * size in {@link #sink} (-1 for no Data), and returns null.
     */
    private byte[] readRecord(JsonParser p, List<byte[]> out, int position) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw ApiError.serialization("A record must be a JSON object, found " + p.currentToken());
        }
        byte[] data = null;
        SizeSink sizeSink = keepData ? null : sink.get();
        if (sizeSink != null) {
            sizeSink.size = -1;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("Data".equals(field)) {
                if (value == JsonToken.VALUE_STRING) {
                    char[] text = p.getTextCharacters();
                    int off = p.getTextOffset();
                    int len = p.getTextLength();
                    int size;
                    try {
                        size = Base64Data.decodedLength(text, off, len);
                    } catch (IllegalArgumentException e) {
                        String path = position == 0 ? "record.data" : "records." + position + ".member.data";
                        throw ApiError.serialization("Malformed base64 at '" + path + "': " + e.getMessage());
                    }
                    if (keepData) {
                        data = Base64Data.decode(text, off, len, size);
                    } else {
                        sizeSink.size = size;
                    }
                } else if (value == JsonToken.VALUE_NULL) {
                    data = null;
                    if (sizeSink != null) {
                        sizeSink.size = -1;
                    }
                } else {
                    throw ApiError.serialization("Data must be a base64 string, found " + value);
                }
            } else {
                p.skipChildren();
            }
        }
        if (out != null) {
            out.add(data);
        }
        return data;
    }

    /** The decoded size of the record just read (sink mode). One per thread. */
    private static final class SizeSink {
        int size;
    }

    private final ThreadLocal<SizeSink> sink = ThreadLocal.withInitial(SizeSink::new);

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
