package dev.firehose.local.internal.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.delivery.Delivery;
import dev.firehose.local.internal.partition.RecordProcessing;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.Limits;
import dev.firehose.local.internal.protocol.Reply;
import dev.firehose.local.internal.stream.StreamConfig;
import dev.firehose.local.internal.stream.StreamControl;
import dev.firehose.local.internal.stream.StreamSource;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams and DeleteDeliveryStream,
 * with the request and response shapes of the service model, and the operations on a stream's tags,
 * encryption and destination (delegated to {@link TagOperations}, {@link EncryptionOperations} and
 * {@link UpdateDestinationOperation}). Streams deliver to an S3 or ExtendedS3 destination; what
 * firehose-local does not implement is refused by name ({@link CreateRequestChecks}). Thread-safe.
 */
public final class ControlPlane {

    static final String DESTINATION_ID = "destinationId-000000000001";
    private static final Set<String> COMPRESSIONS = Set.of("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY");
    private static final Set<String> SUPPORTED_COMPRESSIONS = Set.of("UNCOMPRESSED", "GZIP");
    private static final Set<String> TYPES = Set.of("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource");
    private static final Pattern BUCKET_ARN = Pattern.compile("arn:[^:]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])");
    private static final List<String> OTHER_DESTINATIONS = List.of("RedshiftDestinationConfiguration",
            "ElasticsearchDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration",
            "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration",
            "AmazonOpenSearchServerlessDestinationConfiguration", "SnowflakeDestinationConfiguration",
            "IcebergDestinationConfiguration");

    private final ObjectMapper mapper;
    private final Streams streams;
    private final Delivery delivery;
    private final Clock clock;
    private final Duration activationDelay;
    private final TagOperations tags;
    private final EncryptionOperations encryption;
    private final UpdateDestinationOperation updates;

    public ControlPlane(ObjectMapper mapper, Streams streams, Delivery delivery, Clock clock, Duration activationDelay) {
        this.mapper = mapper;
        this.streams = streams;
        this.delivery = delivery;
        this.clock = clock;
        this.activationDelay = activationDelay;
        this.tags = new TagOperations(mapper, streams);
        this.encryption = new EncryptionOperations(streams, clock, activationDelay);
        this.updates = new UpdateDestinationOperation(mapper, streams, delivery, clock);
    }

    public Reply create(JsonNode in) {
        Instant now = clock.instant();
        StreamConfig config = parseCreate(in, now, activationDelay);
        StreamControl control = CreateRequestChecks.control(in, now, now.plus(activationDelay));
        if (!streams.create(config, control)) {
            throw new ApiError(400, ApiError.RESOURCE_IN_USE, "Firehose stream " + config.name()
                    + " under account " + Streams.ACCOUNT + " already exists.");
        }
        ObjectNode out = mapper.createObjectNode().put("DeliveryStreamARN", config.arn());
        return json(out);
    }

    /** Creates a stream that is ACTIVE at once (the Java convenience); ResourceInUseException for duplicates. */
    public void createActive(StreamConfig config) {
        if (!streams.create(config)) {
            throw new ApiError(400, ApiError.RESOURCE_IN_USE, "Firehose stream " + config.name()
                    + " under account " + Streams.ACCOUNT + " already exists.");
        }
    }

