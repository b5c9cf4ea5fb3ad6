package dev.firehose.local.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image built from firehose-local's Dockerfile, run as a container: records put through the
 * Firehose API come back through the S3 API. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class FirehoseLocalContainerTest {

    /** firehose-local's executable jar, built before this module (the path comes from the POM). */
    private static final Path JAR = Path.of(System.getProperty("firehose-local.jar", "../firehose-local/target/missing.jar"));

    @Container
    private static final FirehoseLocalContainer FIREHOSE = new FirehoseLocalContainer(
            new ImageFromDockerfile("firehose-local-test", true)
                    .withFileFromPath("Dockerfile", Path.of("../firehose-local/Dockerfile"))
                    .withFileFromPath("target/" + JAR.getFileName(), JAR))
            .withStreams("clicks");

    @Test
    void recordsPutInTheContainerAreReadBackOverS3() throws Exception {
        List<String> put = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            put.add("record-" + i + "\n");
            records.add(Record.builder().data(SdkBytes.fromUtf8String(put.get(i))).build());
        }
        PutRecordBatchResponse response;
        try (FirehoseClient client = FirehoseClient.builder().applyMutation(FIREHOSE.firehoseClientCustomizer()).build()) {
            response = client.putRecordBatch(r -> r.deliveryStreamName("clicks").records(records));
        }
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(FIREHOSE.endpoint() + "/_local/deliver"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String ledger = http.send(HttpRequest.newBuilder(URI.create(FIREHOSE.endpoint() + "/_local/ledger?stream=clicks"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();

        StringBuilder read = new StringBuilder();
        try (S3Client s3 = FIREHOSE.configure(S3Client.builder()).forcePathStyle(true).build()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket("firehose-local")).contents()) {
                read.append(s3.getObjectAsBytes(r -> r.bucket("firehose-local").key(o.key())).asString(StandardCharsets.UTF_8));
            }
        }

        assertThat(response.failedPutCount()).isZero();
        assertThat(ledger).contains("\"stored\":50");
        assertThat(List.of(read.toString().split("(?<=\n)"))).containsExactlyInAnyOrderElementsOf(put);
    }
}
