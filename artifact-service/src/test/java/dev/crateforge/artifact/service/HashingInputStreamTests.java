package dev.crateforge.artifact.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingInputStreamTests {

    // sha256("abc") from FIPS 180-2.
    private static final String ABC =
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hashesAndCountsWhatPassesThrough() throws Exception {
        HashingInputStream in =
                new HashingInputStream(
                        new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 100);
        assertThat(in.read()).isEqualTo('a');
        assertThat(in.readAllBytes()).containsExactly('b', 'c');
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.sha256Hex()).isEqualTo(ABC);
    }

    @Test
    void neverReadsPastTheDeclaredLength() throws Exception {
        HashingInputStream in =
                new HashingInputStream(
                        new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.US_ASCII)), 3);
        in.drain();
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.sha256Hex()).isEqualTo(ABC);
    }

    @Test
    void tellsABodyCutShortFromAReaderThatStopped() throws Exception {
        HashingInputStream stopped =
                new HashingInputStream(new ByteArrayInputStream(new byte[10]), 10);
        stopped.read(new byte[4], 0, 4);
        assertThat(stopped.endedEarly()).isFalse();
        stopped.drain();
        assertThat(stopped.endedEarly()).isFalse();

        HashingInputStream cut = new HashingInputStream(new ByteArrayInputStream(new byte[4]), 10);
        cut.drain();
        assertThat(cut.endedEarly()).isTrue();

        HashingInputStream failed =
                new HashingInputStream(
                        new java.io.InputStream() {
                            @Override
                            public int read() throws java.io.IOException {
                                throw new java.io.IOException("connection reset");
                            }
                        },
                        10);
        org.assertj.core.api.Assertions.assertThatThrownBy(failed::read)
                .isInstanceOf(java.io.IOException.class);
        assertThat(failed.endedEarly()).isTrue();
    }

    @Test
    void refusesMarkAndSkipSoNoByteIsHashedTwiceOrMissed() {
        HashingInputStream in = new HashingInputStream(new ByteArrayInputStream(new byte[10]), 10);
        assertThat(in.markSupported()).isFalse();
        assertThat(in.skip(5)).isZero();
        assertThat(in.count()).isZero();
    }
}
