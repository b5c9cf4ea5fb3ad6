package dev.firehose.local.internal.delivery;

import dev.firehose.local.internal.stream.StreamConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Where delivered objects go: files in the data directory, or an S3-compatible endpoint. Called
 * by {@link Delivery} while it holds the stream; implementations are thread-safe.
 */
public interface ObjectSink extends AutoCloseable {

    /**
     * Stores one object: the records, concatenated (and GZIP-compressed when the stream says so),
     * under {@code key} in the stream's bucket.
     *
     * @return where the object went, for the log
     * @throws RuntimeException when it could not be stored
     */
    String put(StreamConfig config, String key, List<byte[]> records);

    /** Releases what the sink holds (an S3 client); the directory sink holds nothing. */
    @Override
    default void close() {
    }

    /** Objects as files, {@code <root>/<bucket>/<key>}. */
    static ObjectSink directory(Path root) {
        S3Writer writer = new S3Writer(root);
        return (config, key, records) -> writer.write(config, key, records).toString();
    }

    /**
     * Objects put into an S3-compatible endpoint with the SDK's S3 client.
     *
     * @throws IllegalStateException when the SDK's S3 module is not on the class path
     */
    static ObjectSink s3(S3Target target) {
        try {
            Class.forName("software.amazon.awssdk.services.s3.S3Client", false, ObjectSink.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Delivery to the S3 endpoint " + target.endpoint() + " needs the AWS SDK's "
                    + "S3 module, software.amazon.awssdk:s3, on the class path: an optional dependency of "
                    + "firehose-local (its executable jar bundles it)", e);
        }
        return new S3ClientSink(target);
    }
}
