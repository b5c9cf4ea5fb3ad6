package dev.firehose.local.internal.s3;

import dev.firehose.local.internal.s3.ObjectStore.StoredObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations on the service and on buckets: ListBuckets, HeadBucket, GetBucketLocation,
 * CreateBucket, ListObjectsV2 and ListObjects. Thread-safe.
 */
final class BucketOperations {

    /** S3's largest page. */
    static final int MAX_KEYS = 1000;
    static final String REGION = "us-east-1";
    private static final String TOKEN_MARK = "firehose-local:";
    /** The canonical user id of the one owner of every bucket. */
    private static final String OWNER_ID = sha256Hex("firehose-local");
    private static final String OWNER_NAME = "firehose-local";

    private final ObjectStore store;

    BucketOperations(ObjectStore store) {
        this.store = store;
    }

    S3Response listBuckets() {
        S3Xml x = new S3Xml("ListAllMyBucketsResult", true)
                .start("Owner").element("ID", OWNER_ID).element("DisplayName", OWNER_NAME).end()
                .start("Buckets");
        for (Map.Entry<String, Instant> b : store.buckets().entrySet()) {
            x.start("Bucket").element("Name", b.getKey()).element("CreationDate", S3Dates.iso(b.getValue()))
                    .element("BucketRegion", REGION).end();
        }
        return S3Response.xml(200, x.end().finish());
    }

    S3Response headBucket(String bucket) {
        requireBucket(bucket);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-amz-bucket-region", REGION);
        return S3Response.bytes(200, h, new byte[0]);
    }

    S3Response location(String bucket) {
        requireBucket(bucket);
        // us-east-1 is the empty location constraint.
        return S3Response.xml(200, new S3Xml("LocationConstraint", true).finish());
    }

    S3Response createBucket(String bucket) {
        if (store.bucketExists(bucket)) {
            throw new S3Error(409, "BucketAlreadyOwnedByYou",
                    "Your previous request to create the named bucket succeeded and you already own it.",
                    Map.of("BucketName", bucket));
        }
        if (!store.createBucket(bucket)) {
            throw new S3Error(400, "InvalidBucketName", "The specified bucket is not valid.", Map.of("BucketName", bucket));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Location", "/" + bucket);
        return S3Response.bytes(200, h, new byte[0]);
    }

    /** ListObjectsV2 ({@code list-type=2}) or ListObjects (no {@code list-type}). */
    S3Response listObjects(S3Request req) {
        Map<String, String> q = req.query();
        String listType = q.get("list-type");
        if (listType != null && !listType.equals("2")) {
            throw S3Error.invalidArgument("Invalid list type: only 2 is known", "list-type", listType);
        }
        boolean v2 = listType != null;
        String bucket = req.bucket();
        requireBucket(bucket);
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter");
        String encoding = q.get("encoding-type");
        if (encoding != null && !encoding.equals("url")) {
            throw S3Error.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
        }
        int maxKeys = maxKeys(q.get("max-keys"));
        String token = q.get("continuation-token");
        String startAfter = v2 ? q.get("start-after") : null;
        String after = v2 ? (token == null ? null : decodeToken(token)) : q.get("marker");
        List<StoredObject> objects = store.list(bucket, prefix);
        Listing page = Listing.page(objects, prefix, delimiter, startAfter, after, maxKeys);

        boolean url = encoding != null;
        S3Xml x = new S3Xml("ListBucketResult", true).element("Name", bucket).element("Prefix", enc(prefix, url));
        if (v2) {
            x.optional("ContinuationToken", token)
                    .optional("NextContinuationToken", page.truncated() ? encodeToken(page.lastEntry()) : null)
                    .optional("StartAfter", enc(startAfter, url))
                    .element("KeyCount", Integer.toString(page.contents().size() + page.commonPrefixes().size()));
        } else {
            x.element("Marker", enc(after == null ? "" : after, url))
                    .optional("NextMarker", page.truncated() && delimiter != null ? enc(page.lastEntry(), url) : null);
        }
        x.element("MaxKeys", Integer.toString(maxKeys)).optional("Delimiter", enc(delimiter, url))
                .optional("EncodingType", encoding)
                .element("IsTruncated", Boolean.toString(page.truncated()));
        boolean owner = !v2 || "true".equals(q.get("fetch-owner"));
        for (StoredObject o : page.contents()) {
            x.start("Contents").element("Key", enc(o.key(), url))
                    .element("LastModified", S3Dates.iso(o.lastModified()))
                    .element("ETag", store.etag(o))
                    .element("Size", Long.toString(o.size()))
                    .element("StorageClass", "STANDARD");
            if (owner) {
                x.start("Owner").element("ID", OWNER_ID).element("DisplayName", OWNER_NAME).end();
            }
            x.end();
        }
        for (String p : page.commonPrefixes()) {
            x.start("CommonPrefixes").element("Prefix", enc(p, url)).end();
        }
        return S3Response.xml(200, x.finish());
    }

    private void requireBucket(String bucket) {
        if (!store.bucketExists(bucket)) {
            throw S3Error.noSuchBucket(bucket);
        }
    }

    private static int maxKeys(String value) {
        if (value == null) {
            return MAX_KEYS;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, MAX_KEYS);
        } catch (NumberFormatException e) {
            throw S3Error.invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", value);
        }
    }

    /** The continuation token of a page that ends at {@code entry}: opaque to clients. */
    static String encodeToken(String entry) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_MARK + entry).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith(TOKEN_MARK)) {
                return s.substring(TOKEN_MARK.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw S3Error.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
    }

    /** With {@code encoding-type=url}, names are URL-encoded in the answer. */
    private static String enc(String s, boolean url) {
        return s == null || !url ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
