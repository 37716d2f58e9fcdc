package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.util.Optional;

/**
 * Recognises, in a build's output, that a kernel limit stopped one of its processes: what Rust's
 * allocator prints when {@code RLIMIT_DATA} refuses memory ({@code memory allocation of N bytes
 * failed}), and how cargo reports a process killed by {@code SIGXCPU} (24) or {@code SIGXFSZ} (25,
 * the numbers of Linux on x86-64 and arm64). A crate can print these words itself; it then only
 * chooses among its own (final) failures, never an infrastructure one.
 */
final class KernelLimitSign {

    private KernelLimitSign() {}

    static Optional<JobFailure> of(String line) {
        if (line.contains("memory allocation of ") && line.contains(" failed")
                || line.contains("out of memory")) {
            return Optional.of(
                    new JobFailure(
                            FailureCode.OUT_OF_MEMORY,
                            "the build ran out of its memory limit: " + shorten(line)));
        }
        // cargo names the signal of a process it ran ("signal: 25, SIGXFSZ: …") or only its number
        if (line.contains("SIGXCPU") || line.contains("(signal: 24")) {
            return Optional.of(
                    new JobFailure(
                            FailureCode.TIMEOUT,
                            "a build process used up its CPU time limit: " + shorten(line)));
        }
        if (line.contains("SIGXFSZ")
                || line.contains("(signal: 25")
                || line.contains("File too large")) {
            return Optional.of(
                    new JobFailure(
                            FailureCode.DISK_LIMIT,
                            "a build process wrote a file past the disk limit: " + shorten(line)));
        }
        return Optional.empty();
    }

    private static String shorten(String line) {
        String stripped = line.strip();
        return stripped.length() <= 200 ? stripped : stripped.substring(0, 200) + "…";
    }
}
