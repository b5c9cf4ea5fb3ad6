package dev.firehose.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line of the executable jar. */
class FirehoseLocalMainTest {

    @Test
    void defaultsAreAFixedPortNoFaultsAndNoQuota() {
        FirehoseLocalMain.Options o = FirehoseLocalMain.parse(new String[0]);

        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(4573);
        assertThat(o.dir()).isNull();
        assertThat(o.sink()).isFalse();
        assertThat(o.help()).isFalse();
        assertThat(o.seed()).isZero();
        assertThat(o.ledgerLimit()).isEqualTo(10_000_000L);
        assertThat(o.quota()).isEqualTo(Quota.unlimited());
        assertThat(o.faults()).isEqualTo(Faults.none());
        assertThat(o.streams()).isEmpty();
    }

    @Test
    void everyFlagIsParsed() {
        FirehoseLocalMain.Options o = FirehoseLocalMain.parse(new String[] {
                "--host", "0.0.0.0", "--port", "0", "--dir", "/tmp/x", "--sink", "--seed", "99", "--io-threads=3", "--ledger-limit", "1000",
                "--create-stream", "a", "--create-stream=b",
                "--records-per-second", "1000", "--requests-per-second=20", "--bytes-per-second", "1_048_576",
                "--entry-internal-failure-rate", "0.1", "--entry-service-unavailable-rate", "0.2",
                "--request-internal-error-rate", "0.03", "--request-service-unavailable-rate=0.04",
                "--drop-before-store-rate", "0.05", "--drop-after-store-rate", "0.06", "--latency-ms", "250"});

        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isZero();
        assertThat(o.dir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.sink()).isTrue();
        assertThat(o.seed()).isEqualTo(99);
        assertThat(o.ioThreads()).isEqualTo(3);
        assertThat(o.ledgerLimit()).isEqualTo(1000);
        assertThat(o.streams()).containsExactly("a", "b");
        assertThat(o.quota()).isEqualTo(Quota.builder().recordsPerSecond(1000).requestsPerSecond(20).bytesPerSecond(1_048_576).build());
        assertThat(o.faults()).isEqualTo(Faults.builder().entryInternalFailureRate(0.1).entryServiceUnavailableRate(0.2)
                .requestInternalErrorRate(0.03).requestServiceUnavailableRate(0.04).dropBeforeStoreRate(0.05)
                .dropAfterStoreRate(0.06).latency(Duration.ofMillis(250)).build());
    }

    @Test
    void awsQuotaFlagSetsTheLargeRegionDefault() {
        assertThat(FirehoseLocalMain.parse(new String[] {"--aws-quota"}).quota()).isEqualTo(Quota.awsLargeRegionDefault());
    }

    @Test
    void helpIsRecognised() {
        assertThat(FirehoseLocalMain.parse(new String[] {"--help"}).help()).isTrue();
        assertThat(FirehoseLocalMain.USAGE).contains("--port", "--dir", "--sink", "--seed", "--create-stream",
                "--records-per-second", "--drop-after-store-rate", "--latency-ms", "/_local/faults");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--bogus", "1"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument '--bogus'");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--bogus"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument '--bogus'");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--bogus=1"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument '--bogus=1'");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--sink=yes"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--sink takes no value, was '--sink=yes'");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--port"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--port needs a value");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--port", "http"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--port needs an integer, was 'http'");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--port", "70000"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--port must be in [0, 65535], was 70000");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--drop-before-store-rate", "1.5"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dropBeforeStoreRate must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--records-per-second", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("recordsPerSecond must be at least 1, was 0");
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"stray"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument 'stray'");
    }

    @Test
    void startPrintsTheEndpointAndCreatesTheStreams(@TempDir Path dir) {
        FirehoseLocalMain.Options o = FirehoseLocalMain.parse(new String[] {
                "--port", "0", "--dir", dir.toString(), "--create-stream", "one", "--create-stream", "two"});
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        try (FirehoseLocal local = FirehoseLocalMain.start(o, new PrintStream(out, true, StandardCharsets.UTF_8));
             FirehoseClient client = local.syncClient()) {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed.lines().findFirst()).contains(local.endpoint().toString());
            assertThat(local.endpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(local.dataDirectory()).isEqualTo(dir);
            assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).containsExactly("one", "two");
        }
    }
}
