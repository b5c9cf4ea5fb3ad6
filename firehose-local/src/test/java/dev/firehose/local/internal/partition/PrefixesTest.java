package dev.firehose.local.internal.partition;

import dev.firehose.local.internal.protocol.ApiError;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prefix expressions, the default time folder and the rules between Prefix and ErrorOutputPrefix. */
class PrefixesTest {

    private static final Instant T = Instant.parse("2018-08-27T10:30:00Z");

    private static Prefixes plain(String prefix, String errorPrefix) {
        return Prefixes.of(prefix, errorPrefix, false, Set.of());
    }

    private static String data(Prefixes p) {
        return p.data(T, Map.of(), new SplittableRandom(1));
    }

    @Test
    void prefixWithoutExpressionsGetsTheTimeFolderByConcatenation() {
        assertThat(data(plain("", ""))).isEqualTo("2018/08/27/10/");
        assertThat(data(plain("logs/", ""))).isEqualTo("logs/2018/08/27/10/");
        assertThat(data(plain("legacy", ""))).isEqualTo("legacy2018/08/27/10/");
    }

    @Test
    void prefixWithExpressionsIsUsedAsEvaluatedWithNoTimeFolder() {
        Prefixes p = plain("myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
                "err/!{firehose:error-output-type}/");
        assertThat(data(p)).isEqualTo("myPrefix/year=2018/month=08/day=27/hour=10/");
    }

    @Test
    void prefixWithExpressionsButNoTimestampGetsTheTimeFolderAppended() {
        // The service's rule: a Prefix with no timestamp expression gets !{timestamp:yyyy/MM/dd/HH/} appended.
        assertThat(data(plain("r=!{firehose:random-string}/", "e/!{firehose:error-output-type}")))
                .matches("r=[0-9a-f]{11}/2018/08/27/10/");
        assertThat(data(plain("x/!{timestamp:yyyy}/", "e/!{firehose:error-output-type}"))).isEqualTo("x/2018/");
    }

    @Test
    void timestampPatternsHonourQuotedLiteralsAndAllEvaluateToTheSameInstant() {
        Prefixes p = plain("!{timestamp:'year='yyyy'/month='MM}/!{timestamp:yyyy-MM-dd'T'HH}/", "e/!{firehose:error-output-type}");
        assertThat(data(p)).isEqualTo("year=2018/month=08/2018-08-27T10/");
    }

    @Test
    void everyRandomStringIsDrawnAnew() {
        String evaluated = data(plain("!{firehose:random-string}/!{firehose:random-string}/", "e/!{firehose:error-output-type}"));
        String[] parts = evaluated.split("/");
        assertThat(parts[0]).hasSize(PrefixTemplate.RANDOM_STRING_LENGTH).isNotEqualTo(parts[1]);
        assertThat(parts[1]).hasSize(PrefixTemplate.RANDOM_STRING_LENGTH);
    }

    @Test
    void errorOutputPrefixEvaluatesTheErrorType() {
        Prefixes p = plain("data/!{timestamp:yyyy}/", "myFirehoseFailures/!{firehose:error-output-type}/!{timestamp:yyyy}/anyMonth/!{timestamp:dd}");
        assertThat(p.error(T, "partitioning-failed", new SplittableRandom(1)))
                .isEqualTo("myFirehoseFailures/partitioning-failed/2018/anyMonth/27");
    }

    @Test
    void errorOutputWithoutExpressionsGetsTheTypeAndTimeFolder() {
        assertThat(plain("logs/", "").error(T, "processing-failed", new SplittableRandom(1)))
                .isEqualTo("logs/processing-failed/2018/08/27/10/");
        assertThat(plain("logs/", "errors/").error(T, "processing-failed", new SplittableRandom(1)))
                .isEqualTo("errors/processing-failed/2018/08/27/10/");
    }

