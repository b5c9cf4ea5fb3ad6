package dev.firehose.local.internal.protocol;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Base64DataTest {

    @Test
    void decodesWhatTheJdkEncodesForEveryLengthAndPadding() {
        Random random = new Random(5);
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            char[] text = ("xx" + Base64.getEncoder().encodeToString(data) + "yy").toCharArray();
            int n = text.length - 4;

            int size = Base64Data.decodedLength(text, 2, n);

            assertThat(size).isEqualTo(len);
            assertThat(Base64Data.decode(text, 2, n, size)).containsExactly(data);
        }
    }

    @Test
    void byteVariantAgreesWithTheJdk() {
        Random random = new Random(6);
        for (int len = 0; len < 100; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            byte[] text = Base64.getEncoder().encode(data);

            int size = Base64Data.decodedLengthOrMinusOne(text, 0, text.length);

            assertThat(size).isEqualTo(len);
            assertThat(Base64Data.decode(text, 0, size)).containsExactly(data);
        }
        for (String bad : new String[] {"a=bc", "ab=c", "abc", "a*bc", "ab\\c", "====", "a===", "ab\"c"}) {
            byte[] b = bad.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(Base64Data.decodedLengthOrMinusOne(b, 0, b.length)).as(bad).isEqualTo(-1);
        }
        byte[] nonAscii = {'a', 'b', 'c', (byte) 0xC3};
        assertThat(Base64Data.decodedLengthOrMinusOne(nonAscii, 0, 4)).isEqualTo(-1);
    }

    @Test
    void rejectsIllegalCharactersMissingPaddingAndUrlAlphabet() {
        assertThatThrownBy(() -> Base64Data.decodedLength("ab$d".toCharArray(), 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("illegal base64 character '$' at position 2");
        assertThatThrownBy(() -> Base64Data.decodedLength("abc".toCharArray(), 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple of 4");
        assertThatThrownBy(() -> Base64Data.decodedLength("a-_b".toCharArray(), 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-'");
        assertThatThrownBy(() -> Base64Data.decodedLength("a=bc".toCharArray(), 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'='");
        assertThatThrownBy(() -> Base64Data.decodedLength("abc\u00e9".toCharArray(), 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\\u00e9");
    }
}
