package dev.crateforge.localstack.isolation;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.PostgresAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/** Creates an empty database per test run, so that runs never see each other's rows. */
public final class Databases {

    /**
     * How long to wait for a server that does not take logins yet: one that a fault test just
     * restarted is in crash recovery for a moment and answers {@code 57P03}.
     */
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(60);

    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private Databases() {}

    public static Database create(PostgresAddress server) {
        String name = UniqueNames.next("crateforge", '_');
        Properties login = new Properties();
        login.setProperty("user", server.username());
        login.setProperty("password", server.password());
        long deadline = System.nanoTime() + RECOVERY_WAIT.toNanos();
        while (true) {
            try {
                createOnce(server, login, name);
                return new Database(
                        name, server.jdbcUrl(name), server.username(), server.password());
            } catch (SQLException e) {
                if (!startingUp(e) || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "cannot create database " + name + " on " + server.jdbcUrl("postgres"),
                            e);
                }
            }
            pause();
        }
    }

    private static void createOnce(PostgresAddress server, Properties login, String name)
            throws SQLException {
        // The driver directly, not DriverManager: under Quarkus's test class loaders DriverManager
        // may not see a driver that this class loader can.
        try (Connection connection =
                        new org.postgresql.Driver().connect(server.jdbcUrl("postgres"), login);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
    }

    /** {@code 57P03}: the server is starting up or in recovery; a login a moment later works. */
    private static boolean startingUp(SQLException e) {
        return "57P03".equals(e.getSQLState());
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }
}
