package dev.firehose.local.internal.partition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Runs a stored record through its stream's processors in the service's order (deaggregation,
 * then partition-key extraction, then the delimiter) and says where each resulting record goes: a
 * data partition, or the error output ({@code partitioning-failed}) with a failed-record document.
 * A pure function of its inputs; thread-safe.
 */
public final class RecordRouter {

    /** The service's limit on an evaluated prefix. */
    public static final int MAX_EVALUATED_PREFIX_LENGTH = 512;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Fills random strings while checking an evaluated prefix; their length is what matters. */
    private static final RandomGenerator ZEROS = () -> 0L;

    private RecordRouter() {
    }

    /**
     * One record and the buffer it goes to.
     *
     * @param bytes what the buffer gets (the record, maybe with a delimiter, or a failed-record document)
     * @param raw   the record as it was before the delimiter or the failure document
     */
    public record Routed(PartitionId partition, byte[] bytes, byte[] raw) {
    }

    /** Routes {@code record}, which arrived at {@code arrival}, through {@code p}. */
    public static List<Routed> route(RecordProcessing p, byte[] record, Instant arrival) {
        if (!p.transformsRecords()) {
            return List.of(new Routed(PartitionId.DATA, record, record));
        }
        List<byte[]> records;
        if (p.deaggregation() != null) {
            try {
                records = p.deaggregation().split(record);
            } catch (Deaggregation.DeaggregationException e) {
                return List.of(failed(record, arrival, ErrorRecord.DEAGGREGATION_FAILED,
                        "RecordDeAggregation (" + p.deaggregation().subRecordType() + ") failed: " + e.getMessage()));
            }
        } else {
            records = List.of(record);
        }
        List<Routed> out = new ArrayList<>(records.size());
        for (byte[] r : records) {
            out.add(p.query() == null ? new Routed(PartitionId.DATA, delimited(p, r), r) : partition(p, r, arrival));
        }
        return out;
    }

    /** The error-output entry for a record that failed with {@code errorCode}. */
    public static Routed failed(byte[] record, Instant arrival, String errorCode, String message) {
        String type = ErrorRecord.ACTIVE_PARTITIONS_LIMIT_EXCEEDED.equals(errorCode)
                ? ErrorRecord.ACTIVE_PARTITION_EXCEEDED : ErrorRecord.PARTITIONING_FAILED;
        return new Routed(PartitionId.error(type), ErrorRecord.of(record, arrival, errorCode, message), record);
    }

    private static Routed partition(RecordProcessing p, byte[] record, Instant arrival) {
        Map<String, String> keys;
        try {
            JsonNode document = MAPPER.readTree(record);
            if (document == null || document.isMissingNode()) {
                throw new JqQuery.ExtractionException("the record is empty");
            }
            keys = p.query().evaluate(document);
        } catch (JsonProcessingException e) {
            return failed(record, arrival, ErrorRecord.METADATA_EXTRACTION_FAILED, "MetadataExtraction failed: "
                    + "the record is not one JSON document: " + e.getOriginalMessage());
        } catch (IOException e) {
            return failed(record, arrival, ErrorRecord.METADATA_EXTRACTION_FAILED, "MetadataExtraction failed: "
                    + "the record cannot be read as JSON: " + e.getMessage());
        } catch (JqQuery.ExtractionException e) {
            return failed(record, arrival, ErrorRecord.METADATA_EXTRACTION_FAILED,
                    "MetadataExtraction failed for query " + p.query().source() + ": " + e.getMessage());
        }
        String evaluated = p.prefixes().data(arrival, keys, ZEROS);
        String problem = keyProblem(evaluated);
        if (problem != null) {
            return failed(record, arrival, ErrorRecord.PREFIX_EVALUATION_FAILED,
                    "Prefix " + p.prefixes().prefix() + " evaluates to '" + evaluated + "': " + problem);
        }
        List<String> values = new ArrayList<>(p.prefixes().partitionKeys().size());
        for (String name : p.prefixes().partitionKeys()) {
            values.add(keys.get(name));
        }
        return new Routed(new PartitionId(null, values), delimited(p, record), record);
    }

    /** Why an evaluated prefix cannot be an object key here, or {@code null}. */
    static String keyProblem(String evaluated) {
        if (evaluated.length() > MAX_EVALUATED_PREFIX_LENGTH) {
            return "it has " + evaluated.length() + " characters; an evaluated prefix has at most "
                    + MAX_EVALUATED_PREFIX_LENGTH;
        }
        if (evaluated.indexOf('\0') >= 0 || evaluated.indexOf('\\') >= 0) {
            return "it contains a NUL or '\\' character, which firehose-local cannot store in its data directory";
        }
        for (String segment : evaluated.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "it contains the segment '" + segment + "', which firehose-local cannot store in its data "
                        + "directory";
            }
        }
        if (evaluated.startsWith("/") || evaluated.contains("//")) {
            return "it " + (evaluated.startsWith("/") ? "starts with '/'" : "has an empty segment ('//')")
                    + ", which firehose-local cannot store in its data directory";
        }
        if (evaluated.substring(evaluated.lastIndexOf('/') + 1).startsWith(".")) {
            return "the object name would start with '.', which firehose-local keeps for files being written";
        }
        return null;
    }

    private static byte[] delimited(RecordProcessing p, byte[] record) {
        if (!p.appendDelimiter()) {
            return record;
        }
        byte[] out = Arrays.copyOf(record, record.length + 1);
        out[record.length] = '\n';
        return out;
    }
}
