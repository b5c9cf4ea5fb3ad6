package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.stream.Encryption;
import dev.firehose.local.internal.stream.StreamControl;
import dev.firehose.local.internal.stream.StreamSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CreateDeliveryStream members that are not the S3 delivery itself: the source
 * ({@code DeliveryStreamType}, {@code KinesisStreamSourceConfiguration},
 * {@code DirectPutSourceConfiguration}), {@code Tags}, {@code DeliveryStreamEncryptionConfigurationInput},
 * and the refusal, by name, of every member firehose-local does not implement. {@link ControlPlane}
 * reads the destination's delivery members (bucket, prefixes, buffering, compression and what the
 * delivery layer implements); this class makes sure nothing else is accepted and then ignored.
 */
final class CreateRequestChecks {

    /** Every member of CreateDeliveryStreamInput in the service model. */
    static final Set<String> TOP_MEMBERS = Set.of("DeliveryStreamName", "DeliveryStreamType",
            "DirectPutSourceConfiguration", "KinesisStreamSourceConfiguration",
            "DeliveryStreamEncryptionConfigurationInput", "S3DestinationConfiguration",
            "ExtendedS3DestinationConfiguration", "RedshiftDestinationConfiguration",
            "ElasticsearchDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration",
            "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration", "Tags",
            "AmazonOpenSearchServerlessDestinationConfiguration", "MSKSourceConfiguration",
            "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration", "DatabaseSourceConfiguration");
    /** Every member of S3DestinationConfiguration. */
    static final Set<String> S3_MEMBERS = Set.of("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix",
            "BufferingHints", "CompressionFormat", "EncryptionConfiguration", "CloudWatchLoggingOptions");
    /** Every member of ExtendedS3DestinationConfiguration. */
    static final Set<String> EXTENDED_S3_MEMBERS = Set.of("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix",
            "BufferingHints", "CompressionFormat", "EncryptionConfiguration", "CloudWatchLoggingOptions",
            "ProcessingConfiguration", "S3BackupMode", "S3BackupConfiguration", "DataFormatConversionConfiguration",
            "DynamicPartitioningConfiguration", "FileExtension", "CustomTimeZone");

    /** The members of the structures inside a destination configuration that firehose-local reads. */
    private static final Map<String, Set<String>> NESTED_MEMBERS = Map.of(
            "BufferingHints", Set.of("SizeInMBs", "IntervalInSeconds"),
            "EncryptionConfiguration", Set.of("NoEncryptionConfig", "KMSEncryptionConfig"),
            "CloudWatchLoggingOptions", Set.of("Enabled", "LogGroupName", "LogStreamName"),
            "ProcessingConfiguration", Set.of("Enabled", "Processors"),
            "DynamicPartitioningConfiguration", Set.of("RetryOptions", "Enabled"));

    private CreateRequestChecks() {
    }

    /**
     * Checks a CreateDeliveryStream request beyond its S3 delivery members and returns the new
     * stream's control state.
     *
     * @param settlesAt when a requested encryption turns from ENABLING to ENABLED
     */
    static StreamControl control(JsonNode in, Instant now, Instant settlesAt) {
        Members.refuseUnknown(in, "CreateDeliveryStream", TOP_MEMBERS);
        refuseSources(in);
        String kind = in.hasNonNull("ExtendedS3DestinationConfiguration") ? "ExtendedS3DestinationConfiguration"
                : "S3DestinationConfiguration";
        JsonNode dest = in.get(kind);
        refuseUnsupported(dest, kind);
        StreamSource source = source(in, now);
        Map<String, String> tags = in.has("Tags") && !in.get("Tags").isNull()
                ? TagOperations.parseTags(in.get("Tags"), "tags") : Map.of();
        Encryption encryption = Encryption.DISABLED;
        JsonNode input = in.get("DeliveryStreamEncryptionConfigurationInput");
        if (input != null && !input.isNull()) {
            encryption = EncryptionOperations.parseInput(input, "deliveryStreamEncryptionConfigurationInput", settlesAt);
            if (source.kinesis()) {
                throw ApiError.invalidArgument("DeliveryStreamEncryptionConfigurationInput is available only for "
                        + "DirectPut streams; this stream reads from a Kinesis data stream.");
            }
        }
        StreamControl control = new StreamControl(source, dest instanceof ObjectNode o ? o : null, encryption);
        control.putTags(tags);
        return control;
    }

    private static void refuseSources(JsonNode in) {
        for (String member : List.of("MSKSourceConfiguration", "DatabaseSourceConfiguration")) {
            if (in.hasNonNull(member)) {
                throw Members.refused(member, "it reads nothing from Amazon MSK or databases; "
                        + "use DirectPut (or KinesisStreamAsSource for a control-plane-only stream).");
            }
        }
    }

