package dev.crateforge.artifact;

import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.PostgresAddress;
import dev.crateforge.localstack.isolation.Databases;
import dev.crateforge.localstack.server.PostgresServer;
import dev.crateforge.localstack.server.ServerProcess;
import dev.crateforge.localstack.server.Started;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code @WithTestResource(OwnPostgresTestResource.class)}: a PostgreSQL server of the test class's
 * own (the local stack's real PostgreSQL 17, started apart from the shared one), so that the class
 * can crash it without harming any other test. The class gets two {@link Runnable} fields set,
 * {@code crashPostgres} (an immediate shutdown, as a power cut looks to it) and {@code
 * restartPostgres} (same port, same data, through crash recovery): plain JDK types, because the
 * test and this resource may live in different class loaders.
 */
public class OwnPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private Path dataDir;
    private volatile ServerProcess process;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("artifact-own-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Started<PostgresAddress> started = PostgresServer.start(dataDir, 0);
        process = started.process();
        // The port answers a moment before logins do ("the database system is starting up").
        AtomicReference<Database> created = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(
                        () -> {
                            created.set(Databases.create(started.address()));
                            return true;
                        });
        Database database = created.get();
        return Map.of(
                "quarkus.datasource.db-kind", "postgresql",
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password());
    }

    @Override
    public void inject(TestInjector injector) {
        Runnable crash = this::crash;
        Runnable restart = this::restart;
        injector.injectIntoFields(crash, f -> f.getName().equals("crashPostgres"));
        injector.injectIntoFields(restart, f -> f.getName().equals("restartPostgres"));
    }

    private synchronized void crash() {
        PostgresServer.crash(process, dataDir);
    }

    private synchronized void restart() {
        if (process.isAlive()) {
            crash();
        }
        process = process.relaunch();
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        // Its data is thrown away: no need for a clean shutdown.
        if (process.isAlive()) {
            crash();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
