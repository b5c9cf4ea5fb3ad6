package com.example.clicks;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.PutResult;
import dev.firehose.producer.metrics.FirehoseProducerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/** Sends click events to a delivery stream through a client the application built itself. */
public final class ClickPublisher implements AutoCloseable {

    private final FirehoseClient client;
    private final FirehoseProducer producer;
    private final FirehoseProducerMetrics metrics;

    public ClickPublisher(URI endpoint, String stream, MeterRegistry registry) {
        this.client = FirehoseClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .build();
        this.producer = FirehoseProducer.builder().deliveryStreamName(stream).client(client).build();
        this.metrics = new FirehoseProducerMetrics(producer);
        metrics.bindTo(registry);
    }

    /** Puts one event per click and waits for every result. */
    public List<PutResult> publish(int clicks) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int i = 0; i < clicks; i++) {
            futures.add(producer.put(("{\"click\":" + i + "}\n").getBytes(StandardCharsets.UTF_8)));
        }
        List<PutResult> results = new ArrayList<>();
        for (CompletableFuture<PutResult> f : futures) {
            results.add(f.join());
        }
        return results;
    }

    @Override
    public void close() {
        producer.close();
        client.close();
    }
}
