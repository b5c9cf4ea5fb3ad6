package dev.firehose.local.internal.delivery;

import dev.firehose.local.internal.stream.StreamConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Puts each object into an S3-compatible endpoint with the SDK's {@link S3Client}: path-style
 * addressing, checksums only where an operation requires them (S3-compatible servers differ in
 * the trailing checksums they accept), the SDK's retries, and a time limit per object so that a
 * hung endpoint cannot hold the stream for long. Thread-safe.
 */
final class S3ClientSink implements ObjectSink {

    /** The longest a put of one object may take, retries included. */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final S3Target target;
    private final S3Client client;

    S3ClientSink(S3Target target) {
        this.target = target;
        this.client = S3Client.builder()
                .endpointOverride(target.endpoint())
                .region(Region.of(target.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(target.accessKey(), target.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }

    @Override
    public String put(StreamConfig config, String key, List<byte[]> records) {
        byte[] body = body(config.gzip(), records);
        client.putObject(r -> r.bucket(config.bucket()).key(key).contentLength((long) body.length),
                RequestBody.fromBytes(body));
        return "s3://" + config.bucket() + "/" + key + " at " + target.endpoint();
    }

    /** The records concatenated, GZIP-compressed as one member when asked. */
    static byte[] body(boolean gzip, List<byte[]> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 64 * 1024) : bytes) {
            for (byte[] r : records) {
                out.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build an object in memory", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        client.close();
    }
}
