package dev.crateforge.artifact.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTests {

    private static final long SIZE = 1000;

    @Test
    void readsClosedOpenAndSuffixRanges() {
        assertThat(ByteRange.parse("bytes=0-99", SIZE)).contains(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=900-", SIZE)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-100", SIZE)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-5000", SIZE)).contains(new ByteRange(0, 999));
        assertThat(ByteRange.parse("bytes=990-5000", SIZE)).contains(new ByteRange(990, 999));
    }

    @Test
    void describesTheRangeForHttpAndS3() {
        ByteRange range = new ByteRange(10, 19);
        assertThat(range.length()).isEqualTo(10);
        assertThat(range.contentRange(SIZE)).isEqualTo("bytes 10-19/1000");
        assertThat(range.header()).isEqualTo("bytes=10-19");
    }

    @Test
    void ignoresWhatItDoesNotServe() {
        assertThat(ByteRange.parse(null, SIZE)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-1,5-6", SIZE)).isEmpty();
        assertThat(ByteRange.parse("items=0-1", SIZE)).isEmpty();
        assertThat(ByteRange.parse("bytes=-", SIZE)).isEmpty();
        assertThat(ByteRange.parse("bytes=9-3", SIZE)).isEmpty();
        assertThat(ByteRange.parse("bytes=99999999999999999999-", SIZE)).isEmpty();
    }

    @Test
    void refusesRangesOutsideTheArtifactWith416() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-", SIZE))
                .isInstanceOfSatisfying(
                        ByteRange.RangeNotSatisfiable.class,
                        r -> {
                            assertThat(r.status()).isEqualTo(416);
                            assertThat(r.size()).isEqualTo(SIZE);
                        });
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", SIZE))
                .isInstanceOf(ByteRange.RangeNotSatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0))
                .isInstanceOf(ByteRange.RangeNotSatisfiable.class);
    }
}
