package dev.firehose.local.internal.partition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;

/**
 * What the error output holds for one failed record: one JSON document and a newline, with the
 * members of the service's failed-record documents ({@code attemptsMade}, {@code arrivalTimestamp}
 * and {@code attemptEndingTimestamp} in epoch milliseconds, {@code errorCode}, {@code errorMessage},
 * {@code rawData} as base64 of the record's bytes).
 */
public final class ErrorRecord {

    /** Error output type of records dynamic partitioning could not route. */
    public static final String PARTITIONING_FAILED = "partitioning-failed";
    /** Error output type of records past the active-partition limit. */
    public static final String ACTIVE_PARTITION_EXCEEDED = "activePartitionExceeded";

    /** The service's code for a record whose partition keys could not be extracted. */
    public static final String METADATA_EXTRACTION_FAILED = "DynamicPartitioning.MetadataExtractionFailed";
    /** The service's code for a record past the active-partition limit. */
    public static final String ACTIVE_PARTITIONS_LIMIT_EXCEEDED = "DynamicPartitioning.ActivePartitionsLimitExceeded";
    /** firehose-local's code for a record that RecordDeAggregation could not split (the service's is undocumented). */
    public static final String DEAGGREGATION_FAILED = "DynamicPartitioning.DeAggregationFailed";
    /** firehose-local's code for a record whose evaluated Prefix cannot be an object key (the service's is undocumented). */
    public static final String PREFIX_EVALUATION_FAILED = "DynamicPartitioning.PrefixEvaluationFailed";

    private static final JsonFactory JSON = new JsonFactory();

    private ErrorRecord() {
    }

    /** The document for {@code rawData} that failed with {@code errorCode}, newline-terminated. */
    public static byte[] of(byte[] rawData, Instant arrival, String errorCode, String errorMessage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rawData.length * 4 / 3 + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("attemptsMade", 1);
            g.writeNumberField("arrivalTimestamp", arrival.toEpochMilli());
            g.writeStringField("errorCode", errorCode);
            g.writeStringField("errorMessage", errorMessage);
            g.writeNumberField("attemptEndingTimestamp", arrival.toEpochMilli());
            g.writeStringField("rawData", Base64.getEncoder().encodeToString(rawData));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
