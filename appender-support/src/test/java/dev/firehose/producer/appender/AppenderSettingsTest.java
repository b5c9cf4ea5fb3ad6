package dev.firehose.producer.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.firehose.producer.BufferFullPolicy;
import dev.firehose.producer.ProducerConfig;
import dev.firehose.producer.RecordPacking;
import dev.firehose.producer.appender.internal.LoggerExclusions;
import dev.firehose.producer.appender.internal.ReportGate;
import dev.firehose.producer.appender.internal.Units;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppenderSettingsTest {

    @Test
    void theDefaultsAreThoseForLogs() {
        AppenderSettings s = new AppenderSettings();
        s.setStreamName("app-logs");
        AppenderSettings.Resolved r = s.resolve();
        ProducerConfig c = r.producerConfig();
        assertThat(c.packing()).isEqualTo(RecordPacking.newlineDelimited());
        assertThat(c.bufferFullPolicy()).isEqualTo(BufferFullPolicy.FAIL);
        assertThat(c.maxStreamBufferShare()).isEqualTo(1.0);
        assertThat(c.maxBufferedRecords()).isEqualTo(100_000);
        assertThat(c.maxBufferedBytes()).isEqualTo(32L << 20);
        assertThat(c.lingerTime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.closeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.region()).isNull();
        assertThat(r.endpoint()).isNull();
        assertThat(r.excludedLoggers()).isEqualTo(LogShipper.ALWAYS_EXCLUDED_LOGGERS);
    }

    @Test
    void aBlockTimeTurnsOnABoundedWait() {
        AppenderSettings s = new AppenderSettings();
        s.setStreamName("app-logs");
        s.setMaxBlockTime("250ms");
        s.setPacking("concatenated");
        s.setGzip(true);
        s.setExcludeLoggers(" com.example.http , ,org.eclipse.jetty");
        AppenderSettings.Resolved r = s.resolve();
        assertThat(r.producerConfig().bufferFullPolicy()).isEqualTo(BufferFullPolicy.BLOCK);
        assertThat(r.producerConfig().maxBlockTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(r.producerConfig().packing()).isEqualTo(RecordPacking.concatenated().gzip());
        assertThat(r.excludedLoggers()).endsWith("com.example.http", "org.eclipse.jetty");
    }

    @Test
    void everyMistakeIsNamedWithItsValue() {
        AppenderSettings s = new AppenderSettings();
        s.setStreamName("bad name!");
        s.setEndpoint("not a uri");
        s.setMaxBufferedBytes("lots");
        s.setMaxAttempts(0);
        s.setCloseTimeout("PT-1S");
        assertThatThrownBy(s::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad name!")
                .hasMessageContaining("endpoint must be an absolute URI")
                .hasMessageContaining("maxBufferedBytes must be a size (for example 1048576, 512KiB, 32MiB, 8MB),"
                        + " was 'lots'")
                .hasMessageContaining("maxAttempts")
                .hasMessageContaining("closeTimeout must be zero or more");
    }

    @Test
    void aSettingSetToNullIsNamedAsMissing() {
        AppenderSettings s = new AppenderSettings();
        s.setStreamName("app-logs");
        s.setMaxBufferedBytes(null);
        s.setLingerTime(null);
        s.setCloseTimeout(null);
        assertThatThrownBy(s::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBufferedBytes must be a size (for example 1048576, 512KiB, 32MiB, 8MB),"
                        + " was null")
                .hasMessageContaining("lingerTime must be a duration (for example 250ms, 5s, 2m, 1h, PT5S), was null")
                .hasMessageContaining("closeTimeout must be a duration")
                .hasMessageNotContaining("NullPointer").hasMessageNotContaining("Cannot invoke");
    }

    @Test
    void rulesBetweenSettingsAreChecked() {
        AppenderSettings s = new AppenderSettings();
        s.setStreamName("app-logs");
        s.setMaxBufferedRecords(10);
        assertThatThrownBy(s::resolve).hasMessageContaining("maxBufferedRecords (10) must be at least maxBatchRecords");
    }

    @Test
    void unitsReadTheWayConfigurationFilesWriteThem() {
        assertThat(Units.duration("d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration("d", " 5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Units.duration("d", "2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.duration("d", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.duration("d", "PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Units.bytes("b", "1048576")).isEqualTo(1_048_576);
        assertThat(Units.bytes("b", "512KiB")).isEqualTo(512 * 1024);
        assertThat(Units.bytes("b", "8 MB")).isEqualTo(8_000_000);
        assertThat(Units.bytes("b", "1GiB")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Units.bytes("b", "99999999999GiB")).hasMessageContaining("was '99999999999GiB'");
        assertThatThrownBy(() -> Units.duration("d", "5 fortnights")).hasMessageContaining("d must be a duration");
    }

    @Test
    void anExcludedPrefixMatchesItsLoggerAndItsDescendantsOnly() {
        LoggerExclusions ex = new LoggerExclusions(List.of("io.netty", "software.amazon.awssdk"));
        assertThat(ex.excludes("io.netty")).isTrue();
        assertThat(ex.excludes("io.netty.channel.nio.NioEventLoop")).isTrue();
        assertThat(ex.excludes("io.netty$Inner")).isTrue();
        assertThat(ex.excludes("io.nettyx")).isFalse();
        assertThat(ex.excludes("software.amazon.awssdk.request")).isTrue();
        assertThat(ex.excludes("app.orders")).isFalse();
        assertThat(ex.excludes(null)).isFalse();
    }

    @Test
    void theReportGateOpensOncePerInterval() {
        AtomicLong now = new AtomicLong(1_000);
        ReportGate gate = new ReportGate(Duration.ofSeconds(10), now::get);
        assertThat(gate.tryOpen()).isTrue();
        assertThat(gate.tryOpen()).isFalse();
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(gate.tryOpen()).isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(gate.tryOpen()).isTrue();
        assertThat(gate.tryOpen()).isFalse();
    }
}
