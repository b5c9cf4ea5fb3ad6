package dev.firehose.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;

/**
 * A smoke test against LocalStack's Firehose in a container: the producer talks to a second,
 * independent implementation of the API. Skipped when no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class FirehoseProducerLocalStackTest {

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
                    .withServices("firehose", "s3");

    @Test
    void recordsPutThroughTheProducerAreAcknowledged() throws Exception {
        try (FirehoseAsyncClient client = FirehoseAsyncClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            client.createDeliveryStream(b -> b.deliveryStreamName("smoke")
                    .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                    .extendedS3DestinationConfiguration(s -> s.bucketARN("arn:aws:s3:::smoke-bucket")
                            .roleARN("arn:aws:iam::000000000000:role/firehose"))).join();
            for (int i = 0; i < 60; i++) {
                DeliveryStreamStatus status = client.describeDeliveryStream(b -> b.deliveryStreamName("smoke")).join()
                        .deliveryStreamDescription().deliveryStreamStatus();
                if (status == DeliveryStreamStatus.ACTIVE) {
                    break;
                }
                Thread.sleep(500);
            }

            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            try (FirehoseProducer producer = FirehoseProducer.builder().deliveryStreamName("smoke").client(client)
                    .config(ProducerConfig.builder().lingerTime(Duration.ofMillis(10)).build()).build()) {
                for (int i = 0; i < 20; i++) {
                    futures.add(producer.put("smoke-" + i + "\n"));
                }
                producer.flush().join();
                assertThat(producer.stats().stream("smoke").recordsAcknowledged()).isEqualTo(20);
            }
            assertThat(futures).allSatisfy(f -> assertThat(f.join().recordId()).isNotBlank());
        }
    }
}
