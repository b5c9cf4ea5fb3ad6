package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.spring.app.ClicksApplication;
import dev.firehose.producer.spring.app.ClicksApplication.RecordLedger;
import dev.firehose.producer.spring.test.AutoConfigureFirehoseLocal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real web application against firehose-local: records put from a controller all arrive, and
 * the meters, health and stats are served by Actuator. (Closing the context is in
 * {@link FirehoseProducerShutdownTest}: the test framework keeps this one open.)
 */
@SpringBootTest(classes = ClicksApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"firehose.producer.delivery-stream-name=clicks",
                "management.endpoints.web.exposure.include=health,metrics,firehose",
                "management.endpoint.health.show-details=always", "server.shutdown=graceful"})
@AutoConfigureFirehoseLocal(streams = "clicks")
@DirtiesContext
class FirehoseProducerApplicationTest {

    private static final int CLICKS = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    FirehoseLocal firehose;

    @Autowired
    FirehoseProducer producer;

    @Autowired
    RecordLedger ledger;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService clients = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopClients() throws InterruptedException {
        clients.shutdownNow();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyRecordPutFromAControllerArrivesAndShowsInActuator() throws Exception {
        // Clicks from four clients at once.
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < CLICKS; i++) {
            int n = i;
            sent.add(clients.submit(() -> post("/clicks", "{\"click\":" + n + "}")));
        }
        for (Future<Integer> status : sent) {
            assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(202);
        }
        producer.flush().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.acknowledged.get() == CLICKS);
        assertThat(firehose.ledger().count("clicks")).isEqualTo(CLICKS);

        // The meters, the health and the stats, as Actuator serves them.
        JsonNode putRecords = getJson("/actuator/metrics/firehose.producer.put.records?tag=stream:clicks");
        assertThat(putRecords.get("measurements").get(0).get("value").asDouble()).isEqualTo(CLICKS);
        JsonNode incoming = getJson("/actuator/metrics/firehose.incoming.records?tag=stream:clicks");
        assertThat(incoming.get("measurements").get(0).get("value").asDouble()).isEqualTo(CLICKS);
        JsonNode health = getJson("/actuator/health/firehose");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("bufferedRecords").asLong()).isZero();
        JsonNode stats = getJson("/actuator/firehose");
        assertThat(stats.get("total").get("recordsPut").asLong()).isEqualTo(CLICKS);
        assertThat(stats.get("streams").get("clicks").get("recordsAcknowledged").asLong()).isEqualTo(CLICKS);

    }

    private int post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

}
