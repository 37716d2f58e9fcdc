package dev.crateforge.localstack;

import dev.crateforge.localstack.server.ServerProcess;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One server of a stack this JVM started, as a fault test sees it: crash it, freeze it, and start
 * it again on the same port with the same data, so that its clients reconnect to the address they
 * already have. {@link LocalStack#close()} stops whatever process runs it by then; every process
 * runs under the same watchdog as the first, so none outlives this JVM.
 */
public final class ServerControl {

    private final Consumer<ServerProcess> crash;
    private volatile ServerProcess process;

    ServerControl(ServerProcess process, Consumer<ServerProcess> crash) {
        this.process = process;
        this.crash = crash;
    }

    public String name() {
        return process.name();
    }

    public int port() {
        return process.port();
    }

    /** The child JVM that runs the server now; a {@link #restart()} replaces it. */
    public ServerProcess process() {
        return process;
    }

    /**
     * Crashes the server at once, with no shutdown: {@code kill -9} of its JVM; for PostgreSQL an
     * immediate shutdown of the postmaster (see {@code PostgresServer.crash}). Returns once it is
     * gone.
     */
    public synchronized void crash() {
        crash.accept(process);
    }

    /** Freezes the server ({@code SIGSTOP}): connections stay open, nothing answers. */
    public void pause() {
        process.pause();
    }

    /** Lets a paused server run on ({@code SIGCONT}). */
    public void resume() {
        process.resume();
    }

    /**
     * Starts the server again on the same port with the same data, crashing it first if it still
     * runs, and returns once its port answers. PostgreSQL may then still be in crash recovery and
     * refuse logins for a moment ({@code 57P03}), as a real one would.
     */
    public synchronized void restart() {
        if (process.isAlive()) {
            crash();
        }
        process = process.relaunch();
    }

    synchronized void stop(Duration grace) {
        process.stop(grace);
    }
}
