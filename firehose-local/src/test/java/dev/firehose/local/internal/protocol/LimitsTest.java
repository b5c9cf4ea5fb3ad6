package dev.firehose.local.internal.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsTest {

    private static List<String> problems(String name) {
        List<String> out = new ArrayList<>();
        Limits.checkStreamName(name, "deliveryStreamName", out);
        return out;
    }

    @Test
    void streamNamesFollowTheServicePattern() {
        assertThat(problems("a")).isEmpty();
        assertThat(problems("A-z_0.9")).isEmpty();
        assertThat(problems("x".repeat(64))).isEmpty();
        assertThat(problems("x".repeat(65))).singleElement().asString().contains("less than or equal to 64");
        assertThat(problems("")).hasSize(2);
        assertThat(problems("a/b")).singleElement().asString().contains("regular expression pattern");
        assertThat(problems("ä")).singleElement().asString().contains("regular expression pattern");
        assertThat(problems(null)).singleElement().asString().contains("must not be null");
    }

    @Test
    void noProblemsForAValidBatch() {
        PutInput ok = new PutInput("s", new int[] {0, 1, Limits.MAX_RECORD_BYTES}, null, 2 + Limits.MAX_RECORD_BYTES);
        assertThat(Limits.checkPut(ok, true)).isEmpty();
    }
}
