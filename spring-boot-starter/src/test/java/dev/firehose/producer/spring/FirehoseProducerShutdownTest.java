package dev.firehose.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.firehose.local.FirehoseLocal;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.spring.app.ClicksApplication;
import dev.firehose.producer.spring.app.ClicksApplication.RecordLedger;
import dev.firehose.producer.spring.app.ClicksApplication.ShutdownGate;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Closing the application settles every record: the web application of
 * {@link FirehoseProducerApplicationTest}, run and closed by the test itself, with requests still
 * coming in and one that puts only once the context has begun to close.
 */
class FirehoseProducerShutdownTest {

    private static final int CLICKS = 100;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService clients = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopClients() throws InterruptedException {
        clients.shutdownNow();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingTheContextSettlesEveryRecordPutBeforeAndDuringIt() throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ClicksApplication.class,
                LocalFirehose.class).properties("server.port=0", "server.shutdown=graceful",
                "firehose.producer.delivery-stream-name=clicks", "spring.main.banner-mode=off").run();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        FirehoseLocal firehose = context.getBean(FirehoseLocal.class);
        FirehoseProducer producer = context.getBean(FirehoseProducer.class);
        RecordLedger ledger = context.getBean(RecordLedger.class);
        ShutdownGate gate = context.getBean(ShutdownGate.class);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < CLICKS; i++) {
                int n = i;
                sent.add(clients.submit(() -> post(port, "/clicks", "{\"click\":" + n + "}")));
            }
            for (Future<Integer> status : sent) {
                assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(202);
            }

            // One request holds until the context begins to close, then puts; others keep coming
            // until the server stops taking them. Nothing waits for the records put so far.
            Future<Integer> duringShutdown = clients.submit(
                    () -> post(port, "/clicks/during-shutdown", "{\"click\":\"last\"}"));
            assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicLong answered = new AtomicLong();
            Future<?> stream = clients.submit(() -> {
                for (int n = 0; sending.get(); n++) {
                    try {
                        if (post(port, "/clicks", "{\"late\":" + n + "}") == 202) {
                            answered.incrementAndGet();
                        }
                    } catch (IOException refused) {
                        return null;     // the server no longer takes connections
                    }
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 0);
            context.close();
            sending.set(false);
            stream.get(30, TimeUnit.SECONDS);

            assertThat(duringShutdown.get(30, TimeUnit.SECONDS)).isEqualTo(202);
            // Every put the application made was accepted (the producer outlived the web server),
            // and every accepted record settled, stored by the endpoint.
            assertThat(ledger.refused).hasValue(0);
            assertThat(ledger.accepted.get()).isGreaterThanOrEqualTo(CLICKS + 1 + answered.get());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ledger.acknowledged.get() + ledger.failed.get() == ledger.accepted.get());
            assertThat(ledger.failed).hasValue(0);
            assertThat(firehose.ledger().count("clicks")).isEqualTo(ledger.acknowledged.get());
            assertThat(producer.stats().total().recordsPut()).isEqualTo(ledger.accepted.get());
            assertThat(producer.stats().total().bufferedRecords()).isZero();
        } finally {
            context.close();
        }
    }

    private int post(int port, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Configuration(proxyBeanMethods = false)
    @AutoConfigureFirehoseLocal(streams = "clicks")
    static class LocalFirehose {
    }
}
