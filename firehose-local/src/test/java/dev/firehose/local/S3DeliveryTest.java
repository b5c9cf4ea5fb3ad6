package dev.firehose.local;

import dev.firehose.local.cloudwatch.MetricKey;
import dev.firehose.local.cloudwatch.StatisticSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Delivery into an S3-compatible endpoint instead of the data directory: the target is a second
 * firehose-local, whose S3 API takes the objects (PutObject) and serves them back.
 */
class S3DeliveryTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    @TempDir
    Path sourceDir;
    @TempDir
    Path targetDir;
    private FirehoseLocal target;
    private FirehoseLocal source;
    private S3Client targetS3;
    private FirehoseClient firehose;

    @BeforeEach
    void start() {
        target = FirehoseLocal.builder().dataDirectory(targetDir).build().start();
        targetS3 = S3ApiTest.s3Client(target);
        source = FirehoseLocal.builder().dataDirectory(sourceDir).clock(new MutableClock(T0))
                .s3Endpoint(target.endpoint()).s3Region("eu-west-1").s3Credentials("key", "secret").build().start();
        firehose = Clients.syncNoRetry(source);
    }

    @AfterEach
    void stop() {
        firehose.close();
        source.close();
        targetS3.close();
        target.close();
    }

    private List<String> put(String stream, int n) {
        List<String> data = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            data.add(stream + "-" + i + "\n");
            records.add(Clients.record(data.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(firehose.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)).failedPutCount()).isZero();
        return data;
    }

    private void create(String stream, String bucket, CompressionFormat compression) {
        firehose.createDeliveryStream(r -> r.deliveryStreamName(stream).extendedS3DestinationConfiguration(d -> d
                .bucketARN("arn:aws:s3:::" + bucket).roleARN("arn:aws:iam::000000000000:role/r").prefix("in/")
                .compressionFormat(compression)));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void objectsArePutIntoTheEndpointUnderTheKeyLayout() throws IOException {
        targetS3.createBucket(r -> r.bucket("lake"));
        create("clicks", "lake", CompressionFormat.UNCOMPRESSED);
        List<String> first = put("clicks", 30);
        source.deliverNow();
        List<String> second = put("clicks", 20);
        source.deliverNow();

        List<S3Object> objects = targetS3.listObjectsV2(r -> r.bucket("lake").prefix("in/")).contents();
        StringBuilder read = new StringBuilder();
        for (S3Object o : objects) {
            read.append(targetS3.getObjectAsBytes(r -> r.bucket("lake").key(o.key())).asUtf8String());
        }

        assertThat(objects).hasSize(2).allSatisfy(o -> assertThat(o.key())
                .matches("in/2026/03/04/05/clicks-1-2026-03-04-05-06-07-[0-9a-f-]{36}"));
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(List.of(read.toString().split("(?<=\n)"))).containsExactlyInAnyOrderElementsOf(all);
        assertThat(source.ledger().count("clicks")).isEqualTo(50);
        assertThat(files(sourceDir)).isEmpty();
    }

    @Test
    void gzipObjectsArriveCompressed() throws IOException {
        targetS3.createBucket(r -> r.bucket("lake"));
        create("zipped", "lake", CompressionFormat.GZIP);
        List<String> data = put("zipped", 10);
        source.deliverNow();

        S3Object o = targetS3.listObjectsV2(r -> r.bucket("lake")).contents().get(0);
        byte[] gz = targetS3.getObjectAsBytes(r -> r.bucket("lake").key(o.key())).asByteArray();

        assertThat(o.key()).endsWith(".gz");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(String.join("", data));
        }
    }

    @Test
    void aMissingBucketLosesTheObjectVisiblyAndTheEndpointGoesOn() throws IOException {
        create("lost", "no-such-bucket", CompressionFormat.UNCOMPRESSED);
        put("lost", 5);

        source.deliverNow();
        List<String> later = put("lost", 3);

        assertThat(source.ledger().count("lost")).isEqualTo(8);
        assertThat(files(targetDir)).isEmpty();
        assertThat(files(sourceDir)).isEmpty();
        StatisticSet success = source.metricStore().statistics(MetricKey.of("AWS/Firehose", "DeliveryToS3.Success",
                Map.of("DeliveryStreamName", "lost")), T0.minusSeconds(60), T0.plusSeconds(60), null).orElseThrow();
        assertThat(success.sum()).isZero();
        assertThat(success.sampleCount()).isEqualTo(1);
        assertThat(later).hasSize(3);
    }

    @Test
    void aBadEndpointIsRefusedWhenSet() {
        assertThatThrownBy(() -> FirehoseLocal.builder().s3Endpoint(java.net.URI.create("ftp://host/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("s3Endpoint must be an http or https URL with a host, was ftp://host/");
        assertThatThrownBy(() -> FirehoseLocal.builder().s3Credentials("", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("accessKey must not be blank");
    }

    @Test
    void theCommandLineNamesTheEndpointAndItsCredentials() {
        FirehoseLocalMain.Options o = FirehoseLocalMain.parse(new String[] {"--s3-endpoint", "http://127.0.0.1:9000",
                "--s3-region=eu-west-1", "--s3-access-key", "minio", "--s3-secret-key", "minio123"});

        assertThat(o.s3()).isEqualTo(new FirehoseLocalMain.S3Options(java.net.URI.create("http://127.0.0.1:9000"),
                "eu-west-1", "minio", "minio123"));
        assertThat(FirehoseLocalMain.parse(new String[0]).s3()).isNull();
        assertThat(FirehoseLocalMain.parse(new String[] {"--s3-endpoint", "http://h:1"}).s3())
                .isEqualTo(new FirehoseLocalMain.S3Options(java.net.URI.create("http://h:1"), "us-east-1",
                        "firehose-local", "firehose-local-secret"));
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--s3-access-key", "k"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--s3-region, --s3-access-key and --s3-secret-key need --s3-endpoint");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--s3-endpoint", "127.0.0.1:9000"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--s3-endpoint needs an http or https URL, was '127.0.0.1:9000'");
    }
}
