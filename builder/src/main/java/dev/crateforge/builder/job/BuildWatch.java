package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches one running build for the limits no kernel mechanism enforces per job here: the size of
 * the job directory, the number of processes of the build, the time since its last output, and the
 * log limit (tripped by the {@link OutputPump}). The first limit exceeded wins: the build's whole
 * process tree is killed and the limit becomes the attempt's typed failure, so that a crate that
 * fills the disk reads {@code disk_limit}, not an I/O error of the builder.
 *
 * <p>A bubblewrap sandbox runs the build in its own PID namespace, so killing the tree (with the
 * namespace's init) ends every process of a fork bomb too, not only those seen when counting.
 */
final class BuildWatch implements OutputPump.Listener, AutoCloseable {

    private static final long POLL_MILLIS = 200;

    /**
     * Walking the job directory costs time in proportion to its files (a Rust target directory
     * holds tens of thousands). The walk waits this many times its own last duration before the
     * next, so it never takes more than about 5 % of a core, and at most {@link #MAX_DISK_PAUSE},
     * which bounds how far past the limit a build can write before it is stopped: its write rate
     * times that pause.
     */
    static final int DISK_PAUSE_FACTOR = 20;

    static final Duration MAX_DISK_PAUSE = Duration.ofSeconds(2);

    private final Process process;
    private final Path jobDir;
    private final long maxDiskBytes;
    private final int maxProcesses;
    private final Duration noOutputTime;
    private final AtomicReference<JobFailure> tripped = new AtomicReference<>();
    private final AtomicReference<JobFailure> sign = new AtomicReference<>();
    private volatile long lastOutputNanos = System.nanoTime();
    private long nextDiskCheckNanos = System.nanoTime();
    private final Thread thread;

    BuildWatch(
            Process process,
            Path jobDir,
            long maxDiskBytes,
            int maxProcesses,
            Duration noOutputTime) {
        this.process = process;
        this.jobDir = jobDir;
        this.maxDiskBytes = maxDiskBytes;
        this.maxProcesses = maxProcesses;
        this.noOutputTime = noOutputTime;
        this.thread = new Thread(this::watch, "build-watch");
        this.thread.setDaemon(true);
    }

    BuildWatch start() {
        thread.start();
        return this;
    }

    /**
     * The build printed something: the no-output clock starts again, and a line that says a kernel
     * limit stopped a process is kept as the reason should the build fail.
     */
    @Override
    public void output(String piece) {
        lastOutputNanos = System.nanoTime();
        if (sign.get() == null) {
            KernelLimitSign.of(piece).ifPresent(found -> sign.compareAndSet(null, found));
        }
    }

    @Override
    public void overLimit(long limit) {
        trip(
                FailureCode.LOG_LIMIT,
                "the build printed more than the log limit of " + limit + " bytes");
    }

    /**
     * Why a failed build failed, when its output says a kernel limit stopped one of its processes
     * (an allocation refused under {@code RLIMIT_DATA}, {@code SIGXCPU}, {@code SIGXFSZ}).
     */
    Optional<JobFailure> kernelLimitSign() {
        return Optional.ofNullable(sign.get());
    }

    /** Stops the build for the given limit, unless another limit stopped it first. */
    void trip(FailureCode code, String reason) {
        if (tripped.compareAndSet(null, new JobFailure(code, reason))) {
            ProcessTree.kill(process.toHandle());
        }
    }

    /** The limit that stopped the build, if one did. */
    Optional<JobFailure> tripped() {
        return Optional.ofNullable(tripped.get());
    }

    private void watch() {
        try {
            while (process.isAlive() && tripped.get() == null) {
                check();
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            // closed: the build is over
        }
    }

    private void check() {
        long silentNanos = System.nanoTime() - lastOutputNanos;
        if (silentNanos > noOutputTime.toNanos()) {
            trip(
                    FailureCode.NO_OUTPUT,
                    "the build printed nothing for " + noOutputTime.toSeconds() + " s");
            return;
        }
        long processes = 1 + process.descendants().count();
        if (processes > maxProcesses) {
            trip(
                    FailureCode.PROCESS_LIMIT,
                    "the build ran more than " + maxProcesses + " processes at once");
            return;
        }
        long now = System.nanoTime();
        if (now - nextDiskCheckNanos < 0) {
            return;
        }
        long usage = diskUsage(jobDir);
        long walked = System.nanoTime() - now;
        nextDiskCheckNanos = now + walked + diskPause(Duration.ofNanos(walked)).toNanos();
        if (usage > maxDiskBytes) {
            trip(
                    FailureCode.DISK_LIMIT,
                    "the job directory grew past the disk limit of " + maxDiskBytes + " bytes");
        }
    }

    /** How long to wait after a walk of the job directory that took {@code walk}. */
    static Duration diskPause(Duration walk) {
        Duration proportional = walk.multipliedBy(DISK_PAUSE_FACTOR);
        if (proportional.compareTo(Duration.ofMillis(POLL_MILLIS)) < 0) {
            return Duration.ZERO;
        }
        return proportional.compareTo(MAX_DISK_PAUSE) > 0 ? MAX_DISK_PAUSE : proportional;
    }

    /** Bytes of the regular files under {@code dir}; files that vanish while walking count 0. */
    static long diskUsage(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile()) {
                                total[0] += attrs.size();
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | UncheckedIOException e) {
            // the build deletes files as it goes; what was counted stands
        }
        return total[0];
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
