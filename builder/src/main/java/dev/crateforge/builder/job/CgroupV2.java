package dev.crateforge.builder.job;

import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cgroup v2 leaf per build, where the machine delegates one to the builder with the {@code
 * memory} and {@code pids} controllers (e.g. a systemd unit with {@code Delegate=yes}): {@code
 * memory.max} bounds the memory of the whole build, not of each process, {@code pids.max} its
 * processes, and {@code memory.events} says afterwards whether the kernel killed it for memory.
 *
 * <p>cgroup v2 allows processes only in leaves, so at start the builder moves itself into a leaf of
 * its own ({@code builder}) and enables the controllers for its children; each build then gets
 * {@code build-<n>} beside it. The build's first process joins its leaf before it execs anything
 * ({@code sh -c 'echo $$ > …/cgroup.procs && exec "$@"'}), so nothing it starts escapes.
 */
final class CgroupV2 {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path parent;

    private CgroupV2(Path parent) {
        this.parent = parent;
    }

    /**
     * The builder's delegated cgroup, made ready for build leaves, or why there is none.
     *
     * @param mount where cgroup v2 is mounted ({@code /sys/fs/cgroup})
     * @param selfCgroup this process's {@code /proc/self/cgroup}
     */
    static Result detect(Path mount, Path selfCgroup) {
        try {
            if (!Files.isRegularFile(mount.resolve("cgroup.controllers"))) {
                return Result.unavailable("no cgroup v2 hierarchy at " + mount);
            }
            String path =
                    Files.readAllLines(selfCgroup, StandardCharsets.UTF_8).stream()
                            .filter(l -> l.startsWith("0::"))
                            .map(l -> l.substring(3))
                            .findFirst()
                            .orElse(null);
            if (path == null) {
                return Result.unavailable("this process is in no cgroup v2 group");
            }
            Path parent = mount.resolve(path.replaceFirst("^/", ""));
            String controllers = Files.readString(parent.resolve("cgroup.controllers"));
            if (!List.of(controllers.trim().split("\\s+")).containsAll(List.of("memory", "pids"))) {
                return Result.unavailable(
                        "the builder's cgroup " + path + " has no memory and pids controllers");
            }
            Path own = Files.createDirectories(parent.resolve("builder"));
            Files.writeString(
                    own.resolve("cgroup.procs"), String.valueOf(ProcessHandle.current().pid()));
            Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +pids");
            return new Result(
                    Optional.of(new CgroupV2(parent)), "cgroup v2 leaves under " + parent);
        } catch (IOException | RuntimeException e) {
            return Result.unavailable("cannot use the builder's cgroup: " + JobFailure.describe(e));
        }
    }

    /** A cgroup for builds, or the reason there is none (for the start-up line). */
    record Result(Optional<CgroupV2> cgroup, String description) {
        static Result unavailable(String why) {
            return new Result(Optional.empty(), why);
        }
    }

    /** A new leaf with the build's memory and process limits. */
    Leaf newLeaf(JobLimits limits) throws IOException {
        // A name no earlier builder process used: a leaf left behind by one (its processes were
        // still exiting at close) keeps cumulative oom_kill and pids counters that would make this
        // build's failure look like the crate's. createDirectory fails rather than reuse one.
        Path leaf =
                Files.createDirectory(
                        parent.resolve(
                                "build-"
                                        + ProcessHandle.current().pid()
                                        + "-"
                                        + SEQUENCE.incrementAndGet()));
        try {
            Files.writeString(leaf.resolve("memory.max"), String.valueOf(limits.memoryBytes()));
            // Absent when the kernel does not account swap; then there is no swap to forbid.
            if (Files.exists(leaf.resolve("memory.swap.max"))) {
                Files.writeString(leaf.resolve("memory.swap.max"), "0");
            }
            Files.writeString(leaf.resolve("pids.max"), String.valueOf(limits.maxProcesses()));
        } catch (IOException e) {
            new Leaf(leaf).close();
            throw e;
        }
        return new Leaf(leaf);
    }

    /** One build's leaf. */
    static final class Leaf implements AutoCloseable {
        private final Path dir;

        Leaf(Path dir) {
            this.dir = dir;
        }

        Path dir() {
            return dir;
        }

        /** {@code command}, started inside this leaf. */
        List<String> wrap(List<String> command) {
            List<String> args = new ArrayList<>();
            args.addAll(
                    List.of(
                            "/bin/sh",
                            "-c",
                            "echo $$ > \"$0\" && exec \"$@\"",
                            dir.resolve("cgroup.procs").toString()));
            args.addAll(command);
            return args;
        }

        /** The limit the kernel enforced on this leaf, if it stopped the build. */
        Optional<JobFailure> limitHit() {
            if (counter("memory.events", "oom_kill") > 0) {
                return Optional.of(
                        new JobFailure(
                                FailureCode.OUT_OF_MEMORY,
                                "the kernel killed the build at its memory limit (cgroup"
                                        + " memory.max)"));
            }
            if (counter("pids.events", "max") > 0) {
                return Optional.of(
                        new JobFailure(
                                FailureCode.PROCESS_LIMIT,
                                "the build reached its process limit (cgroup pids.max)"));
            }
            return Optional.empty();
        }

        private long counter(String file, String key) {
            try {
                for (String line : Files.readAllLines(dir.resolve(file))) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 2 && parts[0].equals(key)) {
                        return Long.parseLong(parts[1]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no such counter: nothing was counted
            }
            return 0;
        }

        /**
         * Kills what is left in the leaf ({@code cgroup.kill}, kernel 5.14 and later: also
         * processes that left the build's process tree) and removes it; the kernel refuses while a
         * process is still exiting, which is then logged.
         */
        @Override
        public void close() {
            try {
                Path kill = dir.resolve("cgroup.kill");
                if (Files.exists(kill)) {
                    Files.writeString(kill, "1");
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                System.err.println("cannot remove cgroup " + dir + ": " + JobFailure.describe(e));
            }
        }
    }
}
