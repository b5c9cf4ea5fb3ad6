package dev.firehose.local.internal.s3;

import dev.firehose.local.internal.s3.ObjectStore.StoredObject;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operations on objects: GetObject (with a single {@code Range}), HeadObject and PutObject. Thread-safe. */
final class ObjectOperations {

    static final String CONTENT_TYPE = "application/octet-stream";

    private final ObjectStore store;

    ObjectOperations(ObjectStore store) {
        this.store = store;
    }

    /** GetObject, or HeadObject when {@code head}: the same headers, no body. */
    S3Response get(S3Request req, boolean head) {
        if (!store.bucketExists(req.bucket())) {
            throw S3Error.noSuchBucket(req.bucket());
        }
        StoredObject o = store.find(req.bucket(), req.key()).orElseThrow(() -> S3Error.noSuchKey(req.key()));
        ByteRange range = ByteRange.parse(req.header("range"), o.size());
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", CONTENT_TYPE);
        h.put("ETag", store.etag(o));
        h.put("Last-Modified", S3Dates.http(o.lastModified()));
        h.put("Accept-Ranges", "bytes");
        int status = range == null ? 200 : 206;
        long offset = range == null ? 0 : range.first();
        long length = range == null ? o.size() : range.length();
        if (range != null) {
            h.put("Content-Range", range.contentRange(o.size()));
        }
        if (head) {
            h.put("Content-Length", Long.toString(length));
            return S3Response.bytes(status, h, new byte[0]);
        }
        return S3Response.file(status, h, o.file(), offset, length);
    }

    /** PutObject: stores the body (decoded from {@code aws-chunked} when sent so), checking a {@code Content-MD5}. */
    S3Response put(S3Request req) {
        if (!store.bucketExists(req.bucket())) {
            throw S3Error.noSuchBucket(req.bucket());
        }
        if (req.header("x-amz-copy-source") != null) {
            throw S3Error.notImplemented("CopyObject");
        }
        byte[] data = AwsChunked.isChunked(req) ? AwsChunked.decode(req.body()) : req.body();
        byte[] md5 = md5(data);
        String contentMd5 = req.header("content-md5");
        if (contentMd5 != null && !contentMd5.equals(Base64.getEncoder().encodeToString(md5))) {
            throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.",
                    Map.of("ExpectedDigest", contentMd5));
        }
        try {
            store.put(req.bucket(), req.key(), data);
        } catch (IllegalArgumentException e) {
            throw new S3Error(400, "InvalidArgument", e.getMessage(), Map.of("ArgumentName", "key"));
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ETag", '"' + HexFormat.of().formatHex(md5) + '"');
        return S3Response.bytes(200, h, new byte[0]);
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
