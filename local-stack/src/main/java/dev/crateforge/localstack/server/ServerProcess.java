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
    private final ChildJvm launcher;
    private volatile long startMillis;

    ServerProcess(String name, int port, Path logFile, Process process, ChildJvm launcher) {
        this.name = name;
        this.port = port;
        this.logFile = logFile;
        this.process = process;
        this.launcher = launcher;
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

    /**
     * Freezes the child JVM ({@code SIGSTOP}): its sockets stay open but nothing answers, as with a
     * server that hangs in a long GC pause or on a dead disk.
     */
    public void pause() {
        Signals.send(process.toHandle(), "STOP");
    }

    /** Lets a {@link #pause() paused} child JVM run on ({@code SIGCONT}); harmless otherwise. */
    public void resume() {
        if (process.isAlive()) {
            Signals.send(process.toHandle(), "CONT");
        }
    }

    /**
     * Kills the child JVM and what it started at once ({@code kill -9}), without shutdown hooks,
     * and returns once it is gone.
     */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * Starts this server again on the same port with the same data, once this child is gone; the
     * new child appends to the same log file.
     *
     * @throws IllegalStateException if this child still runs
     */
    public ServerProcess relaunch() {
        if (process.isAlive()) {
            throw new IllegalStateException(this + " still runs; crash or stop it first");
        }
        return launcher.relaunch();
    }

    /** Stops the server, politely first. Returns once the child JVM is gone. */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        // A paused child would leave SIGTERM pending until the grace period is over.
        resume();
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

    private void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(this + " did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", 127.0.0.1:" + port + ", log " + logFile + ")";
    }
}
