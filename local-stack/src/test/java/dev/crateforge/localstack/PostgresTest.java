package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The shared PostgreSQL is the real version 17, and every run gets a database of its own. */
class PostgresTest {

    @Test
    void serverIsPostgres17() throws SQLException {
        Database database = LocalStack.shared().newDatabase();
        try (Connection c = connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select version()")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("PostgreSQL 17.");
        }
    }

    @Test
    void eachRunGetsItsOwnDatabase() throws SQLException {
        Database first = LocalStack.shared().newDatabase();
        Database second = LocalStack.shared().newDatabase();
        assertThat(first.name()).isNotEqualTo(second.name());
        assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());

        try (Connection c = connect(first);
                Statement s = c.createStatement()) {
            s.execute("create table jobs (id int primary key)");
            s.execute("insert into jobs values (1)");
        }
        try (Connection c = connect(second);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("select * from jobs"))
                    .hasMessageContaining("does not exist");
        }
    }

    private static Connection connect(Database database) throws SQLException {
        return DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
    }
}
