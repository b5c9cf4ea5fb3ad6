package dev.firehose.local.internal.s3;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteRangeTest {

    @Test
    void rangesAreResolvedAgainstTheSize() {
        assertThat(ByteRange.parse("bytes=0-9", 100)).isEqualTo(new ByteRange(0, 10));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=90-500", 100)).isEqualTo(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=-500", 100)).isEqualTo(new ByteRange(0, 100));
        assertThat(ByteRange.parse("bytes=5-5", 100).contentRange(100)).isEqualTo("bytes 5-5/100");
    }

    @Test
    void headersThatAreNotOneByteRangeServeTheWholeObject() {
        assertThat(ByteRange.parse(null, 100)).isNull();
        assertThat(ByteRange.parse("items=0-1", 100)).isNull();
        assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isNull();
        assertThat(ByteRange.parse("bytes=5-1", 100)).isNull();
        assertThat(ByteRange.parse("bytes=x-5", 100)).isNull();
        assertThat(ByteRange.parse("bytes=-", 100)).isNull();
    }

    @Test
    void aRangePastTheEndIsInvalidRange() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=100-", 100))
                .isInstanceOfSatisfying(S3Error.class, e -> {
                    assertThat(e.status()).isEqualTo(416);
                    assertThat(e.code()).isEqualTo("InvalidRange");
                    assertThat(e.details()).containsEntry("ActualObjectSize", "100");
                });
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 100)).isInstanceOf(S3Error.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(S3Error.class);
    }
}
