package dev.firehose.local.internal.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The S3 REST API, path-style, over the {@link ObjectStore}: routes each request to a bucket or an
 * object operation, rejects unsigned requests as S3 does for a private bucket (signatures are not
 * checked: any credentials are accepted), and turns errors into S3's XML error document (no body
 * for HEAD). Every answer carries {@code x-amz-request-id} and {@code x-amz-id-2}. Thread-safe.
 */
public final class S3Api {

    private static final Logger log = LoggerFactory.getLogger(S3Api.class);

    /** Subresources of S3 that name an operation firehose-local does not serve. */
    private static final Set<String> UNSUPPORTED_SUBRESOURCES = Set.of("acl", "policy", "policyStatus", "versioning",
            "versions", "uploads", "uploadId", "tagging", "lifecycle", "cors", "website", "logging", "notification",
            "replication", "encryption", "object-lock", "retention", "legal-hold", "attributes", "torrent", "restore",
            "select", "delete", "ownershipControls", "publicAccessBlock", "accelerate", "requestPayment", "analytics",
            "inventory", "metrics", "intelligent-tiering", "partNumber", "session", "renameObject");

    private final BucketOperations buckets;
    private final ObjectOperations objects;
    private final AtomicLong requestIds = new AtomicLong();

    public S3Api(ObjectStore store) {
        this.buckets = new BucketOperations(store);
        this.objects = new ObjectOperations(store);
    }

    /**
     * Whether a request with this method and URI, not taken by another API, is an S3 request: a GET,
     * HEAD, PUT or DELETE, or a POST below a bucket (multipart uploads, DeleteObjects; answered
     * NotImplemented). A POST of {@code /} is never S3's: it is the Firehose API.
     */
    public static boolean serves(String method, String uri) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "PUT", "DELETE" -> true;
            case "POST" -> uri.startsWith("/") && !uri.equals("/") && !uri.startsWith("/?");
            default -> false;
        };
    }

    /** Answers one request; never throws. */
    public S3Response handle(S3Request req) {
        String requestId = String.format("%016X", requestIds.incrementAndGet());
        S3Response res;
        try {
            res = route(req);
        } catch (S3Error e) {
            res = error(req, e, requestId);
        } catch (RuntimeException e) {
            log.error("Internal error on S3 {} {}/{}", req.method(), req.bucket(), req.key(), e);
            res = error(req, new S3Error(500, "InternalError",
                    "We encountered an internal error. Please try again. (" + e + ")", Map.of()), requestId);
        }
        return res.withHeader("x-amz-request-id", requestId).withHeader("x-amz-id-2", requestId);
    }

    private S3Response route(S3Request req) {
        if (!req.signed()) {
            throw S3Error.accessDenied();
        }
        for (String q : req.query().keySet()) {
            if (UNSUPPORTED_SUBRESOURCES.contains(q)) {
                throw S3Error.notImplemented("the '" + q + "' subresource (" + req.method() + ")");
            }
        }
        String op = req.method() + (req.bucket() == null ? " service" : req.key() == null ? " bucket" : " object");
        return switch (op) {
            case "GET service" -> buckets.listBuckets();
            case "HEAD bucket" -> buckets.headBucket(req.bucket());
            case "GET bucket" -> req.query().containsKey("location") ? buckets.location(req.bucket())
                    : buckets.listObjects(req);
            case "PUT bucket" -> buckets.createBucket(req.bucket());
            case "GET object" -> objects.get(req, false);
            case "HEAD object" -> objects.get(req, true);
            case "PUT object" -> objects.put(req);
            default -> throw S3Error.notImplemented(switch (op) {
                case "DELETE object" -> "DeleteObject: delivered objects stay until the data directory is removed";
                case "DELETE bucket" -> "DeleteBucket";
                default -> req.method() + " on " + op.substring(op.indexOf(' ') + 1);
            });
        };
    }

    private static S3Response error(S3Request req, S3Error e, String requestId) {
        if ("HEAD".equals(req.method())) {
            return S3Response.bytes(e.status(), new LinkedHashMap<>(), new byte[0]);
        }
        return S3Response.xml(e.status(), S3Xml.error(e, requestId));
    }
}