    static StreamConfig parseCreate(JsonNode in, Instant now, Duration activationDelay) {
        List<String> problems = new ArrayList<>();
        String name = text(in, "DeliveryStreamName");
        Limits.checkStreamName(name, "deliveryStreamName", problems);
        String type = text(in, "DeliveryStreamType");
        if (type != null && !TYPES.contains(type)) {
            problems.add("Value '" + type + "' at 'deliveryStreamType' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]");
        }
        JsonNode s3 = in.get("S3DestinationConfiguration");
        JsonNode ext = in.get("ExtendedS3DestinationConfiguration");
        String kind = ext != null && !ext.isNull() ? "ExtendedS3" : "S3";
        JsonNode dest = "ExtendedS3".equals(kind) ? ext : s3;
        String path = "ExtendedS3".equals(kind) ? "extendedS3DestinationConfiguration" : "s3DestinationConfiguration";
        Integer size = null;
        Integer interval = null;
        String compression = null;
        String bucketArn = null;
        if (dest != null && !dest.isNull()) {
            bucketArn = text(dest, "BucketARN");
            if (bucketArn == null) {
                problems.add("Value null at '" + path + ".bucketARN' failed to satisfy constraint: Member must not be null");
            }
            String roleArn = text(dest, "RoleARN");
            if (roleArn == null) {
                problems.add("Value null at '" + path + ".roleARN' failed to satisfy constraint: Member must not be null");
            } else {
                Members.checkArn(roleArn, path + ".roleARN", 512, problems);
            }
            JsonNode hints = dest.get("BufferingHints");
            if (hints != null && !hints.isNull()) {
                size = intValue(hints, "SizeInMBs");
                interval = intValue(hints, "IntervalInSeconds");
                if (size != null && (size < 1 || size > 128)) {
                    problems.add("Value '" + size + "' at '" + path + ".bufferingHints.sizeInMBs' failed to satisfy constraint: "
                            + (size < 1 ? "Member must have value greater than or equal to 1"
                            : "Member must have value less than or equal to 128"));
                }
                if (interval != null && (interval < 0 || interval > 900)) {
                    problems.add("Value '" + interval + "' at '" + path + ".bufferingHints.intervalInSeconds' failed to satisfy constraint: "
                            + (interval < 0 ? "Member must have value greater than or equal to 0"
                            : "Member must have value less than or equal to 900"));
                }
            }
            compression = text(dest, "CompressionFormat");
            if (compression != null && !COMPRESSIONS.contains(compression)) {
                problems.add("Value '" + compression + "' at '" + path + ".compressionFormat' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]");
            }
            if ("ExtendedS3".equals(kind)) {
                ProcessingConfig.validate(dest, path, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw ApiError.validation(problems);
        }
        if (type != null && !"DirectPut".equals(type) && !StreamSource.KINESIS.equals(type)) {
            throw ApiError.invalidArgument("DeliveryStreamType " + type + " is not supported by firehose-local; "
                    + "use DirectPut (or KinesisStreamAsSource for a control-plane-only stream).");
        }
        for (String other : OTHER_DESTINATIONS) {
            if (in.hasNonNull(other)) {
                throw ApiError.invalidArgument(other + " is not supported by firehose-local; "
                        + "use S3DestinationConfiguration or ExtendedS3DestinationConfiguration.");
            }
        }
        if (s3 != null && !s3.isNull() && ext != null && !ext.isNull()) {
            throw ApiError.invalidArgument("Exactly one destination configuration may be given, found "
                    + "S3DestinationConfiguration and ExtendedS3DestinationConfiguration.");
        }
        if (dest == null || dest.isNull()) {
            throw ApiError.invalidArgument("A destination configuration is required: "
                    + "S3DestinationConfiguration or ExtendedS3DestinationConfiguration.");
        }
        var m = BUCKET_ARN.matcher(bucketArn);
        if (!m.matches()) {
            throw ApiError.invalidArgument("BucketARN " + bucketArn + " is not an S3 bucket ARN (arn:aws:s3:::bucket-name).");
        }
        if (compression != null && !SUPPORTED_COMPRESSIONS.contains(compression)) {
            throw ApiError.invalidArgument("CompressionFormat " + compression
                    + " is not supported by firehose-local; use UNCOMPRESSED or GZIP.");
        }
        String prefix = orEmpty(text(dest, "Prefix"));
        String errorPrefix = orEmpty(text(dest, "ErrorOutputPrefix"));
        checkPrefix("Prefix", prefix);
        checkPrefix("ErrorOutputPrefix", errorPrefix);
        int intervalSeconds = interval == null ? StreamConfig.DEFAULT_INTERVAL_SECONDS : interval;
        RecordProcessing processing = ProcessingConfig.parse(dest, "ExtendedS3".equals(kind), prefix, errorPrefix,
                intervalSeconds);
        String role = text(dest, "RoleARN");
        return new StreamConfig(name, Streams.arn(name), "1", now, now.plus(activationDelay), kind,
                role, bucketArn, m.group(1), prefix, errorPrefix,
                size == null ? StreamConfig.DEFAULT_SIZE_IN_MBS : size,
                intervalSeconds, compression == null ? "UNCOMPRESSED" : compression, processing);
    }

    private static void checkPrefix(String field, String prefix) {
        if (prefix.length() > 1024) {
            throw ApiError.invalidArgument(field + " of " + prefix.length() + " characters exceeds 1024 characters.");
        }
        if (prefix.startsWith("/") || prefix.contains("\\") || ("/" + prefix + "/").contains("/../")
                || ("/" + prefix).contains("/./") || prefix.contains("//")) {
            throw ApiError.invalidArgument(field + " '" + prefix + "' is not supported by firehose-local: "
                    + "it keeps objects as files, so a prefix must be relative, with no empty ('//'), '.' or '..' "
                    + "segments and no '\\'.");
        }
    }

    public Reply describe(JsonNode in) {
        String name = requireName(in);
        boolean listDestination = CreateRequestChecks.describesDestination(in, DESTINATION_ID);
        StreamRuntime s = streams.get(name);
        if (s == null) {
            throw Streams.notFound(name);
        }
        StreamConfig c = s.config();
        ObjectNode d = mapper.createObjectNode();
        d.put("DeliveryStreamName", c.name());
        d.put("DeliveryStreamARN", c.arn());
        d.put("DeliveryStreamStatus", c.status(clock.instant()));
        CreateRequestChecks.describe(d, s.control(), clock.instant());
        d.put("VersionId", c.versionId());
        d.put("CreateTimestamp", epochSeconds(c.createdAt()));
        ArrayNode destinations = d.putArray("Destinations");
        ObjectNode dest = destinations.addObject();
        dest.put("DestinationId", DESTINATION_ID);
        ObjectNode s3 = dest.putObject("S3DestinationDescription");
        s3Description(s3, c);
        if ("ExtendedS3".equals(c.destinationKind())) {
            ObjectNode ext = dest.putObject("ExtendedS3DestinationDescription");
            s3Description(ext, c);
            ext.put("S3BackupMode", "Disabled");
            ProcessingConfig.describe(ext, c.processing());
        }
        if (!listDestination) {
            d.putArray("Destinations");
        }
        d.put("HasMoreDestinations", false);
        ObjectNode out = mapper.createObjectNode();
        out.set("DeliveryStreamDescription", d);
        return json(out);
    }

    private static void s3Description(ObjectNode o, StreamConfig c) {
        o.put("RoleARN", c.roleArn());
        o.put("BucketARN", c.bucketArn());
        if (!c.prefix().isEmpty()) {
            o.put("Prefix", c.prefix());
        }
        if (!c.errorOutputPrefix().isEmpty()) {
            o.put("ErrorOutputPrefix", c.errorOutputPrefix());
        }
        o.putObject("BufferingHints").put("SizeInMBs", c.sizeInMBs()).put("IntervalInSeconds", c.intervalSeconds());
        o.put("CompressionFormat", c.compression());
        o.putObject("EncryptionConfiguration").put("NoEncryptionConfig", "NoEncryption");
        o.putObject("CloudWatchLoggingOptions").put("Enabled", false);
    }

    public Reply list(JsonNode in) {
        List<String> problems = new ArrayList<>();
        Integer limit = intValue(in, "Limit");
        if (limit != null && (limit < 1 || limit > 10000)) {
            problems.add("Value '" + limit + "' at 'limit' failed to satisfy constraint: "
                    + (limit < 1 ? "Member must have value greater than or equal to 1"
                    : "Member must have value less than or equal to 10000"));
        }
        String start = text(in, "ExclusiveStartDeliveryStreamName");
        if (start != null) {
            Limits.checkStreamName(start, "exclusiveStartDeliveryStreamName", problems);
        }
        String type = text(in, "DeliveryStreamType");
        if (type != null && !TYPES.contains(type)) {
            problems.add("Value '" + type + "' at 'deliveryStreamType' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]");
        }
        if (!problems.isEmpty()) {
            throw ApiError.validation(problems);
        }
        int max = limit == null ? 10 : limit;
        List<String> names = streams.namesAfter(start, max,
                s -> type == null || type.equals(s.control().source().type()));
        boolean more = names.size() > max;
        ObjectNode out = mapper.createObjectNode();
        ArrayNode arr = out.putArray("DeliveryStreamNames");
        names.stream().limit(max).forEach(arr::add);
        out.put("HasMoreDeliveryStreams", more);
        return json(out);
    }

    public Reply delete(JsonNode in) {
        String name = requireName(in);
        StreamRuntime s = streams.remove(name);
        if (s == null) {
            throw Streams.notFound(name);
        }
        synchronized (s) {
            delivery.deliver(s);
        }
        return json(mapper.createObjectNode());
    }

    public Reply tag(JsonNode in) {
        tags.tag(in);
        return json(mapper.createObjectNode());
    }

    public Reply untag(JsonNode in) {
        tags.untag(in);
        return json(mapper.createObjectNode());
    }

    public Reply listTags(JsonNode in) {
        return json(tags.list(in));
    }

    public Reply startEncryption(JsonNode in) {
        encryption.start(in);
        return json(mapper.createObjectNode());
    }

    public Reply stopEncryption(JsonNode in) {
        encryption.stop(in);
        return json(mapper.createObjectNode());
    }

    public Reply updateDestination(JsonNode in) {
        updates.update(in);
        return json(mapper.createObjectNode());
    }

    static String requireName(JsonNode in) {
        String name = text(in, "DeliveryStreamName");
        List<String> problems = new ArrayList<>();
        Limits.checkStreamName(name, "deliveryStreamName", problems);
        if (!problems.isEmpty()) {
            throw ApiError.validation(problems);
        }
        return name;
    }

    private Reply json(JsonNode node) {
        try {
            return Reply.json(mapper.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a response", e);
        }
    }

    static double epochSeconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.serialization(field + " must be a string, found " + v.getNodeType());
        }
        return v.asText();
    }

    static Integer intValue(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.serialization(field + " must be an integer, found " + v);
        }
        return v.intValue();
    }
}
