package dev.firehose.local.internal.delivery;

import java.net.URI;

/**
 * An S3-compatible endpoint to deliver into (MinIO, LocalStack, another firehose-local), and how
 * to sign for it.
 *
 * @param endpoint  its URL
 * @param region    the region to sign for
 * @param accessKey the access key
 * @param secretKey the secret key
 */
public record S3Target(URI endpoint, String region, String accessKey, String secretKey) {

    @Override
    public String toString() {
        return "S3Target{" + endpoint + ", region " + region + ", access key " + accessKey + '}';
    }
}
