package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildWatchTests {

    @Test
    void aQuickWalkOfTheJobDirectoryRunsAtEveryPoll() {
        assertThat(BuildWatch.diskPause(Duration.ofMillis(2))).isZero();
    }

    @Test
    void aSlowWalkWaitsInProportionSoThatWalkingStaysAFewPercentOfACore() {
        assertThat(BuildWatch.diskPause(Duration.ofMillis(40)))
                .isEqualTo(Duration.ofMillis(40L * BuildWatch.DISK_PAUSE_FACTOR));
    }

    @Test
    void theWaitIsBoundedSoABuildCannotWriteFarPastTheLimit() {
        assertThat(BuildWatch.diskPause(Duration.ofSeconds(1)))
                .isEqualTo(BuildWatch.MAX_DISK_PAUSE);
    }

    @Test
    void diskUsageCountsRegularFilesInEveryDirectory(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a"), new byte[1000]);
        Files.createDirectories(dir.resolve("target/debug"));
        Files.write(dir.resolve("target/debug/b"), new byte[234]);
        assertThat(BuildWatch.diskUsage(dir)).isEqualTo(1234);
    }
}
