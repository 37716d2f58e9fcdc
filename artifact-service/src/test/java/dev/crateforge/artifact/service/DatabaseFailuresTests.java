package dev.crateforge.artifact.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.SQLGrammarException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTests {

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("interceptor", new IllegalStateException("tx", cause));
    }

    @Test
    void aDatabaseThatCannotAnswerNowIsUnavailable() {
        for (Throwable failure :
                new Throwable[] {
                    new SQLException("Connection to 127.0.0.1:5432 refused", "08001"),
                    new SQLException("An I/O error occurred", "08006"),
                    new SQLException(
                            "terminating connection due to administrator command", "57P01"),
                    new SQLException("the database system is starting up", "57P03"),
                    new SQLException("sorry, too many clients already", "53300"),
                    new SQLException("could not serialize access", "40001"),
                    new SQLTransientConnectionException("timeout"),
                    new SQLException("Acquisition timeout while waiting for new connection"),
                    new SQLException("Sorry, acquisition timeout!"),
                    new JDBCConnectionException("lost", new SQLException("x")),
                    new GenericJDBCException(
                            "Unable to acquire JDBC Connection [database is not accepting"
                                    + " connections]",
                            new SQLException("not currently accepting connections", "55000"))
                }) {
            assertThat(DatabaseFailures.isUnavailable(wrapped(failure))).as("%s", failure).isTrue();
        }
    }

    @Test
    void aFaultOfTheServiceIsNot() {
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("bug"))).isFalse();
        assertThat(
                        DatabaseFailures.isUnavailable(
                                wrapped(
                                        new SQLGrammarException(
                                                "bad query",
                                                new SQLException("syntax error", "42601")))))
                .isFalse();
        assertThat(
                        DatabaseFailures.isUnavailable(
                                wrapped(new SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(DatabaseFailures.isUnavailable(wrapped(new SQLException("no state")))).isFalse();
    }
}