    /**
     * Refuses, naming them, the members of an S3 or ExtendedS3 destination configuration that
     * firehose-local does not implement. The members the delivery implements (bucket, prefixes,
     * buffering, compression, processing, dynamic partitioning) are checked where they are read.
     *
     * @param kind {@code S3DestinationConfiguration} or {@code ExtendedS3DestinationConfiguration}
     *             (or the corresponding Update, with the same members)
     */
    static void refuseUnsupported(JsonNode dest, String kind) {
        if (dest == null || dest.isNull() || !dest.isObject()) {
            return; // ControlPlane reports a missing or malformed destination
        }
        boolean extended = kind.startsWith("ExtendedS3");
        Members.refuseUnknown(dest, kind, extended ? EXTENDED_S3_MEMBERS : S3_MEMBERS);
        refuseUnknownNested(dest, kind);
        List<String> problems = new ArrayList<>();
        String path = Members.path("", kind);
        JsonNode encryption = dest.get("EncryptionConfiguration");
        if (encryption != null && !encryption.isNull()) {
            String none = ControlPlane.text(encryption, "NoEncryptionConfig");
            if (none != null && !"NoEncryption".equals(none)) {
                problems.add(Members.value(none, path + ".encryptionConfiguration.noEncryptionConfig")
                        + "Member must satisfy enum value set: [NoEncryption]");
            }
            if (encryption.hasNonNull("KMSEncryptionConfig")) {
                Members.throwIfAny(problems);
                throw Members.refused(kind + ".EncryptionConfiguration.KMSEncryptionConfig",
                        "objects are written unencrypted; use NoEncryptionConfig or leave EncryptionConfiguration out.");
            }
        }
        JsonNode logging = dest.get("CloudWatchLoggingOptions");
        if (logging != null && !logging.isNull() && logging.path("Enabled").asBoolean(false)) {
            throw Members.refused(kind + ".CloudWatchLoggingOptions with Enabled true",
                    "it writes no CloudWatch Logs; set Enabled to false or leave CloudWatchLoggingOptions out.");
        }
        Members.throwIfAny(problems);
        if (!extended) {
            return;
        }
        String backupMode = ControlPlane.text(dest, "S3BackupMode");
        if (backupMode != null && !backupMode.equals("Disabled") && !backupMode.equals("Enabled")) {
            throw ApiError.validation(List.of(Members.value(backupMode, path + ".s3BackupMode")
                    + "Member must satisfy enum value set: [Disabled, Enabled]"));
        }
        if ("Enabled".equals(backupMode)) {
            throw Members.refused(kind + ".S3BackupMode Enabled", "it keeps no source-record backup; use Disabled.");
        }
        if (dest.hasNonNull("S3BackupConfiguration")) {
            throw Members.refused(kind + ".S3BackupConfiguration", "it keeps no source-record backup.");
        }
        JsonNode conversion = dest.get("DataFormatConversionConfiguration");
        if (conversion != null && !conversion.isNull() && conversion.path("Enabled").asBoolean(true)) {
            throw Members.refused(kind + ".DataFormatConversionConfiguration",
                    "it does not convert records to Parquet or ORC; leave it out or set Enabled to false.");
        }
        String extension = ControlPlane.text(dest, "FileExtension");
        if (extension != null && !extension.isEmpty()) {
            throw Members.refused(kind + ".FileExtension",
                    "objects keep the default name (.gz for GZIP, none otherwise); leave it out.");
        }
        String zone = ControlPlane.text(dest, "CustomTimeZone");
        if (zone != null && !zone.isEmpty() && !zone.equals("UTC")) {
            throw Members.refused(kind + ".CustomTimeZone '" + zone + "'", "object keys and prefixes use UTC; "
                    + "leave it out or use UTC.");
        }
    }

    /**
     * Refuses, naming them, the members outside the API in the structures of a destination that
     * firehose-local reads (a misspelt {@code IntervalInSecond} would otherwise leave the default).
     */
    private static void refuseUnknownNested(JsonNode dest, String kind) {
        NESTED_MEMBERS.forEach((member, known) -> {
            JsonNode node = dest.get(member);
            if (node != null && node.isObject()) {
                Members.refuseUnknown(node, kind + "." + member, known);
            }
        });
        JsonNode dp = dest.path("DynamicPartitioningConfiguration").path("RetryOptions");
        if (dp.isObject()) {
            Members.refuseUnknown(dp, kind + ".DynamicPartitioningConfiguration.RetryOptions", Set.of("DurationInSeconds"));
        }
        JsonNode processors = dest.path("ProcessingConfiguration").path("Processors");
        for (int i = 0; processors.isArray() && i < processors.size(); i++) {
            JsonNode p = processors.get(i);
            String at = kind + ".ProcessingConfiguration.Processors[" + i + "]";
            if (p.isObject()) {
                Members.refuseUnknown(p, at, Set.of("Type", "Parameters"));
            }
            JsonNode params = p.path("Parameters");
            for (int j = 0; params.isArray() && j < params.size(); j++) {
                if (params.get(j).isObject()) {
                    Members.refuseUnknown(params.get(j), at + ".Parameters[" + j + "]",
                            Set.of("ParameterName", "ParameterValue"));
                }
            }
        }
    }

