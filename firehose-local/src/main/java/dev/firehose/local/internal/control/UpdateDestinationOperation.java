package dev.firehose.local.internal.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.firehose.local.internal.delivery.Delivery;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.stream.StreamConfig;
import dev.firehose.local.internal.stream.StreamControl;
import dev.firehose.local.internal.stream.StreamRuntime;
import dev.firehose.local.internal.stream.Streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * UpdateDestination for the S3 destination: {@code CurrentDeliveryStreamVersionId} must be the
 * stream's {@code VersionId} (else {@code ConcurrentModificationException}), {@code DestinationId}
 * its destination's id. The members given in {@code ExtendedS3DestinationUpdate} (or
 * {@code S3DestinationUpdate}) replace the ones the stream has, the others are kept, as the
 * service merges an update of the same destination type; the merged configuration is checked
 * exactly as CreateDeliveryStream checks one. The version id increments and, because the
 * records buffered so far are delivered under the old configuration before the new one applies,
 * the version in object keys follows it. Other destination types are refused. Thread-safe.
 */
final class UpdateDestinationOperation {

    static final String CONCURRENT_MODIFICATION = "ConcurrentModificationException";
    private static final Pattern VERSION = Pattern.compile("[0-9]+");
    private static final Pattern DESTINATION = Pattern.compile("[a-zA-Z0-9-]+");
    private static final List<String> OTHER_UPDATES = List.of("RedshiftDestinationUpdate",
            "ElasticsearchDestinationUpdate", "AmazonopensearchserviceDestinationUpdate", "SplunkDestinationUpdate",
            "HttpEndpointDestinationUpdate", "AmazonOpenSearchServerlessDestinationUpdate",
            "SnowflakeDestinationUpdate", "IcebergDestinationUpdate");
    private static final Set<String> MEMBERS = Set.of("DeliveryStreamName",
            "CurrentDeliveryStreamVersionId", "DestinationId", "S3DestinationUpdate", "ExtendedS3DestinationUpdate",
            "RedshiftDestinationUpdate", "ElasticsearchDestinationUpdate", "AmazonopensearchserviceDestinationUpdate",
            "SplunkDestinationUpdate", "HttpEndpointDestinationUpdate", "AmazonOpenSearchServerlessDestinationUpdate",
            "SnowflakeDestinationUpdate", "IcebergDestinationUpdate");

    private final ObjectMapper mapper;
    private final Streams streams;
    private final Delivery delivery;
    private final Clock clock;

    UpdateDestinationOperation(ObjectMapper mapper, Streams streams, Delivery delivery, Clock clock) {
        this.mapper = mapper;
        this.streams = streams;
        this.delivery = delivery;
        this.clock = clock;
    }

