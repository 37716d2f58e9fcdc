package dev.crateforge.builder.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.job.JobLimitsOverride;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobLimitsTests {

    private static final JobLimits BUILDER =
            JobLimits.defaults()
                    .withBuildLimits(
                            4L << 30,
                            Duration.ofHours(1),
                            512,
                            16L << 30,
                            8L << 20,
                            Duration.ofMinutes(10));

    /** The same defaults, with room above them for an operator's override. */
    private static final JobLimits WITH_MAXIMA =
            BUILDER.withMaxima(
                    new JobLimits.BuildLimits(
                            32L << 30,
                            Duration.ofHours(4),
                            2048,
                            64L << 30,
                            64L << 20,
                            Duration.ofMinutes(30)));

    private final List<String> capped = new ArrayList<>();

    @Test
    void withoutAnOverrideAJobRunsUnderTheBuildersOwnLimits() {
        assertThat(BUILDER.forJob(null, capped::add)).isSameAs(BUILDER);
        assertThat(capped).isEmpty();
    }

    @Test
    void eachValueOfTheOverrideReplacesTheBuildersAndAbsentOnesStay() {
        JobLimits job =
                BUILDER.forJob(
                        new JobLimitsOverride(1L << 30, 600L, 64, null, 1L << 20, 30L),
                        capped::add);

        assertThat(job.memoryBytes()).isEqualTo(1L << 30);
        assertThat(job.cpuTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(job.maxProcesses()).isEqualTo(64);
        assertThat(job.maxDiskBytes()).isEqualTo(16L << 30);
        assertThat(job.maxOutputBytes()).isEqualTo(1L << 20);
        assertThat(job.noOutputTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(job.maxSourceBytes()).isEqualTo(BUILDER.maxSourceBytes());
        assertThat(job.maxJobTime()).isEqualTo(BUILDER.maxJobTime());
        assertThat(capped).isEmpty();
    }

    @Test
    void aValueAboveTheBuildersMaximumIsCappedAndSaidSo() {
        JobLimits job =
                BUILDER.forJob(
                        new JobLimitsOverride(64L << 30, null, 100_000 / 2, null, null, 7200L),
                        capped::add);

        assertThat(job.memoryBytes()).isEqualTo(4L << 30);
        assertThat(job.maxProcesses()).isEqualTo(512);
        assertThat(job.noOutputTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(capped)
                .containsExactly(
                        "limit override memoryBytes=68719476736 is above this builder's maximum;"
                                + " capped at 4294967296",
                        "limit override processes=50000 is above this builder's maximum;"
                                + " capped at 512",
                        "limit override noOutputSeconds=7200 is above this builder's maximum;"
                                + " capped at 600");
    }

    @Test
    void withoutAnOverrideAJobGetsTheDefaultsNotTheMaxima() {
        JobLimits job =
                WITH_MAXIMA.forJob(
                        new JobLimitsOverride(null, null, null, null, null, null), capped::add);

        assertThat(job.memoryBytes()).isEqualTo(4L << 30);
        assertThat(job.cpuTime()).isEqualTo(Duration.ofHours(1));
        assertThat(job.maxProcesses()).isEqualTo(512);
        assertThat(job.maxDiskBytes()).isEqualTo(16L << 30);
        assertThat(job.maxOutputBytes()).isEqualTo(8L << 20);
        assertThat(job.noOutputTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(WITH_MAXIMA.forJob(null, capped::add).memoryBytes()).isEqualTo(4L << 30);
        assertThat(capped).isEmpty();
    }

    @Test
    void anOverrideAboveTheDefaultButWithinTheMaximumIsGrantedWhole() {
        JobLimits job =
                WITH_MAXIMA.forJob(
                        new JobLimitsOverride(16L << 30, 7200L, 1024, 32L << 30, 32L << 20, 1200L),
                        capped::add);

        assertThat(job.memoryBytes()).isEqualTo(16L << 30);
        assertThat(job.cpuTime()).isEqualTo(Duration.ofHours(2));
        assertThat(job.maxProcesses()).isEqualTo(1024);
        assertThat(job.maxDiskBytes()).isEqualTo(32L << 30);
        assertThat(job.maxOutputBytes()).isEqualTo(32L << 20);
        assertThat(job.noOutputTime()).isEqualTo(Duration.ofMinutes(20));
        assertThat(job.describe()).containsEntry("maxMemoryBytes", 16L << 30);
        assertThat(capped).isEmpty();
    }

    @Test
    void anOverrideAboveTheMaximumGetsTheMaximumNotTheDefault() {
        JobLimits job =
                WITH_MAXIMA.forJob(
                        new JobLimitsOverride(64L << 30, null, null, null, 1L << 30, null),
                        capped::add);

        assertThat(job.memoryBytes()).isEqualTo(32L << 30);
        assertThat(job.maxOutputBytes()).isEqualTo(64L << 20);
        assertThat(job.describe())
                .containsEntry("maxMemoryBytes", 32L << 30)
                .containsEntry("maxOutputBytes", 64L << 20)
                .containsEntry("maxCpuSeconds", 3600L);
        assertThat(capped)
                .containsExactly(
                        "limit override memoryBytes=68719476736 is above this builder's maximum;"
                                + " capped at 34359738368",
                        "limit override logBytes=1073741824 is above this builder's maximum;"
                                + " capped at 67108864");
    }

    @Test
    void aMaximumBelowItsDefaultIsRefused() {
        assertThatThrownBy(
                        () ->
                                BUILDER.withMaxima(
                                        new JobLimits.BuildLimits(
                                                1L << 30,
                                                Duration.ofHours(1),
                                                512,
                                                16L << 30,
                                                8L << 20,
                                                Duration.ofMinutes(10))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the maximum of memoryBytes (1073741824) is below its default (4294967296)");
    }

    @Test
    void describesTheLimitsUnderTheirProvenanceNames() {
        JobLimits job =
                BUILDER.forJob(
                        new JobLimitsOverride(null, null, null, null, null, 30L), capped::add);

        assertThat(job.describe())
                .containsEntry("noOutputSeconds", 30L)
                .containsEntry("maxMemoryBytes", 4L << 30)
                .containsEntry("maxOutputBytes", 8L << 20)
                .hasSize(11);
        assertThat(BUILDER.describe()).containsEntry("noOutputSeconds", 600L);
    }
}
