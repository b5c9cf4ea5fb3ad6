package dev.firehose.local.internal.partition;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RecordDeAggregation: JSON objects and delimited parts, the 500-sub-record cap. */
class DeaggregationTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> parts) {
        return parts.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void jsonSplitsConcatenatedObjectsAndJsonLinesDroppingTheWhitespaceBetween() {
        assertThat(strings(Deaggregation.json().split(b("{\"a\":1}{\"a\":{\"b\":[2]}}\n{ \"a\" : 3 }\r\n"))))
                .containsExactly("{\"a\":1}", "{\"a\":{\"b\":[2]}}", "{ \"a\" : 3 }");
    }

    @Test
    void jsonRefusesArraysScalarsBrokenJsonAndEmptyRecords() {
        assertThatThrownBy(() -> Deaggregation.json().split(b("[{\"a\":1},{\"a\":2}]")))
                .isInstanceOf(Deaggregation.DeaggregationException.class).hasMessageContaining("not arrays");
        assertThatThrownBy(() -> Deaggregation.json().split(b("{\"a\":1} 7")))
                .hasMessageContaining("sub-record 2 starts with 7");
        assertThatThrownBy(() -> Deaggregation.json().split(b("{\"a\":1}{\"a\":")))
                .hasMessageContaining("not a sequence of JSON objects");
        assertThatThrownBy(() -> Deaggregation.json().split(b("  ")))
                .hasMessageContaining("no JSON object");
    }

    @Test
    void delimitedSplitsOnTheDelimiterAndATrailingDelimiterEndsTheLastPart() {
        Deaggregation d = Deaggregation.delimited(b("##"), "IyM=");

        assertThat(strings(d.split(b("a##b####c##")))).containsExactly("a", "b", "", "c");
        assertThat(strings(d.split(b("no delimiter")))).containsExactly("no delimiter");
        assertThat(strings(d.split(b("#a#")))).containsExactly("#a#");
    }

    @Test
    void fiveHundredSubRecordsSplitAndFiveHundredAndOneFail() {
        Deaggregation lines = Deaggregation.delimited(b("\n"), "Cg==");
        Deaggregation json = Deaggregation.json();

        assertThat(lines.split(b("x\n".repeat(500)))).hasSize(500);
        assertThat(json.split(b("{\"i\":1}".repeat(500)))).hasSize(500);
        assertThatThrownBy(() -> lines.split(b("x\n".repeat(501))))
                .hasMessageContaining("more than 500 sub-records");
        assertThatThrownBy(() -> json.split(b("{\"i\":1}\n".repeat(501))))
                .hasMessageContaining("more than 500 sub-records");
    }
}
