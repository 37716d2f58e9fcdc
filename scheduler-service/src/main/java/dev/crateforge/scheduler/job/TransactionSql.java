package dev.crateforge.scheduler.job;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Plain JDBC on the caller's transaction, for the paths where one statement does the work of many
 * entity operations (a poll of job requests, a batch of log lines). The data source hands out the
 * connection enlisted in the current JTA transaction, so these statements commit or roll back with
 * everything else the transaction did. A failure becomes an {@link IllegalStateException} that
 * names the work.
 */
@ApplicationScoped
public class TransactionSql {

    /** What to do with the prepared statement; the connection is there to make arrays. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection, PreparedStatement statement) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public TransactionSql(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Prepares {@code sql} on the transaction's connection and runs {@code work} with it.
     *
     * @param what the work, for the error message ("storing requests")
     */
    public <T> T execute(String what, String sql, Work<T> work) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            return work.run(connection, statement);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }
}
