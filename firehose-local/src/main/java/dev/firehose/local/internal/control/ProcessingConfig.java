package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.partition.Deaggregation;
import dev.firehose.local.internal.partition.JqQuery;
import dev.firehose.local.internal.partition.Prefixes;
import dev.firehose.local.internal.partition.Processor;
import dev.firehose.local.internal.partition.RecordProcessing;
import dev.firehose.local.internal.protocol.ApiError;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The prefixes, {@code DynamicPartitioningConfiguration} and {@code ProcessingConfiguration} of a
 * destination: their shape checks (ValidationException, collected with the other members'), their
 * rules (InvalidArgumentException naming the member), and their description. The processors
 * firehose-local applies are {@code RecordDeAggregation}, {@code MetadataExtraction} (see
 * {@link JqQuery}) and {@code AppendDelimiterToRecord}; {@code Lambda}, {@code Decompression} and
 * {@code CloudWatchLogProcessing} are refused.
 */
final class ProcessingConfig {

    static final String DYNAMIC_PARTITIONING = "DynamicPartitioningConfiguration";
    static final String PROCESSING = "ProcessingConfiguration";

    private static final List<String> TYPES = List.of("RecordDeAggregation", "Decompression",
            "CloudWatchLogProcessing", "Lambda", "MetadataExtraction", "AppendDelimiterToRecord");
    private static final List<String> PARAMETER_NAMES = List.of("LambdaArn", "NumberOfRetries",
            "MetadataExtractionQuery", "JsonParsingEngine", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds",
            "SubRecordType", "Delimiter", "CompressionFormat", "DataMessageExtraction");
    private static final Map<String, Set<String>> SUPPORTED_PARAMETERS = Map.of(
            "RecordDeAggregation", Set.of("SubRecordType", "Delimiter"),
            "MetadataExtraction", Set.of("MetadataExtractionQuery", "JsonParsingEngine"),
            "AppendDelimiterToRecord", Set.of());
    private static final int MAX_PARAMETER_VALUE = 5120;
    private static final int MAX_RETRY_SECONDS = 7200;

    private ProcessingConfig() {
    }

    /** Adds the shape violations of the two configurations of {@code dest} at {@code path} to {@code problems}. */
    static void validate(JsonNode dest, String path, List<String> problems) {
        JsonNode dp = dest.get(DYNAMIC_PARTITIONING);
        if (dp != null && !dp.isNull()) {
            JsonNode retry = dp.get("RetryOptions");
            if (retry != null && !retry.isNull()) {
                Integer seconds = ControlPlane.intValue(retry, "DurationInSeconds");
                if (seconds != null && (seconds < 0 || seconds > MAX_RETRY_SECONDS)) {
                    problems.add("Value '" + seconds + "' at '" + path
                            + ".dynamicPartitioningConfiguration.retryOptions.durationInSeconds' failed to satisfy "
                            + "constraint: " + (seconds < 0 ? "Member must have value greater than or equal to 0"
                            : "Member must have value less than or equal to " + MAX_RETRY_SECONDS));
                }
            }
        }
        JsonNode processors = processors(dest);
        for (int i = 0; i < processors.size(); i++) {
            JsonNode p = processors.get(i);
            String at = path + ".processingConfiguration.processors." + (i + 1) + ".member";
            String type = ControlPlane.text(p, "Type");
            if (type == null) {
                problems.add("Value null at '" + at + ".type' failed to satisfy constraint: Member must not be null");
            } else if (!TYPES.contains(type)) {
                problems.add("Value '" + type + "' at '" + at + ".type' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [" + String.join(", ", TYPES) + "]");
            }
            JsonNode params = array(p, "Parameters");
            for (int j = 0; j < params.size(); j++) {
                JsonNode param = params.get(j);
                String pat = at + ".parameters." + (j + 1) + ".member";
                String name = ControlPlane.text(param, "ParameterName");
                String value = ControlPlane.text(param, "ParameterValue");
                if (name == null) {
                    problems.add("Value null at '" + pat + ".parameterName' failed to satisfy constraint: "
                            + "Member must not be null");
                } else if (!PARAMETER_NAMES.contains(name)) {
                    problems.add("Value '" + name + "' at '" + pat + ".parameterName' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [" + String.join(", ", PARAMETER_NAMES) + "]");
                }
                if (value == null) {
                    problems.add("Value null at '" + pat + ".parameterValue' failed to satisfy constraint: "
                            + "Member must not be null");
                } else if (value.isEmpty() || value.isBlank()) {
                    problems.add("Value '" + value + "' at '" + pat + ".parameterValue' failed to satisfy "
                            + "constraint: Member must satisfy regular expression pattern: ^(?!\\s*$).+");
                } else if (value.length() > MAX_PARAMETER_VALUE) {
                    problems.add("Value '" + value + "' at '" + pat + ".parameterValue' failed to satisfy "
                            + "constraint: Member must have length less than or equal to " + MAX_PARAMETER_VALUE);
                }
            }
        }
    }

    /**
     * Builds the record processing of a destination whose shape {@link #validate} found valid.
     *
     * @param extended        whether {@code dest} is an ExtendedS3 destination (the only one with processors)
     * @param intervalSeconds BufferingHints.IntervalInSeconds in effect
     * @throws ApiError InvalidArgumentException naming what is not supported or breaks a rule
     */
    static RecordProcessing parse(JsonNode dest, boolean extended, String prefix, String errorOutputPrefix,
                                  int intervalSeconds) {
        if (!extended) {
            return RecordProcessing.of(Prefixes.of(prefix, errorOutputPrefix, false, Set.of()));
        }
        Boolean dpEnabled = null;
        Integer retrySeconds = null;
        JsonNode dp = dest.get(DYNAMIC_PARTITIONING);
        if (dp != null && !dp.isNull()) {
            dpEnabled = bool(dp, "Enabled");
            JsonNode retry = dp.get("RetryOptions");
            retrySeconds = retry == null || retry.isNull() ? null : ControlPlane.intValue(retry, "DurationInSeconds");
        }
        boolean dynamic = Boolean.TRUE.equals(dpEnabled);
        JsonNode pc = dest.get(PROCESSING);
        Boolean processingEnabled = pc == null || pc.isNull() ? null : bool(pc, "Enabled");
        List<Processor> processors = new ArrayList<>();
        Map<String, Map<String, String>> byType = new LinkedHashMap<>();
        for (JsonNode p : processors(dest)) {
            Processor processor = processor(p);
            if (byType.containsKey(processor.type())) {
                throw ApiError.invalidArgument("ProcessingConfiguration lists the processor type "
                        + processor.type() + " twice; each type can appear once.");
            }
            byType.put(processor.type(), parameters(processor));
            processors.add(processor);
        }
        boolean applied = Boolean.TRUE.equals(processingEnabled);
        Deaggregation deaggregation = byType.containsKey("RecordDeAggregation")
                ? deaggregation(byType.get("RecordDeAggregation")) : null;
        JqQuery query = byType.containsKey("MetadataExtraction") ? query(byType.get("MetadataExtraction")) : null;
        if (!dynamic && (deaggregation != null || query != null)) {
            throw ApiError.invalidArgument("The processors RecordDeAggregation and MetadataExtraction are part of "
                    + "dynamic partitioning: set DynamicPartitioningConfiguration.Enabled to true, or remove them.");
        }
        if (dynamic && (query == null || !applied)) {
            throw ApiError.invalidArgument("Dynamic partitioning needs its partition keys from a MetadataExtraction "
                    + "processor in a ProcessingConfiguration with Enabled true (firehose-local runs no Lambda "
                    + "functions, so partitionKeyFromLambda is not available).");
        }
        if (dynamic && intervalSeconds == 0) {
            throw ApiError.invalidArgument("BufferingHints.IntervalInSeconds 0 (zero buffering) is not available "
                    + "with dynamic partitioning; use an interval of 60 to 900 seconds.");
        }
        Prefixes prefixes = Prefixes.of(prefix, errorOutputPrefix, dynamic, query == null ? Set.of() : query.keys());
        return new RecordProcessing(prefixes, dpEnabled, retrySeconds, processingEnabled, processors,
                applied ? deaggregation : null, applied ? query : null,
                applied && byType.containsKey("AppendDelimiterToRecord"));
    }

    private static Processor processor(JsonNode p) {
        String type = ControlPlane.text(p, "Type");
        switch (type) {
            case "Lambda" -> throw ApiError.invalidArgument("The processor type Lambda is not supported by "
                    + "firehose-local: it runs no Lambda functions. Supported: RecordDeAggregation, "
                    + "MetadataExtraction, AppendDelimiterToRecord.");
            case "Decompression", "CloudWatchLogProcessing" -> throw ApiError.invalidArgument("The processor type "
                    + type + " is not supported by firehose-local. Supported: RecordDeAggregation, "
                    + "MetadataExtraction, AppendDelimiterToRecord.");
            default -> {
                // RecordDeAggregation, MetadataExtraction, AppendDelimiterToRecord
            }
        }
        List<Processor.Parameter> params = new ArrayList<>();
        for (JsonNode param : array(p, "Parameters")) {
            String name = ControlPlane.text(param, "ParameterName");
            if (!SUPPORTED_PARAMETERS.get(type).contains(name)) {
                throw ApiError.invalidArgument("The processor " + type + " does not take the parameter " + name
                        + (SUPPORTED_PARAMETERS.get(type).isEmpty() ? "; it takes none."
                        : "; it takes " + String.join(" and ", SUPPORTED_PARAMETERS.get(type).stream().sorted().toList())
                        + "."));
            }
            params.add(new Processor.Parameter(name, ControlPlane.text(param, "ParameterValue")));
        }
        return new Processor(type, params);
    }

    private static Map<String, String> parameters(Processor p) {
        Map<String, String> out = new HashMap<>();
        for (Processor.Parameter param : p.parameters()) {
            if (out.put(param.name(), param.value()) != null) {
                throw ApiError.invalidArgument("The processor " + p.type() + " has the parameter " + param.name()
                        + " twice.");
            }
        }
        return out;
    }

    private static Deaggregation deaggregation(Map<String, String> params) {
        String type = params.get("SubRecordType");
        String delimiter = params.get("Delimiter");
        if ("JSON".equals(type)) {
            if (delimiter != null) {
                throw ApiError.invalidArgument("RecordDeAggregation with SubRecordType JSON takes no Delimiter.");
            }
            return Deaggregation.json();
        }
        if (!"DELIMITED".equals(type)) {
            throw ApiError.invalidArgument("RecordDeAggregation needs the parameter SubRecordType JSON or DELIMITED"
                    + (type == null ? "." : ", found '" + type + "'."));
        }
        if (delimiter == null) {
            throw ApiError.invalidArgument("RecordDeAggregation with SubRecordType DELIMITED needs the parameter "
                    + "Delimiter, the delimiter's bytes in base64 (for example Cg== for a newline).");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(delimiter);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument("RecordDeAggregation Delimiter '" + delimiter + "' is not base64 ("
                    + e.getMessage() + "); give the delimiter's bytes in base64, for example Cg== for a newline.");
        }
        if (bytes.length == 0) {
            throw ApiError.invalidArgument("RecordDeAggregation Delimiter '" + delimiter + "' decodes to no bytes.");
        }
        return Deaggregation.delimited(bytes, delimiter);
    }

    private static JqQuery query(Map<String, String> params) {
        String engine = params.get("JsonParsingEngine");
        if (!"JQ-1.6".equals(engine)) {
            throw ApiError.invalidArgument("MetadataExtraction needs the parameter JsonParsingEngine JQ-1.6"
                    + (engine == null ? "." : ", found '" + engine + "'."));
        }
        String query = params.get("MetadataExtractionQuery");
        if (query == null) {
            throw ApiError.invalidArgument("MetadataExtraction needs the parameter MetadataExtractionQuery, "
                    + "for example {customer_id: .customer_id}.");
        }
        return JqQuery.parse(query);
    }

    /** Adds the two configurations, as given, to an ExtendedS3DestinationDescription. */
    static void describe(ObjectNode ext, RecordProcessing p) {
        if (p.processingEnabled() != null || !p.processors().isEmpty()) {
            ObjectNode pc = ext.putObject(PROCESSING);
            if (p.processingEnabled() != null) {
                pc.put("Enabled", p.processingEnabled());
            }
            ArrayNode list = pc.putArray("Processors");
            for (Processor processor : p.processors()) {
                ObjectNode o = list.addObject().put("Type", processor.type());
                ArrayNode params = o.putArray("Parameters");
                processor.parameters().forEach(param -> params.addObject()
                        .put("ParameterName", param.name()).put("ParameterValue", param.value()));
            }
        }
        if (p.dynamicPartitioningEnabled() != null || p.retryDurationSeconds() != null) {
            ObjectNode dp = ext.putObject(DYNAMIC_PARTITIONING);
            if (p.retryDurationSeconds() != null) {
                dp.putObject("RetryOptions").put("DurationInSeconds", p.retryDurationSeconds());
            }
            if (p.dynamicPartitioningEnabled() != null) {
                dp.put("Enabled", p.dynamicPartitioningEnabled());
            }
        }
    }

    private static JsonNode processors(JsonNode dest) {
        JsonNode pc = dest.get(PROCESSING);
        return pc == null || pc.isNull() ? array(null, null) : array(pc, "Processors");
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!v.isArray()) {
            throw ApiError.serialization(field + " must be a list, found " + v.getNodeType());
        }
        return v;
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiError.serialization(field + " must be a boolean, found " + v.getNodeType());
        }
        return v.booleanValue();
    }
}
