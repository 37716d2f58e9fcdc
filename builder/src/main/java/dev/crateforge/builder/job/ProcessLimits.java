package dev.crateforge.builder.job;

import dev.crateforge.builder.config.JobLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Kernel resource limits for every build. Where the machine delegates a cgroup v2 group with the
 * {@code memory} and {@code pids} controllers to the builder, each build gets its own leaf ({@link
 * CgroupV2}): memory and processes are then bounded for the build as a whole. Otherwise {@code
 * RLIMIT_DATA} bounds the memory of each process (unlike {@code RLIMIT_AS} it does not count the
 * address space that allocators and thread stacks only reserve, which rustc needs plenty of). In
 * both cases {@code prlimit} (util-linux) sets {@code RLIMIT_CPU}, {@code RLIMIT_FSIZE} and no core
 * dumps in front of the sandbox, so that bubblewrap, cargo, rustc and build scripts inherit them.
 *
 * <p>{@code RLIMIT_NPROC} is not used: it counts every process of the user, the builder's own
 * threads and other jobs included, and root ignores it; {@link BuildWatch} counts the build's
 * processes instead. Which mechanism is used is said once when the builder starts.
 */
public final class ProcessLimits {

    private final Path prlimit;
    private final CgroupV2 cgroup;
    private final String cgroupDescription;

    private ProcessLimits(Path prlimit, CgroupV2.Result cgroup) {
        this.prlimit = prlimit;
        this.cgroup = cgroup.cgroup().orElse(null);
        this.cgroupDescription = cgroup.description();
    }

    /** The limits this machine can set: a cgroup v2 leaf when delegated, {@code prlimit}. */
    public static ProcessLimits detect() {
        return detect(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    }

    static ProcessLimits detect(Path cgroupMount, Path selfCgroup) {
        Optional<Path> found = Sandbox.findOnPath("prlimit");
        if (found.isEmpty() && Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            found = Optional.of(Path.of("/usr/bin/prlimit"));
        }
        return new ProcessLimits(found.orElse(null), CgroupV2.detect(cgroupMount, selfCgroup));
    }

    /** True when memory is bounded (by a cgroup or by {@code RLIMIT_DATA}). */
    public boolean enforced() {
        return cgroup != null || prlimit != null;
    }

    /** One line for the operator: which mechanism bounds memory, processes, CPU time, file size. */
    public String describe() {
        String memory =
                cgroup != null
                        ? "memory and processes per build: "
                                + cgroupDescription
                                + " (memory.max, pids.max)"
                        : prlimit != null
                                ? "memory per build process: RLIMIT_DATA via "
                                        + prlimit
                                        + " (no cgroup v2: "
                                        + cgroupDescription
                                        + ")"
                                : "memory NOT limited (no cgroup v2: "
                                        + cgroupDescription
                                        + "; no prlimit)";
        String rest =
                prlimit != null
                        ? "CPU time and file size per process: RLIMIT_CPU and RLIMIT_FSIZE via "
                                + prlimit
                        : "CPU time and file size NOT limited (prlimit, util-linux, not found)";
        return memory + "; " + rest;
    }

    /** A build's command with its limits, and its cgroup leaf if it has one. */
    record Prepared(List<String> command, Optional<CgroupV2.Leaf> leaf) {}

    /** {@code command} with the limits applied to it and everything it starts. */
    Prepared prepare(List<String> command, JobLimits limits) throws java.io.IOException {
        List<String> args = new java.util.ArrayList<>();
        if (prlimit != null) {
            args.add(prlimit.toString());
            if (cgroup == null) {
                args.add("--data=" + limits.memoryBytes());
            }
            args.add("--cpu=" + Math.max(1, limits.cpuTime().toSeconds()));
            args.add("--fsize=" + limits.maxDiskBytes());
            args.add("--core=0");
            args.add("--");
        }
        args.addAll(command);
        if (cgroup == null) {
            return new Prepared(args, Optional.empty());
        }
        CgroupV2.Leaf leaf = cgroup.newLeaf(limits);
        return new Prepared(leaf.wrap(args), Optional.of(leaf));
    }
}
