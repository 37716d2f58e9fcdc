package dev.crateforge.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How a default and a maximum given (or not) on the command line become one build limit. */
class BuildLimitTests {

    private static final long BUILT_IN = 4096;

    @Test
    void nothingGivenIsTheBuiltInDefaultAsBoth() {
        assertThat(BuildLimit.of("memory-bytes", null, null, BUILT_IN, 1, "1"))
                .isEqualTo(new BuildLimit(BUILT_IN, BUILT_IN));
    }

    @Test
    void aMaximumNotGivenIsTheDefault() {
        assertThat(BuildLimit.of("memory-bytes", 8192L, null, BUILT_IN, 1, "1"))
                .isEqualTo(new BuildLimit(8192, 8192));
    }

    @Test
    void aLargerMaximumAloneLeavesTheBuiltInDefault() {
        assertThat(BuildLimit.of("memory-bytes", null, 65536L, BUILT_IN, 1, "1"))
                .isEqualTo(new BuildLimit(BUILT_IN, 65536));
    }

    @Test
    void aSmallerMaximumAloneLowersTheDefaultToIt() {
        assertThat(BuildLimit.of("memory-bytes", null, 1024L, BUILT_IN, 1, "1"))
                .isEqualTo(new BuildLimit(1024, 1024));
    }

    @Test
    void aMaximumBelowAGivenDefaultIsRefusedNamingBothOptions() {
        assertThatThrownBy(() -> BuildLimit.of("processes", 600L, 500L, 512, 8, "8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--max-processes (500) is below --processes (600): the maximum an override"
                                + " may ask for cannot be less than what every job gets");
    }

    @Test
    void aDefaultTooSmallToBuildAnythingIsRefused() {
        assertThatThrownBy(
                        () ->
                                BuildLimit.of(
                                        "memory-bytes", 1024L, null, BUILT_IN, 64L << 20, "64 MiB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--memory-bytes must be at least 64 MiB");
    }
}
