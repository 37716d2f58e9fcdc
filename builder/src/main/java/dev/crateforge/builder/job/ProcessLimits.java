package dev.crateforge.builder.job;

import dev.crateforge.builder.config.JobLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Kernel resource limits for every process of a build, set with {@code prlimit} (util-linux) in
 * front of the sandbox so that bubblewrap, cargo, rustc and build scripts all inherit them: {@code
 * RLIMIT_DATA} for memory (unlike {@code RLIMIT_AS} it does not count the address space that
 * allocators and thread stacks only reserve, which rustc needs plenty of), {@code RLIMIT_CPU} for
 * CPU time, {@code RLIMIT_FSIZE} for the largest file, and no core dumps.
 *
 * <p>These are per process, not per job: a build of many processes can use more memory in all. A
 * cgroup v2 leaf with {@code memory.max} and {@code pids.max} would bound the job as a whole; this
 * builder does not create one yet (see docs/builder.md, "Limits"), and says which mechanism it uses
 * when it starts. {@code RLIMIT_NPROC} is not used: it counts every process of the user, the
 * builder's own threads and other jobs included, and root ignores it; {@link BuildWatch} counts the
 * build's processes instead.
 */
public final class ProcessLimits {

    private final Path prlimit;

    private ProcessLimits(Path prlimit) {
        this.prlimit = prlimit;
    }

    /** The limits this machine can set: with {@code prlimit} when it is installed. */
    public static ProcessLimits detect() {
        Optional<Path> found = Sandbox.findOnPath("prlimit");
        if (found.isEmpty() && Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            found = Optional.of(Path.of("/usr/bin/prlimit"));
        }
        return new ProcessLimits(found.orElse(null));
    }

    /** No kernel limits (only the builder's own watch). */
    public static ProcessLimits none() {
        return new ProcessLimits(null);
    }

    public boolean enforced() {
        return prlimit != null;
    }

    /** One line for the operator: which mechanism bounds memory, CPU time and file size. */
    public String describe() {
        return enforced()
                ? "memory, CPU time and file size per build process: RLIMIT_DATA, RLIMIT_CPU and"
                        + " RLIMIT_FSIZE via "
                        + prlimit
                        + " (no cgroup v2 leaf is used)"
                : "prlimit (util-linux) not found: memory, CPU time and file size of builds are NOT"
                        + " limited; only disk use, processes, output and time are watched";
    }

    /** {@code command} with the limits applied to it and everything it starts. */
    public List<String> wrap(List<String> command, JobLimits limits) {
        if (prlimit == null) {
            return command;
        }
        List<String> args = new java.util.ArrayList<>();
        args.add(prlimit.toString());
        args.add("--data=" + limits.memoryBytes());
        args.add("--cpu=" + Math.max(1, limits.cpuTime().toSeconds()));
        args.add("--fsize=" + limits.maxDiskBytes());
        args.add("--core=0");
        args.add("--");
        args.addAll(command);
        return args;
    }
}
