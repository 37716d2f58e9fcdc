package dev.crateforge.localstack.quarkus;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.LocalStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * {@code @WithTestResource(PostgresTestResource.class)}: a new, empty database on the shared local
 * PostgreSQL for each test run, configured as the default datasource.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Database database = LocalStack.shared().newDatabase();
        return Map.of(
                "quarkus.datasource.db-kind", "postgresql",
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password());
    }

    /** The database is left behind: it is small, and the server (or its data dir) goes away. */
    @Override
    public void stop() {}
}