    @Test
    void partitionKeysAreFilledInOrder() {
        Prefixes p = Prefixes.of("c=!{partitionKeyFromQuery:customer}/d=!{partitionKeyFromQuery:device}/",
                "e/!{firehose:error-output-type}/", true, Set.of("device", "customer"));
        assertThat(p.partitionKeys()).containsExactly("customer", "device");
        assertThat(p.data(T, Map.of("customer", "42", "device", "mobile"), new SplittableRandom(1)))
                .isEqualTo("c=42/d=mobile/");
    }

    @Test
    void prefixWithExpressionsNeedsAnErrorOutputPrefixInTheServicesWords() {
        assertThatThrownBy(() -> plain("!{timestamp:yyyy/MM/dd}", ""))
                .isInstanceOf(ApiError.class)
                .hasMessage("Ths supplied prefix(es) do not satisfy the following constraint: "
                        + "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
                .extracting(e -> ((ApiError) e).code()).isEqualTo(ApiError.INVALID_ARGUMENT);
    }

    @Test
    void partitionKeyNamespacesNeedDynamicPartitioningInTheServicesWords() {
        assertThatThrownBy(() -> plain("!{partitionKeyFromQuery:a}/", "e/!{firehose:error-output-type}"))
                .hasMessage("Dynamic Partitioning Namespaces can only be part of a prefix expression when "
                        + "Dynamic Partitioning is enabled.");
    }

    @Test
    void brokenRulesAreRefusedWithTheValueNamed() {
        assertThatThrownBy(() -> plain("a/!{firehose:error-output-type}/", "e/!{firehose:error-output-type}"))
                .hasMessageContaining("Prefix 'a/!{firehose:error-output-type}/' contains !{firehose:error-output-type}");
        assertThatThrownBy(() -> plain("a/", "e/!{timestamp:yyyy}/"))
                .hasMessageContaining("ErrorOutputPrefix 'e/!{timestamp:yyyy}/' contains expressions but no "
                        + "!{firehose:error-output-type}");
        assertThatThrownBy(() -> plain("a/!{timestamp:yyyy", "e/"))
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> plain("a/!{time:yyyy}/", "e/"))
                .hasMessageContaining("unknown namespace 'time'");
        assertThatThrownBy(() -> plain("a/!{firehose:uuid}/", "e/"))
                .hasMessageContaining("names 'uuid'");
        assertThatThrownBy(() -> plain("a/!{timestamp:yyyy-ZZZZZZ}/", "e/"))
                .hasMessageContaining("not a valid Java DateTimeFormatter pattern");
        assertThatThrownBy(() -> plain("a/!{timestamp}/", "e/"))
                .hasMessageContaining("has no ':'");
        assertThatThrownBy(() -> plain("a/!{timestamp:}/", "e/"))
                .hasMessageContaining("empty value");
        assertThatThrownBy(() -> Prefixes.of("a/!{partitionKeyFromLambda:x}/", "e/!{firehose:error-output-type}", true, Set.of()))
                .hasMessageContaining("runs no Lambda functions");
        assertThatThrownBy(() -> Prefixes.of("a/!{partitionKeyFromQuery:x}/", "e/!{firehose:error-output-type}", true, Set.of("y")))
                .hasMessageContaining("defines no key 'x' (it defines y)");
        assertThatThrownBy(() -> Prefixes.of("a/!{partitionKeyFromQuery:x}/", "", true, Set.of("x")))
                .hasMessage("ErrorOutputPrefix is required when dynamic partitioning is enabled.");
        assertThatThrownBy(() -> Prefixes.of("", "e/!{firehose:error-output-type}", true, Set.of("x")))
                .hasMessage("Prefix is required when dynamic partitioning is enabled.");
        assertThatThrownBy(() -> Prefixes.of("a/!{partitionKeyFromQuery:x}/", "e/!{partitionKeyFromQuery:x}/!{firehose:error-output-type}", true, Set.of("x")))
                .hasMessageContaining("failed records have no partition keys");
    }
}
