package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.protocol.contract.FailureCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 plumbing against a stand-in of the cgroup file system (a directory with the same
 * files): this machine kind mounts cgroup v2 without controllers, so the kernel side cannot be
 * exercised here; what the builder writes and reads can.
 */
class CgroupV2Tests {

    private static final JobLimits LIMITS =
            JobLimits.defaults()
                    .withBuildLimits(
                            512L << 20,
                            Duration.ofMinutes(1),
                            64,
                            1L << 30,
                            1L << 20,
                            Duration.ofMinutes(1));

    @TempDir Path temp;

    @Test
    void aDelegatedGroupWithMemoryAndPidsGivesEachBuildALeafWithItsLimits() throws Exception {
        Path group = delegated("cpu memory pids");

        CgroupV2.Result result = CgroupV2.detect(temp, temp.resolve("self-cgroup"));

        assertThat(result.cgroup()).isPresent();
        assertThat(Files.readString(group.resolve("builder/cgroup.procs")))
                .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        assertThat(Files.readString(group.resolve("cgroup.subtree_control")))
                .isEqualTo("+memory +pids");
        CgroupV2.Leaf leaf = result.cgroup().get().newLeaf(LIMITS);
        assertThat(Files.readString(leaf.dir().resolve("memory.max")))
                .isEqualTo(String.valueOf(512L << 20));
        assertThat(Files.readString(leaf.dir().resolve("pids.max"))).isEqualTo("64");
        // The kernel makes memory.swap.max only where it accounts swap; this directory has none,
        // and a missing file is no reason to fail the build.
        assertThat(leaf.dir().resolve("memory.swap.max")).doesNotExist();

        // the build's first process joins the leaf before it runs the command
        Process process =
                new ProcessBuilder(leaf.wrap(List.of("/bin/sh", "-c", "echo joined")))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEqualTo("joined");
        assertThat(Files.readString(leaf.dir().resolve("cgroup.procs")).strip())
                .isEqualTo(String.valueOf(process.pid()));
    }

    @Test
    void theKernelsCountersSayWhichLimitStoppedTheBuild() throws Exception {
        delegated("memory pids");
        CgroupV2 cgroup = CgroupV2.detect(temp, temp.resolve("self-cgroup")).cgroup().orElseThrow();
        CgroupV2.Leaf leaf = cgroup.newLeaf(LIMITS);
        assertThat(leaf.limitHit()).isEmpty();

        Files.writeString(leaf.dir().resolve("pids.events"), "max 3\n");
        assertThat(leaf.limitHit()).map(JobFailure::code).contains(FailureCode.PROCESS_LIMIT);

        Files.writeString(
                leaf.dir().resolve("memory.events"),
                "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
        assertThat(leaf.limitHit()).map(JobFailure::code).contains(FailureCode.OUT_OF_MEMORY);
    }

    @Test
    void withoutTheControllersItSaysWhyAndTheRlimitsAreUsed() throws Exception {
        delegated("cpu io");

        CgroupV2.Result result = CgroupV2.detect(temp, temp.resolve("self-cgroup"));
        ProcessLimits limits = ProcessLimits.detect(temp, temp.resolve("self-cgroup"));

        assertThat(result.cgroup()).isEmpty();
        assertThat(result.description())
                .isEqualTo(
                        "the builder's cgroup /farm/builder.service has no memory and pids"
                                + " controllers");
        assertThat(limits.describe()).contains("RLIMIT_DATA", "has no memory and pids controllers");
        assertThat(limits.prepare(List.of("cargo", "build"), LIMITS).command())
                .contains("--data=" + (512L << 20))
                .endsWith("--", "cargo", "build");
        assertThat(
                        CgroupV2.detect(temp.resolve("nowhere"), temp.resolve("self-cgroup"))
                                .description())
                .startsWith("no cgroup v2 hierarchy at");
    }

    /** A stand-in cgroup v2 mount at {@code temp} where this process sits in {@code /farm/…}. */
    private Path delegated(String controllers) throws Exception {
        Files.writeString(temp.resolve("cgroup.controllers"), "cpu io memory pids\n");
        Path group = Files.createDirectories(temp.resolve("farm/builder.service"));
        Files.writeString(group.resolve("cgroup.controllers"), controllers + "\n");
        Files.writeString(temp.resolve("self-cgroup"), "0::/farm/builder.service\n");
        return group;
    }
}
