package dev.crateforge.localstack.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running server child JVM: what it is, where it listens, where it logs, and how to stop it.
 *
 * <p>Stopping sends SIGTERM first so that the server's shutdown hooks run (PostgreSQL's native
 * processes are stopped by one), and only kills what is left after a grace period.
 */
public final class ServerProcess {

    private final String name;
    private final int port;
    private final Path logFile;
    private final Process process;
    private volatile long startMillis;

    ServerProcess(String name, int port, Path logFile, Process process) {
        this.name = name;
        this.port = port;
        this.logFile = logFile;
        this.process = process;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    /** The child JVM (its own children, such as PostgreSQL's, are {@code descendants()}). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** How long the server took from launch until its port answered. */
    public long startMillis() {
        return startMillis;
    }

    void started(long millis) {
        this.startMillis = millis;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server, politely first. Returns once the child JVM is gone. */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Anything the child started and did not reap is ours to end, too.
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", 127.0.0.1:" + port + ", log " + logFile + ")";
    }
}
