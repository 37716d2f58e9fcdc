package dev.crateforge.localstack.isolation;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.PostgresAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Creates an empty database per test run, so that runs never see each other's rows. */
public final class Databases {

    private Databases() {}

    public static Database create(PostgresAddress server) {
        String name = UniqueNames.next("crateforge", '_');
        Properties login = new Properties();
        login.setProperty("user", server.username());
        login.setProperty("password", server.password());
        // The driver directly, not DriverManager: under Quarkus's test class loaders DriverManager
        // may not see a driver that this class loader can.
        try (Connection connection =
                        new org.postgresql.Driver().connect(server.jdbcUrl("postgres"), login);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create database " + name + " on " + server.jdbcUrl("postgres"), e);
        }
        return new Database(name, server.jdbcUrl(name), server.username(), server.password());
    }
}
