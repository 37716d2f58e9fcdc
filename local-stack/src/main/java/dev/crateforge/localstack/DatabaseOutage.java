package dev.crateforge.localstack;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * One test database made unreachable while the server and every other test's database run on: new
 * connections are refused and open ones are cut, as when the database goes away under a service.
 * {@link #close()} lets connections in again. Works on an attached stack too, since it needs only
 * the administrator's login, not the server's process.
 */
public final class DatabaseOutage implements AutoCloseable {

    private final PostgresAddress server;
    private final String database;

    private DatabaseOutage(PostgresAddress server, String database) {
        this.server = server;
        this.database = database;
    }

    /**
     * Cuts the database that {@code jdbcUrl} (a URL of the shared stack) names.
     *
     * @throws SQLException when the server cannot be told
     */
    public static DatabaseOutage of(String jdbcUrl) throws SQLException {
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1).split("\\?")[0];
        if (!database.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not a database name: " + database);
        }
        DatabaseOutage outage =
                new DatabaseOutage(LocalStack.shared().addresses().postgres(), database);
        outage.admin(
                "alter database " + database + " allow_connections false",
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                        + database
                        + "' and pid <> pg_backend_pid()");
        return outage;
    }

    /** Lets connections in again. */
    @Override
    public void close() throws SQLException {
        admin("alter database " + database + " allow_connections true");
    }

    /** Runs statements as the server's administrator, on the maintenance database. */
    private void admin(String... statements) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", server.username());
        login.setProperty("password", server.password());
        try (Connection connection =
                        new org.postgresql.Driver().connect(server.jdbcUrl("postgres"), login);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
