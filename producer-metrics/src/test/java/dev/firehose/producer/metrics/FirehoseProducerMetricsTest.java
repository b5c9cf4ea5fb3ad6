package dev.firehose.producer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.firehose.local.Faults;
import dev.firehose.local.FirehoseLocal;
import dev.firehose.local.Quota;
import dev.firehose.local.StoredRecord;
import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.PutResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * {@link FirehoseProducerMetrics} against firehose-local: after a workload with faults, every
 * meter holds the value derived from the endpoint's ledger, the wire and the records' futures.
 */
class FirehoseProducerMetricsTest {

    private static FirehoseLocal local;
    /** Every PutRecordBatch exchange of {@link #client}. */
    private static final LocalWorkload.Wire wire = new LocalWorkload.Wire();
    /** One client for all tests (closing a client takes seconds): one HTTP request per call, logged. */
    private static FirehoseAsyncClient client;

    @BeforeAll
    static void startEndpoint() {
        local = FirehoseLocal.builder().port(0).seed(42).build().start();
        client = LocalWorkload.firehoseClient(local, wire);
    }

    /** A workload with faults of one kind, and the error codes it must produce. */
    record FaultProfile(String name, Faults faults, Quota quota, dev.firehose.producer.ProducerConfig config,
                        int records, List<String> codesExercised, boolean someRecordsFail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<FaultProfile> faultProfiles() {
        return List.of(
                // 300 records/s throttles entries (never whole requests): a request carries up to 500 records.
                new FaultProfile("entry failures and throttling",
                        Faults.builder().entryInternalFailureRate(0.2).build(),
                        Quota.builder().recordsPerSecond(300).build(),
                        LocalWorkload.quickConfig().maxAttempts(3).lingerTime(Duration.ofSeconds(1)).build(),
                        1_000, List.of("InternalFailure", "ServiceUnavailableException"), true),
                // Small requests, so that there are many of them to fail as a whole.
                new FaultProfile("request errors and dropped connections",
                        Faults.builder().requestInternalErrorRate(0.3).dropBeforeStoreRate(0.25).build(),
                        Quota.unlimited(),
                        LocalWorkload.quickConfig().maxAttempts(10).maxBatchRecords(25).build(),
                        500, List.of("InternalFailure", "IOError"), false),
                // 5 requests/s against 10 requests sent at once: whole requests are throttled.
                new FaultProfile("whole requests throttled",
                        Faults.none(),
                        Quota.builder().requestsPerSecond(5).build(),
                        LocalWorkload.quickConfig().maxBatchRecords(20).build(),
                        200, List.of("ServiceUnavailableException"), false));
    }

    @AfterAll
    static void stopEndpoint() {
        if (client != null) {
            client.close();
        }
        if (local != null) {
            local.close();
        }
    }

    /**
     * The wire's exchanges of the stream once it has recorded as many as the endpoint received (at
     * most 10 s): a call the producer gave up on (its deadline, close) may finish in the SDK, and
     * reach the wire's interceptor, a moment after the records settled. Never more than 10 s: a
     * request the wire never sees still fails the count below.
     */
    private static List<LocalWorkload.Wire.Exchange> exchangesOnceRecorded(String stream) {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (wire.of(stream).size() < local.ledger().requestsReceived(stream) && System.nanoTime() - until < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
        }
        return wire.of(stream);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultProfiles")
    void everyMeterHoldsWhatTheLedgerTheWireAndTheFuturesSay(FaultProfile profile) {
        String stream = "exact-" + profile.records();
        local.createDeliveryStream(stream);
        local.setFaults(stream, profile.faults());
        local.setQuota(stream, profile.quota());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<byte[]> records = LocalWorkload.records(stream, profile.records());

        List<LocalWorkload.Outcome> outcomes;
        try (FirehoseProducerMetrics metrics = bindAndRun(client, registry, stream, records, profile.config())) {
            outcomes = lastOutcomes;
            List<LocalWorkload.Wire.Exchange> exchanges = exchangesOnceRecorded(stream);
            // The binder knows exactly what it registered.
            assertThat(metrics.meterIds()).containsExactlyInAnyOrderElementsOf(
                    registry.getMeters().stream().map(Meter::getId).toList());

            // The expected values: the endpoint's ledger, the wire, the futures.
            List<StoredRecord> stored = local.ledger().records(stream);
            long storedBytes = stored.stream().mapToLong(r -> r.data().length).sum();
            List<LocalWorkload.Wire.Exchange> answered =
                    exchanges.stream().filter(LocalWorkload.Wire.Exchange::answeredWithResults).toList();
            // Requests the service received: answered with results, or refused as throttled.
            List<LocalWorkload.Wire.Exchange> received = exchanges.stream()
                    .filter(x -> x.answeredWithResults() || x.refusedAsThrottled()).toList();
            Map<String, Integer> failedEntries = new HashMap<>();
            for (LocalWorkload.Wire.Exchange x : exchanges) {
                if (x.answeredWithResults()) {
                    x.entryErrors().forEach((code, n) -> failedEntries.merge(code, n, Integer::sum));
                } else {
                    failedEntries.merge(x.status() == 0 ? "IOError" : x.errorCode(), x.records(), Integer::sum);
                }
            }
            Map<String, Integer> failedRecords = new HashMap<>();
            outcomes.stream().filter(o -> !o.acknowledged())
                    .forEach(o -> failedRecords.merge(o.failure().errorCode(), 1, Integer::sum));
            long acknowledged = outcomes.stream().filter(LocalWorkload.Outcome::acknowledged).count();
            long attempts = outcomes.stream().mapToLong(LocalWorkload.Outcome::attempts).sum();

            // The workload exercised what it is meant to.
            assertThat(failedEntries).containsKeys(profile.codesExercised().toArray(String[]::new));
            if (profile.someRecordsFail()) {
                assertThat(failedRecords).as("records that finally failed").isNotEmpty();
            }
            // Cross-checks between the three sources.
            assertThat(local.ledger().duplicates(stream)).isEmpty();
            assertThat(acknowledged).isEqualTo(local.ledger().count(stream));
            assertThat((long) exchanges.size()).isEqualTo(local.ledger().requestsReceived(stream));
            assertThat(exchanges.stream().mapToLong(LocalWorkload.Wire.Exchange::records).sum())
                    .isEqualTo(attempts).isEqualTo(local.ledger().entriesReceived(stream));

            // Mirrors of AWS/Firehose.
            assertThat(count(registry, "firehose.incoming.records", stream)).isEqualTo(local.ledger().count(stream));
            assertThat(count(registry, "firehose.incoming.bytes", stream)).isEqualTo(storedBytes);
            assertThat(count(registry, "firehose.incoming.put.requests", stream)).isEqualTo(answered.size());
            assertThat(count(registry, "firehose.throttled.records", stream))
                    .isEqualTo(local.ledger().entriesThrottled(stream));
            assertThat(count(registry, "firehose.put.record.batch.requests", stream)).isEqualTo(received.size());
            assertThat(count(registry, "firehose.put.record.batch.records", stream))
                    .isEqualTo(received.stream().mapToLong(LocalWorkload.Wire.Exchange::records).sum());
            assertThat(count(registry, "firehose.put.record.batch.bytes", stream))
                    .isEqualTo(received.stream().mapToLong(LocalWorkload.Wire.Exchange::bytes).sum());
            Timer latency = registry.get("firehose.put.record.batch.latency").tag("stream", stream).timer();
            assertThat(latency.count()).isEqualTo(received.size());

            // Client only.
            assertThat(count(registry, "firehose.producer.put.records", stream)).isEqualTo(records.size());
            assertThat(count(registry, "firehose.producer.retried.records", stream))
                    .isEqualTo(attempts - records.size());
            assertThat(countsByCode(registry, "firehose.producer.failed.entries", stream))
                    .isEqualTo(toDoubles(failedEntries));
            assertThat(countsByCode(registry, "firehose.producer.failed.records", stream))
                    .isEqualTo(toDoubles(failedRecords));
            assertThat(count(registry, "firehose.producer.possible.duplicate.records", stream))
                    .isEqualTo(outcomes.stream().filter(LocalWorkload.Outcome::mayBeDuplicated).count());
            DistributionSummary attemptsPerRecord = registry.get("firehose.producer.record.attempts")
                    .tag("stream", stream).summary();
            assertThat(attemptsPerRecord.count()).isEqualTo(records.size());
            assertThat(attemptsPerRecord.totalAmount()).isEqualTo(attempts);
            assertThat(attemptsPerRecord.max()).isEqualTo(
                    outcomes.stream().mapToInt(LocalWorkload.Outcome::attempts).max().orElseThrow());
            DistributionSummary perRequest = registry.get("firehose.producer.request.records").tag("stream", stream)
                    .summary();
            assertThat(perRequest.count()).isEqualTo(exchanges.size());
            assertThat(perRequest.totalAmount()).isEqualTo(attempts);
            assertThat(perRequest.max()).isLessThanOrEqualTo(500);

            // Drained: every level is back to zero.
            assertLevels(registry, stream, 0, 0, 0);
            assertThat(registry.get("firehose.producer.oldest.buffered.record.age").tag("stream", stream)
                    .timeGauge().value(TimeUnit.NANOSECONDS)).isZero();
        }
    }

    /** The outcomes of the last {@link #bindAndRun}. */
    private static List<LocalWorkload.Outcome> lastOutcomes;

    /**
     * Binds new meters of a new producer to {@code registry}, puts {@code records}, waits for
     * every outcome, then closes the producer: once its sender thread has stopped, every event has
     * reached the meters. Returns the (still bound) meters.
     */
    private static FirehoseProducerMetrics bindAndRun(FirehoseAsyncClient client, MeterRegistry registry,
                                                      String stream, List<byte[]> records,
                                                      dev.firehose.producer.ProducerConfig config) {
        FirehoseProducer producer = FirehoseProducer.builder().client(client).config(config).build();
        FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer);
        metrics.bindTo(registry);
        try {
            lastOutcomes = LocalWorkload.putAll(producer, stream, records);
        } finally {
            LocalWorkload.stopSender(producer);
        }
        return metrics;
    }

    @Test
    void levelsShowWhatIsBufferedAndReturnToZeroWhenDrained() {
        String stream = "metrics-levels";
        local.createDeliveryStream(stream);
        local.setFaults(stream, Faults.builder().latency(Duration.ofMillis(200)).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<byte[]> records = LocalWorkload.records("levels", 10);
        long bytes = records.stream().mapToLong(r -> r.length).sum();

        try (FirehoseProducer producer = FirehoseProducer.builder().client(client)
                     .config(LocalWorkload.quickConfig().lingerTime(Duration.ofSeconds(30)).build()).build();
             FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer).streams(stream).build()) {
            metrics.bindTo(registry);
            assertLevels(registry, stream, 0, 0, 0);

            List<CompletableFuture<PutResult>> futures = records.stream().map(r -> producer.put(stream, r)).toList();
            // Nothing is sent before the 30 s linger time, unless flushed.
            assertLevels(registry, stream, records.size(), bytes, 0);
            TimeGauge age = registry.get("firehose.producer.oldest.buffered.record.age").tag("stream", stream)
                    .timeGauge();
            assertThat(age.value(TimeUnit.NANOSECONDS)).isPositive();

            producer.flush().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertLevels(registry, stream, 0, 0, 0);
            assertThat(age.value(TimeUnit.NANOSECONDS)).isZero();
        }
    }

    @Test
    void putBlockedTimesTheWaitsForBufferSpace() {
        String stream = "metrics-blocked";
        local.createDeliveryStream(stream);
        local.setFaults(stream, Faults.builder().latency(Duration.ofMillis(300)).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<byte[]> records = LocalWorkload.records("blocked", 300);

        try (FirehoseProducer producer = FirehoseProducer.builder().client(client)
                     .config(LocalWorkload.quickConfig().maxBatchRecords(50).maxBufferedRecords(100).build()).build();
             FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);
            long start = System.nanoTime();
            // 300 records through a 100-record buffer, each request taking 300 ms: put must wait.
            List<CompletableFuture<PutResult>> futures = records.stream().map(r -> producer.put(stream, r)).toList();
            long putNanos = System.nanoTime() - start;
            producer.flush().orTimeout(30, TimeUnit.SECONDS).join();
            LocalWorkload.stopSender(producer);

            Timer blocked = registry.get("firehose.producer.put.blocked").tag("stream", stream).timer();
            assertThat(blocked.count()).isBetween(1L, (long) records.size());
            assertThat(blocked.totalTime(TimeUnit.NANOSECONDS)).isPositive().isLessThanOrEqualTo(putNanos);
            assertThat(futures).allMatch(f -> !f.isCompletedExceptionally());
            assertThat(count(registry, "firehose.incoming.records", stream)).isEqualTo(records.size());
        }
    }

    @Test
    void closeRemovesEveryMeterAndDetachesFromTheProducer() {
        String stream = "metrics-close";
        local.createDeliveryStream(stream);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SimpleMeterRegistry other = new SimpleMeterRegistry();

        try (FirehoseProducer producer = FirehoseProducer.builder().client(client)
                     .config(LocalWorkload.quickConfig().build()).build()) {
            FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer, Tags.of("app", "test"));
            metrics.bindTo(registry);
            metrics.bindTo(other);
            LocalWorkload.putAll(producer, stream, LocalWorkload.records("close", 20));
            // Counted on the putting thread, so exact at once.
            assertThat(count(registry, "firehose.producer.put.records", stream)).isEqualTo(20);
            assertThat(count(other, "firehose.producer.put.records", stream)).isEqualTo(20);
            assertThat(registry.getMeters()).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("test"));
            assertThat(metrics.meterIds()).containsAll(registry.getMeters().stream().map(Meter::getId).toList());

            metrics.close();
            assertThat(registry.getMeters()).isEmpty();
            assertThat(other.getMeters()).isEmpty();
            assertThat(metrics.meterIds()).isEmpty();

            // Detached: more records register nothing again.
            LocalWorkload.putAll(producer, stream, LocalWorkload.records("after-close", 5));
            assertThat(registry.getMeters()).isEmpty();
            assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
            metrics.close();
        }
    }

    @Test
    void eachStreamHasItsOwnMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        local.createDeliveryStream("metrics-a");
        local.createDeliveryStream("metrics-b");
        try (FirehoseProducer producer = FirehoseProducer.builder().client(client)
                     .config(LocalWorkload.quickConfig().build()).build();
             FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);
            LocalWorkload.putAll(producer, "metrics-a", LocalWorkload.records("a", 7));
            LocalWorkload.putAll(producer, "metrics-b", LocalWorkload.records("b", 3));
            LocalWorkload.stopSender(producer);

            assertThat(count(registry, "firehose.incoming.records", "metrics-a"))
                    .isEqualTo(local.ledger().count("metrics-a")).isEqualTo(7);
            assertThat(count(registry, "firehose.incoming.records", "metrics-b"))
                    .isEqualTo(local.ledger().count("metrics-b")).isEqualTo(3);
        }
    }

    @Test
    void extraTagsMustNotTakeTheStreamTag() {
        FirehoseProducer producer = new FakeProducer();
        assertThatThrownBy(() -> new FirehoseProducerMetrics(producer, Tags.of("stream", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream");
        assertThatThrownBy(() -> FirehoseProducerMetrics.builder(producer).percentiles(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    }

    @Test
    void aNullStreamIsRefusedWhereItIsGivenAndLeavesTheBuilderAsItWas() {
        FirehoseProducerMetrics.Builder builder = FirehoseProducerMetrics.builder(new FakeProducer());
        assertThatThrownBy(() -> builder.streams("a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("stream");

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FirehoseProducerMetrics metrics = builder.streams("b").build()) {
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).extracting(m -> m.getId().getTag("stream")).containsOnly("b");
        }
    }

    @Test
    void everyMeterHasADescriptionAndTheMirrorsNameTheirCloudWatchMetric() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeProducer producer = new FakeProducer();
        try (FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer).streams("s").build()) {
            metrics.bindTo(registry);
            assertThat(registry.getMeters()).allSatisfy(m -> {
                assertThat(m.getId().getDescription()).isNotBlank();
                assertThat(m.getId().getName()).matches("[a-z]+(\\.[a-z]+)+");
                assertThat(m.getId().getTag("stream")).isEqualTo("s");
            });
            for (FirehoseMetric metric : FirehoseMetric.values()) {
                if (metric.cloudWatchName().startsWith("PutRecord.")) {
                    // The producer sends PutRecordBatch only.
                    assertThat(registry.find(metric.meterName()).meters()).isEmpty();
                    continue;
                }
                Meter meter = registry.get(metric.meterName()).meter();
                assertThat(meter.getId().getDescription()).contains("AWS/Firehose " + metric.cloudWatchName());
                assertThat(meter.getId().getBaseUnit()).isEqualTo(
                        metric.kind() == FirehoseMetric.Kind.COUNT ? metric.baseUnit() : "seconds");
            }
        }
    }

    @Test
    void requestOutcomesCountTheWayTheServiceCountsThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeProducer producer = new FakeProducer();
        try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);
            var l = producer.listener;
            // Answered with results: 10 sent, 7 accepted, 2 throttled, 1 internal failure.
            l.onRequestCompleted(new dev.firehose.producer.RequestCompletedEvent("s", "PutRecordBatch", 10, 1_000,
                    Duration.ofMillis(30), 7, 690, Map.of("ServiceUnavailableException", 2, "InternalFailure", 1), 2,
                    null));
            // Refused as a whole with "Slow down.": throttled, not taken in.
            l.onRequestCompleted(new dev.firehose.producer.RequestCompletedEvent("s", "PutRecordBatch", 4, 400,
                    Duration.ofMillis(3), 0, 0, Map.of("ServiceUnavailableException", 4), 4,
                    "ServiceUnavailableException"));
            // Refused as a whole with a server error.
            l.onRequestCompleted(new dev.firehose.producer.RequestCompletedEvent("s", "PutRecordBatch", 5, 500,
                    Duration.ofMillis(3), 0, 0, Map.of("InternalFailure", 5), 0, "InternalFailure"));
            // No answer.
            l.onRequestCompleted(new dev.firehose.producer.RequestCompletedEvent("s", "PutRecordBatch", 6, 600,
                    Duration.ofSeconds(10), 0, 0, Map.of("ApiCallTimeout", 6), 0, "ApiCallTimeout"));

            // The service received the answered and the throttled request; it took in only the first.
            assertThat(count(registry, "firehose.put.record.batch.requests", "s")).isEqualTo(2);
            assertThat(count(registry, "firehose.put.record.batch.records", "s")).isEqualTo(14);
            assertThat(count(registry, "firehose.put.record.batch.bytes", "s")).isEqualTo(1_400);
            assertThat(registry.get("firehose.put.record.batch.latency").timer().totalTime(TimeUnit.MILLISECONDS))
                    .isEqualTo(33);
            assertThat(count(registry, "firehose.incoming.put.requests", "s")).isEqualTo(1);
            assertThat(count(registry, "firehose.incoming.records", "s")).isEqualTo(7);
            assertThat(count(registry, "firehose.incoming.bytes", "s")).isEqualTo(690);
            assertThat(count(registry, "firehose.throttled.records", "s")).isEqualTo(6);
            assertThat(countsByCode(registry, "firehose.producer.failed.entries", "s")).isEqualTo(Map.of(
                    "ServiceUnavailableException", 6.0, "InternalFailure", 6.0, "ApiCallTimeout", 6.0));
            assertThat(registry.get("firehose.producer.request.records").summary().totalAmount()).isEqualTo(25);
        }
        assertThat(producer.listener).as("detached on close").isNull();
    }

    @Test
    void gaugesReadTheStreamsLevelsAndStreamsKnownAtBindingGetMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeProducer producer = new FakeProducer();
        producer.streams = Map.of("known", FakeProducer.levels("known", 12, 3_456, 2, Duration.ofMillis(1_500)));
        try (FirehoseProducerMetrics metrics = new FirehoseProducerMetrics(producer)) {
            metrics.bindTo(registry);

            assertLevels(registry, "known", 12, 3_456, 2);
            assertThat(registry.get("firehose.producer.oldest.buffered.record.age").tag("stream", "known")
                    .timeGauge().value(TimeUnit.MILLISECONDS)).isEqualTo(1_500);
            producer.streams = Map.of("known", FakeProducer.levels("known", 0, 0, 0, Duration.ZERO));
            assertLevels(registry, "known", 0, 0, 0);
            // A stream the producer no longer reports reads as 0.
            producer.streams = Map.of();
            assertLevels(registry, "known", 0, 0, 0);
        }
    }

    // Prometheus meters, unlike SimpleMeterRegistry's, keep the percentile histogram's buckets.

    @Test
    void noMeterPublishesAHistogramByDefault() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FakeProducer producer = new FakeProducer();
        try (FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer).streams("s").build()) {
            metrics.bindTo(registry);
            recordEveryDistribution(producer.listener);

            List<HistogramSupport> distributions = histogramSupports(registry);
            assertThat(distributions).extracting(m -> m.getId().getName()).containsExactlyInAnyOrder(
                    "firehose.put.record.batch.latency", "firehose.producer.put.blocked",
                    "firehose.producer.record.attempts", "firehose.producer.request.records");
            assertThat(distributions).allSatisfy(m -> {
                assertThat(m.takeSnapshot().count()).as("%s recorded", m.getId()).isPositive();
                assertThat(m.takeSnapshot().histogramCounts()).as("buckets of %s", m.getId()).isEmpty();
            });
            assertThat(registry.scrape()).contains("firehose_put_record_batch_latency_seconds_count{")
                    .doesNotContain("_bucket");
        }
        assertThat(FirehoseProducerMetrics.DEFAULT_PUBLISH_PERCENTILE_HISTOGRAM).isFalse();
    }

    @Test
    void theOptionTurnsOnTheLatencyHistogram() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FakeProducer producer = new FakeProducer();
        try (FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer).streams("s")
                .publishPercentileHistogram(true).build()) {
            metrics.bindTo(registry);
            recordEveryDistribution(producer.listener);

            Timer latency = registry.get("firehose.put.record.batch.latency").tag("stream", "s").timer();
            CountAtBucket[] buckets = latency.takeSnapshot().histogramCounts();
            assertThat(buckets).isNotEmpty();
            // The one request of 30 ms is in every bucket from 30 ms up, and in none below.
            assertThat(buckets).allSatisfy(b -> assertThat(b.count())
                    .as("requests up to %s ms", b.bucket(TimeUnit.MILLISECONDS))
                    .isEqualTo(b.bucket(TimeUnit.MILLISECONDS) >= 30 ? 1 : 0));
            assertThat(histogramSupports(registry)).filteredOn(m -> m != latency)
                    .hasSize(3).allSatisfy(m -> assertThat(m.takeSnapshot().histogramCounts()).isEmpty());
            String scrape = registry.scrape();
            assertThat(scrape).contains("firehose_put_record_batch_latency_seconds_bucket{");
            assertThat(scrape.lines().filter(l -> l.contains("_bucket{")))
                    .allSatisfy(l -> assertThat(l).startsWith("firehose_put_record_batch_latency_seconds_bucket{"));
        }
    }

    @Test
    void anApplicationMeterFilterCanTurnOnTheHistogramTheDefaultLeavesOff() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("firehose.put.record.batch.latency")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        FakeProducer producer = new FakeProducer();
        try (FirehoseProducerMetrics metrics = FirehoseProducerMetrics.builder(producer).streams("s").build()) {
            metrics.bindTo(registry);
            recordEveryDistribution(producer.listener);

            assertThat(registry.get("firehose.put.record.batch.latency").timer().takeSnapshot().histogramCounts())
                    .isNotEmpty();
            assertThat(registry.scrape()).contains("firehose_put_record_batch_latency_seconds_bucket{");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** One event for each timer and distribution summary of stream {@code s}: a request of 30 ms. */
    private static void recordEveryDistribution(dev.firehose.producer.ProducerListener listener) {
        listener.onPutBlocked("s", Duration.ofMillis(2));
        listener.onRequestCompleted(new dev.firehose.producer.RequestCompletedEvent("s", "PutRecordBatch", 3, 300,
                Duration.ofMillis(30), 3, 300, Map.of(), 0, null));
        listener.onRecordSettled(new dev.firehose.producer.RecordSettledEvent("s", 100, true, null, 1,
                Duration.ofMillis(40), false));
    }

    private static List<HistogramSupport> histogramSupports(MeterRegistry registry) {
        return registry.getMeters().stream()
                .filter(m -> m instanceof Timer || m instanceof DistributionSummary)
                .map(HistogramSupport.class::cast)
                .toList();
    }

    private static double count(MeterRegistry registry, String name, String stream) {
        return registry.get(name).tag("stream", stream).counter().count();
    }

    private static Map<String, Double> countsByCode(MeterRegistry registry, String name, String stream) {
        Map<String, Double> counts = new HashMap<>();
        for (Counter c : registry.find(name).tag("stream", stream).counters()) {
            counts.put(c.getId().getTag("error.code"), c.count());
        }
        return counts;
    }

    private static Map<String, Double> toDoubles(Map<String, Integer> counts) {
        Map<String, Double> out = new HashMap<>();
        counts.forEach((k, v) -> out.put(k, v.doubleValue()));
        return out;
    }

    private static void assertLevels(MeterRegistry registry, String stream, double records, double bytes,
                                     double inFlight) {
        Gauge bufferedRecords = registry.get("firehose.producer.buffered.records").tag("stream", stream).gauge();
        Gauge bufferedBytes = registry.get("firehose.producer.buffered.bytes").tag("stream", stream).gauge();
        Gauge requests = registry.get("firehose.producer.in.flight.requests").tag("stream", stream).gauge();
        assertThat(bufferedRecords.value()).as("buffered records").isEqualTo(records);
        assertThat(bufferedBytes.value()).as("buffered bytes").isEqualTo(bytes);
        assertThat(requests.value()).as("requests in flight").isEqualTo(inFlight);
    }
}
