package dev.firehose.local.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firehose.local.internal.control.ControlPlane;
import dev.firehose.local.internal.data.DataPlane;
import dev.firehose.local.internal.protocol.ApiError;
import dev.firehose.local.internal.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The Firehose AWS JSON 1.1 protocol: {@code POST /} with {@code X-Amz-Target:
 * Firehose_20150804.<Operation>}. Rejects unsigned requests (no SigV4 {@code Authorization}
 * header) the way the service does, without checking signatures: any credentials are accepted.
 * Thread-safe.
 */
public final class FirehoseApi {

    public static final String TARGET_PREFIX = "Firehose_20150804.";
    private static final Logger log = LoggerFactory.getLogger(FirehoseApi.class);

    private final ObjectMapper mapper;
    private final DataPlane data;
    private final ControlPlane control;

    FirehoseApi(ObjectMapper mapper, DataPlane data, ControlPlane control) {
        this.mapper = mapper;
        this.data = data;
        this.control = control;
    }

    /**
     * Answers one request.
     *
     * @param target        the X-Amz-Target header, or null
     * @param authorization the Authorization header, or null
     */
    public Reply handle(String target, String authorization, boolean presigned, byte[] body, int offset, int length) {
        try {
            if ((authorization == null || authorization.isBlank()) && !presigned) {
                return Reply.error(403, ApiError.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
            }
            String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : null;
            if (op == null) {
                return unknown(target);
            }
            return switch (op) {
                case "PutRecordBatch" -> data.putRecordBatch(body, offset, length);
                case "PutRecord" -> data.putRecord(body, offset, length);
                case "CreateDeliveryStream" -> control.create(tree(body, offset, length));
                case "DescribeDeliveryStream" -> control.describe(tree(body, offset, length));
                case "ListDeliveryStreams" -> control.list(tree(body, offset, length));
                case "DeleteDeliveryStream" -> control.delete(tree(body, offset, length));
                case "TagDeliveryStream" -> control.tag(tree(body, offset, length));
                case "UntagDeliveryStream" -> control.untag(tree(body, offset, length));
                case "ListTagsForDeliveryStream" -> control.listTags(tree(body, offset, length));
                case "StartDeliveryStreamEncryption" -> control.startEncryption(tree(body, offset, length));
                case "StopDeliveryStreamEncryption" -> control.stopEncryption(tree(body, offset, length));
                case "UpdateDestination" -> control.updateDestination(tree(body, offset, length));
                default -> unknown(target);
            };
        } catch (ApiError e) {
            return Reply.error(e);
        } catch (RuntimeException e) {
            log.error("Internal error answering {}", target, e);
            return Reply.error(500, ApiError.INTERNAL_FAILURE, "Internal service failure: " + e);
        }
    }

    private static Reply unknown(String target) {
        return Reply.error(400, ApiError.UNKNOWN_OPERATION,
                "Operation " + (target == null ? "(no X-Amz-Target header)" : target)
                        + " is not supported by firehose-local");
    }

    private JsonNode tree(byte[] body, int offset, int length) {
        if (length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body, offset, length);
            if (node == null || node.isMissingNode()) {
                return mapper.createObjectNode();
            }
            if (!node.isObject()) {
                throw ApiError.serialization("The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.serialization("Malformed JSON request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.serialization("Unreadable request body: " + e.getMessage());
        }
    }
}