    void update(JsonNode in) {
        String name = ControlPlane.requireName(in);
        Members.refuseUnknown(in, "UpdateDestination", MEMBERS);
        List<String> problems = new ArrayList<>();
        String version = ControlPlane.text(in, "CurrentDeliveryStreamVersionId");
        String destinationId = ControlPlane.text(in, "DestinationId");
        check(version, "currentDeliveryStreamVersionId", 50, VERSION, problems);
        check(destinationId, "destinationId", 100, DESTINATION, problems);
        Members.throwIfAny(problems);
        for (String other : OTHER_UPDATES) {
            if (in.hasNonNull(other)) {
                throw Members.refused(other, "the only destination is S3; use ExtendedS3DestinationUpdate.");
            }
        }
        boolean extended = in.hasNonNull("ExtendedS3DestinationUpdate");
        if (extended && in.hasNonNull("S3DestinationUpdate")) {
            throw ApiError.invalidArgument("Exactly one destination update may be given, found "
                    + "S3DestinationUpdate and ExtendedS3DestinationUpdate.");
        }
        String updateMember = extended ? "ExtendedS3DestinationUpdate" : "S3DestinationUpdate";
        JsonNode update = in.get(updateMember);
        if (update == null || update.isNull()) {
            throw ApiError.invalidArgument("A destination update is required: ExtendedS3DestinationUpdate or S3DestinationUpdate.");
        }
        if (!update.isObject()) {
            throw ApiError.serialization(updateMember + " must be an object");
        }
        if (update.hasNonNull("S3BackupUpdate")) {
            throw Members.refused(updateMember + ".S3BackupUpdate", "it keeps no source-record backup.");
        }
        StreamRuntime s = streams.get(name);
        if (s == null) {
            throw Streams.notFound(name);
        }
        Instant now = clock.instant();
        synchronized (s) {
            StreamConfig current = s.config();
            if ("CREATING".equals(current.status(now))) {
                throw new ApiError(400, ApiError.RESOURCE_IN_USE, "Firehose stream " + name
                        + " is CREATING; its destination can be updated once it is ACTIVE.");
            }
            if (!version.equals(current.versionId())) {
                throw new ApiError(400, CONCURRENT_MODIFICATION, "Firehose stream " + name + " is at version "
                        + current.versionId() + ", not " + version + "; describe it again and retry with its VersionId.");
            }
            if (!ControlPlane.DESTINATION_ID.equals(destinationId)) {
                throw ApiError.invalidArgument("Firehose stream " + name + " has no destination " + destinationId
                        + "; its destination is " + ControlPlane.DESTINATION_ID + ".");
            }
            StreamControl control = s.control();
            ObjectNode merged = base(control, current);
            for (Map.Entry<String, JsonNode> member : update.properties()) {
                if (!member.getValue().isNull()) {
                    merged.set(member.getKey(), member.getValue().deepCopy());
                }
            }
            // An ExtendedS3 stream stays ExtendedS3 under an S3DestinationUpdate (its members are a subset).
            String kind = extended || "ExtendedS3".equals(current.destinationKind())
                    ? "ExtendedS3DestinationConfiguration" : "S3DestinationConfiguration";
            ObjectNode create = mapper.createObjectNode().put("DeliveryStreamName", name);
            create.set(kind, merged);
            StreamConfig parsed = parse(create, current, kind, updateMember);
            StreamConfig next = parsed.withVersionId(Long.toString(Long.parseLong(current.versionId()) + 1));
            delivery.deliver(s);
            s.config(next);
            control.updated(merged, now);
        }
    }

    /** The merged configuration, checked as CreateDeliveryStream checks it; members named as in the update. */
    private static StreamConfig parse(ObjectNode create, StreamConfig current, String kind, String updateMember) {
        try {
            StreamConfig parsed = ControlPlane.parseCreate(create, current.createdAt(),
                    Duration.between(current.createdAt(), current.activeAt()));
            CreateRequestChecks.refuseUnsupported(create.get(kind), kind);
            return parsed;
        } catch (ApiError e) {
            String from = "'" + Members.path("", kind);
            String to = "'" + Members.path("", updateMember);
            throw new ApiError(e.status(), e.code(), e.getMessage().replace(from, to).replace(kind, updateMember));
        }
    }

    /** The destination configuration the update merges into. */
    private ObjectNode base(StreamControl control, StreamConfig c) {
        ObjectNode recorded = control.destination();
        if (recorded != null) {
            return recorded;
        }
        // A stream created through the Java API: its configuration is all in StreamConfig.
        ObjectNode o = mapper.createObjectNode().put("RoleARN", c.roleArn()).put("BucketARN", c.bucketArn());
        if (!c.prefix().isEmpty()) {
            o.put("Prefix", c.prefix());
        }
        if (!c.errorOutputPrefix().isEmpty()) {
            o.put("ErrorOutputPrefix", c.errorOutputPrefix());
        }
        o.putObject("BufferingHints").put("SizeInMBs", c.sizeInMBs()).put("IntervalInSeconds", c.intervalSeconds());
        o.put("CompressionFormat", c.compression());
        return o;
    }

    private static void check(String value, String path, int max, Pattern pattern, List<String> problems) {
        if (value == null) {
            problems.add(Members.value(null, path) + "Member must not be null");
            return;
        }
        Members.checkLength(value, path, 1, max, problems);
        if (!pattern.matcher(value).matches()) {
            problems.add(Members.value(value, path) + "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
    }
}
