package dev.firehose.local.internal.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast scanner and the Jackson path agree on every body the scanner accepts; it gives up on the rest. */
class PutParserTest {

    private final PutParser keeping = new PutParser(true);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String batchBody(Random random, int records, String space) {
        StringBuilder sb = new StringBuilder("{" + space + "\"DeliveryStreamName\"" + space + ":" + space + "\"s-1\"" + space
                + "," + space + "\"Records\"" + space + ":" + space + "[");
        for (int i = 0; i < records; i++) {
            byte[] data = new byte[random.nextInt(20)];
            random.nextBytes(data);
            sb.append(i == 0 ? "" : "," + space).append("{" + space + "\"Data\"" + space + ":" + space + "\"")
                    .append(Base64.getEncoder().encodeToString(data)).append("\"" + space + "}");
        }
        return sb.append(space + "]" + space + "}" + space).toString();
    }

    @Test
    void fastScannerAgreesWithJackson() {
        Random random = new Random(9);
        for (int round = 0; round < 200; round++) {
            byte[] body = utf8(batchBody(random, random.nextInt(30), round % 2 == 0 ? "" : " \n\t"));

            PutInput fast = FastPutScanner.scan(body, 0, body.length, true, true);
            PutInput slow = keeping.parseWithJackson(body, 0, body.length, true);

            assertThat(fast).isNotNull();
            assertThat(fast.streamName()).isEqualTo(slow.streamName());
            assertThat(fast.sizes()).containsExactly(slow.sizes());
            assertThat(fast.dataBytes()).isEqualTo(slow.dataBytes());
            assertThat(fast.data()).hasSameSizeAs(slow.data());
            for (int i = 0; i < fast.data().size(); i++) {
                assertThat(fast.data().get(i)).containsExactly(slow.data().get(i));
            }
            PutInput sizesOnly = FastPutScanner.scan(body, 0, body.length, true, false);
            assertThat(sizesOnly.data()).isNull();
            assertThat(sizesOnly.sizes()).containsExactly(slow.sizes());
        }
    }

    @Test
    void fastScannerReadsPutRecordBodies() {
        byte[] body = utf8("{\"DeliveryStreamName\":\"s\",\"Record\":{\"Data\":\"aGk=\"}}");

        PutInput in = FastPutScanner.scan(body, 0, body.length, false, true);

        assertThat(in.streamName()).isEqualTo("s");
        assertThat(in.data()).singleElement().satisfies(d -> assertThat(d).containsExactly('h', 'i'));
    }

    @Test
    void fastScannerGivesUpOnAnythingUnusual() {
        List<String> bodies = List.of(
                "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"\\/w==\"}]}",
                "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":null}]}",
                "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"a*k=\"}]}",
                "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"aGk=\",\"X\":1}]}",
                "{\"DeliveryStreamName\":\"s\",\"Extra\":1,\"Records\":[]}",
                "{\"DeliveryStreamName\":\"s\",\"DeliveryStreamName\":\"t\",\"Records\":[]}",
                "{\"DeliveryStreamName\":\"s\",\"Records\":null}",
                "{\"DeliveryStreamName\":\"s\u00e9\",\"Records\":[]}",
                "{\"DeliveryStreamName\":\"s\",\"Records\":[]} x",
                "{\"DeliveryStreamName\":\"s\",\"Records\":[",
                "");
        for (String body : bodies) {
            byte[] b = utf8(body);
            assertThat(FastPutScanner.scan(b, 0, b.length, true, true)).as(body).isNull();
        }
    }

    @Test
    void slowPathHandlesWhatTheScannerLeaves() {
        byte[] escaped = utf8("{\"Extra\":[1,{\"a\":2}],\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"\\/w==\",\"X\":1},{\"Data\":null}]}");

        PutInput in = keeping.parseBatch(escaped, 0, escaped.length);

        assertThat(in.sizes()).containsExactly(1, -1);
        assertThat(in.data().get(0)).containsExactly((byte) 0xFF);
        assertThat(in.data().get(1)).isNull();
        byte[] broken = utf8("{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"aGk=\"},{\"Data\":\"a*k=\"}]}");
        assertThatThrownBy(() -> keeping.parseBatch(broken, 0, broken.length))
                .isInstanceOf(ApiError.class)
                .hasMessageContaining("'records.2.member.data'");
    }

    @Test
    void offsetsIntoALargerBufferAreHonoured() {
        byte[] inner = utf8("{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"aGk=\"}]}");
        byte[] outer = new byte[inner.length + 10];
        System.arraycopy(inner, 0, outer, 5, inner.length);
        java.util.Arrays.fill(outer, 0, 5, (byte) '#');
        java.util.Arrays.fill(outer, 5 + inner.length, outer.length, (byte) '#');

        PutInput in = keeping.parseBatch(outer, 5, inner.length);

        assertThat(in.streamName()).isEqualTo("s");
        assertThat(in.data().get(0)).containsExactly('h', 'i');
    }
}
