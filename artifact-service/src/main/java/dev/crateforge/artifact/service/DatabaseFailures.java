package dev.crateforge.artifact.service;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.hibernate.JDBCException;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells a database that is down or briefly unable to answer (the service cannot decide now: 503
 * {@code unavailable}, retried by the builder) from a fault of this service (500).
 *
 * <p>Looks through the whole cause chain, because the failure arrives wrapped: Agroal's pool, then
 * Hibernate ({@link JDBCConnectionException}, {@code GenericJDBCException}), then the transaction
 * interceptor.
 */
public final class DatabaseFailures {

    /**
     * SQLStates that mean "not now" rather than "wrong": the server shutting down, crashed or still
     * starting (57P01-57P03), too many connections (53300), a serialization failure or deadlock
     * whose transaction was rolled back (40001, 40P01). Class 08 (connection exception) is matched
     * as a whole.
     */
    private static final Set<String> TRANSIENT_STATES =
            Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");

    /** How Hibernate's message starts when the pool could not hand out a connection. */
    private static final String ACQUISITION_FAILED = "Unable to acquire JDBC Connection";

    private DatabaseFailures() {}

    /** True when {@code failure} means the database cannot answer now. */
    public static boolean isUnavailable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof JDBCConnectionException
                    || isConnectionAcquisition(t)
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && isTransient(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hibernate's wrapper of any failure to get a connection, whatever its SQLState: a server that
     * refuses logins for now (a database closed to connections, {@code 55000}) cannot answer
     * either.
     */
    private static boolean isConnectionAcquisition(Throwable t) {
        return t instanceof JDBCException
                && t.getMessage() != null
                && t.getMessage().startsWith(ACQUISITION_FAILED);
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
            return true;
        }
        // Agroal's own: no SQLState, and no subclass to tell it by.
        String message = e.getMessage();
        return message != null
                && (message.startsWith("Acquisition timeout")
                        || message.startsWith("Sorry, acquisition timeout"));
    }
}
