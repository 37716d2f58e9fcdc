package dev.crateforge.localstack.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void percentilesAreNearestRankSamples() {
        double[] values = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};

        assertThat(Samples.percentile(values, 50)).isEqualTo(5);
        assertThat(Samples.percentile(values, 99)).isEqualTo(10);
        assertThat(Samples.percentile(values, 100)).isEqualTo(10);
        assertThat(Samples.percentile(values, 10)).isEqualTo(1);
        assertThat(Samples.percentile(values, 0.1)).isEqualTo(1);
        assertThat(Samples.percentile(values, 91)).isEqualTo(10);
        assertThat(Samples.percentile(values, 90)).isEqualTo(9);
    }

    @Test
    void theSamplesAreLeftInTheirOrder() {
        double[] values = {3, 1, 2};

        Samples.percentile(values, 50);

        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void noSamplesHaveNoPercentile() {
        assertThat(Samples.percentile(new double[0], 99)).isNaN();
    }

    @Test
    void aPercentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> Samples.percentile(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> Samples.percentile(new double[] {1}, 101))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
