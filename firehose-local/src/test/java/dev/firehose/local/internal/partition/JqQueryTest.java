package dev.firehose.local.internal.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firehose.local.internal.protocol.ApiError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The jq subset of MetadataExtractionQuery: what it accepts, what it refuses, what it extracts. */
class JqQueryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s);
    }

    @Test
    void topLevelAndNestedPathsAreExtracted() throws Exception {
        JqQuery q = JqQuery.parse("{customer_id: .customer_id, device: .type.device, deep: .a.b.c}");

        Map<String, String> keys = q.evaluate(json(
                "{\"customer_id\":\"1234567890\",\"type\":{\"device\":\"mobile\"},\"a\":{\"b\":{\"c\":7}}}"));

        assertThat(q.keys()).containsExactly("customer_id", "device", "deep");
        assertThat(keys).containsExactly(Map.entry("customer_id", "1234567890"), Map.entry("device", "mobile"),
                Map.entry("deep", "7"));
    }

    @Test
    void quotedNamesAndFieldsWhitespaceAndBooleansWork() throws Exception {
        JqQuery q = JqQuery.parse("  { \"the key\" : .\"odd-field\".flag ,x:.y }  ");

        assertThat(q.evaluate(json("{\"odd-field\":{\"flag\":true},\"y\":-1.5}")))
                .containsExactly(Map.entry("the key", "true"), Map.entry("x", "-1.5"));
    }

    @Test
    void missingNullObjectAndWrongTypeValuesFailTheRecord() throws Exception {
        JqQuery q = JqQuery.parse("{d: .type.device}");

        assertThatThrownBy(() -> q.evaluate(json("{\"other\":1}")))
                .isInstanceOf(JqQuery.ExtractionException.class).hasMessageContaining(".type is null or missing");
        assertThatThrownBy(() -> q.evaluate(json("{\"type\":{\"device\":null}}")))
                .hasMessageContaining(".type.device is null or missing");
        assertThatThrownBy(() -> q.evaluate(json("{\"type\":\"mobile\"}")))
                .hasMessageContaining("cannot index a string at .type with \"device\"");
        assertThatThrownBy(() -> q.evaluate(json("{\"type\":{\"device\":{\"os\":\"x\"}}}")))
                .hasMessageContaining("is an object, not a string, number or boolean");
        assertThatThrownBy(() -> q.evaluate(json("[1]")))
                .hasMessageContaining("the record is a JSON array, not an object");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ".customer_id",
        "{}",
        "{a: .x | ascii_downcase}",
        "{year: .event_timestamp| strftime(\"%Y\")}",
        "{a: .x[0]}",
        "{a: ..}",
        "{a: .x, a: .y}",
        "{a .x}",
        "{a: .x} extra",
        "{a: .x",
        "{a: x}",
        "{a: .}",
        "{\"a: .x}",
        "{a: .caf\u00e9}",
        "{cl\u00e9: .x}",
        "{a: .x\u0661}"
    })
    void everythingElseIsRefusedWithTheQueryNamed(String query) {
        assertThatThrownBy(() -> JqQuery.parse(query))
                .isInstanceOf(ApiError.class)
                .hasMessageStartingWith("MetadataExtractionQuery '" + query + "' is not supported: ")
                .hasMessageContaining("{name: .field, other: .a.b.c}")
                .extracting(e -> ((ApiError) e).code()).isEqualTo(ApiError.INVALID_ARGUMENT);
    }

    @Test
    void refusalSaysWhereAndWhy() {
        assertThatThrownBy(() -> JqQuery.parse("{year: .ts | strftime(\"%Y\")}"))
                .hasMessageContaining("'|' after a path").hasMessageContaining("at character 12");
        assertThatThrownBy(() -> JqQuery.parse("{a: .x, a: .y}")).hasMessageContaining("the key 'a' is defined twice");
    }
}
