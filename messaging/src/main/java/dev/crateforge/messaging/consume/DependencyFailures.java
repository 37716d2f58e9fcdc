package dev.crateforge.messaging.consume;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/**
 * Tells a failure of a dependency (the database or the broker is down, slow or restarting) from a
 * failure of the record itself. A dependency failure says nothing about the record: it is retried
 * until the dependency is back, never committed or dead-lettered. Only SQL states that blame the
 * data (class 22 data exception, 23 integrity violation) or the statement (42 syntax or access
 * rule) count as the record's fault; every other SQL failure, a missing connection included, is the
 * database's.
 */
public final class DependencyFailures {

    private DependencyFailures() {}

    /** True when {@code failure} (or anything it wraps) is a dependency being unavailable. */
    public static boolean isDependencyDown(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return !blamesTheRecord(sql.getSQLState());
            }
            if (cause instanceof KafkaException
                    || cause instanceof ConnectException
                    || cause instanceof TimeoutException
                    || cause instanceof jakarta.transaction.RollbackException
                    || cause instanceof jakarta.transaction.SystemException
                    || cause instanceof jakarta.transaction.HeuristicMixedException
                    || cause instanceof jakarta.transaction.HeuristicRollbackException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean blamesTheRecord(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("22")
                        || sqlState.startsWith("23")
                        || sqlState.startsWith("42"));
    }
}
