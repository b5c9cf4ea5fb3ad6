package dev.firehose.local.internal.s3;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsChunkedTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void signedChunksWithTrailersDecodeToTheData() {
        String body = "5;chunk-signature=abc\r\nhello\r\n"
                + "7;chunk-signature=def\r\n, world\r\n"
                + "0;chunk-signature=000\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";

        assertThat(new String(AwsChunked.decode(bytes(body)), StandardCharsets.ISO_8859_1)).isEqualTo("hello, world");
    }

    @Test
    void chunksMayHoldLineEndsAndBinaryBytes() {
        String data = "a\r\nb\u0000\u00ff";
        String body = Integer.toHexString(data.length()) + "\r\n" + data + "\r\n0\r\n\r\n";

        assertThat(AwsChunked.decode(bytes(body))).isEqualTo(bytes(data));
    }

    @Test
    void aTruncatedBodyIsIncompleteBody() {
        assertThatThrownBy(() -> AwsChunked.decode(bytes("a;chunk-signature=1\r\nshort\r\n")))
                .isInstanceOfSatisfying(S3Error.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("IncompleteBody");
                });
        assertThatThrownBy(() -> AwsChunked.decode(bytes("zz\r\n"))).isInstanceOf(S3Error.class);
    }

    @Test
    void chunkedBodiesAreRecognisedByEncodingOrPayloadHash() {
        assertThat(AwsChunked.isChunked(S3Request.of("PUT", "/b/k", Map.of("Content-Encoding", "aws-chunked"), null))).isTrue();
        assertThat(AwsChunked.isChunked(S3Request.of("PUT", "/b/k",
                Map.of("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), null))).isTrue();
        assertThat(AwsChunked.isChunked(S3Request.of("PUT", "/b/k", Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), null)))
                .isFalse();
    }
}