    private static StreamSource source(JsonNode in, Instant now) {
        String type = ControlPlane.text(in, "DeliveryStreamType");
        JsonNode kinesis = in.get("KinesisStreamSourceConfiguration");
        JsonNode direct = in.get("DirectPutSourceConfiguration");
        boolean hasKinesis = kinesis != null && !kinesis.isNull();
        boolean hasDirect = direct != null && !direct.isNull();
        if (StreamSource.KINESIS.equals(type)) {
            if (!hasKinesis) {
                throw ApiError.invalidArgument("KinesisStreamSourceConfiguration is required when DeliveryStreamType is "
                        + StreamSource.KINESIS + ".");
            }
            if (hasDirect) {
                throw ApiError.invalidArgument("DirectPutSourceConfiguration is only for DirectPut streams.");
            }
            Members.refuseUnknown(kinesis, "KinesisStreamSourceConfiguration", Set.of("KinesisStreamARN", "RoleARN"));
            List<String> problems = new ArrayList<>();
            String streamArn = ControlPlane.text(kinesis, "KinesisStreamARN");
            String roleArn = ControlPlane.text(kinesis, "RoleARN");
            String path = "kinesisStreamSourceConfiguration";
            if (streamArn == null) {
                problems.add(Members.value(null, path + ".kinesisStreamARN") + "Member must not be null");
            } else {
                Members.checkArn(streamArn, path + ".kinesisStreamARN", 512, problems);
            }
            if (roleArn == null) {
                problems.add(Members.value(null, path + ".roleARN") + "Member must not be null");
            } else {
                Members.checkArn(roleArn, path + ".roleARN", 512, problems);
            }
            Members.throwIfAny(problems);
            return new StreamSource(StreamSource.KINESIS, streamArn, roleArn, now, null);
        }
        if (hasKinesis) {
            throw ApiError.invalidArgument("KinesisStreamSourceConfiguration is only for streams whose "
                    + "DeliveryStreamType is " + StreamSource.KINESIS + "; this one is DirectPut.");
        }
        if (!hasDirect) {
            return StreamSource.directPut();
        }
        Members.refuseUnknown(direct, "DirectPutSourceConfiguration", Set.of("ThroughputHintInMBs"));
        Integer hint = ControlPlane.intValue(direct, "ThroughputHintInMBs");
        if (hint == null) {
            throw ApiError.validation(List.of(Members.value(null, "directPutSourceConfiguration.throughputHintInMBs")
                    + "Member must not be null"));
        }
        if (hint < 1) {
            throw ApiError.validation(List.of(Members.value(hint, "directPutSourceConfiguration.throughputHintInMBs")
                    + "Member must have value greater than or equal to 1"));
        }
        return new StreamSource(StreamSource.DIRECT_PUT, null, null, null, hint);
    }

    /**
     * Checks DescribeDeliveryStream's paging members ({@code Limit} 1-10,000,
     * {@code ExclusiveStartDestinationId}) and tells whether the stream's one destination is listed:
     * not when the listing starts after it.
     */
    static boolean describesDestination(JsonNode in, String destinationId) {
        List<String> problems = new ArrayList<>();
        Integer limit = ControlPlane.intValue(in, "Limit");
        if (limit != null && limit < 1) {
            problems.add(Members.value(limit, "limit") + "Member must have value greater than or equal to 1");
        }
        if (limit != null && limit > 10_000) {
            problems.add(Members.value(limit, "limit") + "Member must have value less than or equal to 10000");
        }
        String start = ControlPlane.text(in, "ExclusiveStartDestinationId");
        if (start != null) {
            Members.checkLength(start, "exclusiveStartDestinationId", 1, 100, problems);
            if (!start.matches("[a-zA-Z0-9-]+")) {
                problems.add(Members.value(start, "exclusiveStartDestinationId")
                        + "Member must satisfy regular expression pattern: [a-zA-Z0-9-]+");
            }
        }
        Members.throwIfAny(problems);
        return start == null || start.compareTo(destinationId) < 0;
    }

    /** Fills the control-plane members of a DeliveryStreamDescription. */
    static void describe(ObjectNode d, StreamControl control, Instant now) {
        StreamSource source = control.source();
        d.put("DeliveryStreamType", source.type());
        EncryptionOperations.describe(d.putObject("DeliveryStreamEncryptionConfiguration"), control.encryption(), now);
        Instant updated = control.lastUpdate();
        if (updated != null) {
            d.put("LastUpdateTimestamp", ControlPlane.epochSeconds(updated));
        }
        if (source.kinesis()) {
            ObjectNode k = d.putObject("Source").putObject("KinesisStreamSourceDescription");
            k.put("KinesisStreamARN", source.kinesisStreamArn());
            k.put("RoleARN", source.kinesisRoleArn());
            k.put("DeliveryStartTimestamp", ControlPlane.epochSeconds(source.deliveryStartedAt()));
        } else if (source.throughputHintInMBs() != null) {
            d.putObject("Source").putObject("DirectPutSourceDescription")
                    .put("ThroughputHintInMBs", source.throughputHintInMBs());
        }
    }
}
