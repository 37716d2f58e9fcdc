package dev.crateforge.messaging.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures wait for a dependency and which belong to the record. */
class DependencyFailuresTests {

    @Test
    void aLostConnectionOrABrokerTimeoutIsADependencyBeingDown() {
        assertThat(DependencyFailures.isDependencyDown(new SQLException("gone", "08006"))).isTrue();
        assertThat(DependencyFailures.isDependencyDown(new SQLException("no state"))).isTrue();
        assertThat(DependencyFailures.isDependencyDown(new TimeoutException("broker"))).isTrue();
        assertThat(
                        DependencyFailures.isDependencyDown(
                                new IllegalStateException(
                                        "wrapped", new ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void badDataAStatementErrorOrACodeBugBelongToTheRecord() {
        assertThat(DependencyFailures.isDependencyDown(new SQLException("dup", "23505"))).isFalse();
        assertThat(DependencyFailures.isDependencyDown(new SQLException("bad", "22P02"))).isFalse();
        assertThat(DependencyFailures.isDependencyDown(new SQLException("syntax", "42601")))
                .isFalse();
        assertThat(DependencyFailures.isDependencyDown(new IllegalArgumentException("bug")))
                .isFalse();
    }

    @Test
    void aPoisonRecordIsNeverADependencyFailure() {
        assertThat(
                        DependencyFailures.isDependencyDown(
                                new RecordDecoding.PoisonRecordException("x")))
                .isFalse();
    }
}
