package dev.crateforge.localstack.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.LocalStack;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class DatabaseActivityTest {

    @Test
    void aLongStatementOfAnotherSessionIsNamed() throws Exception {
        assertReportedAfter("running over 30 ms: select pg_sleep(0.5)", "select pg_sleep(0.5)");
    }

    @Test
    void aCheckpointDuringThePhaseIsReported() throws Exception {
        assertReportedAfter(
                "checkpoint ended",
                "create table filler (id int primary key, text text)",
                "insert into filler select i, repeat('x', 200) from generate_series(1, 20000) i",
                "checkpoint");
    }

    /**
     * Runs {@code statements} in a session of a new database beside a sampler, then waits for the
     * sampler's report to contain {@code expected}.
     */
    private static void assertReportedAfter(String expected, String... statements)
            throws Exception {
        Database database = LocalStack.shared().newDatabase();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(database.username());
        dataSource.setPassword(database.password());

        try (DatabaseActivity activity =
                        DatabaseActivity.sample(
                                dataSource, System.nanoTime(), Duration.ofMillis(10));
                Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> activity.report(Duration.ofMillis(100)).contains(expected));
        }
    }

    @Test
    void samplesCloserThanTheGapMakeOneSpan() {
        TreeSet<Long> times = new TreeSet<>(List.of(100L, 110L, 120L, 400L, 900L, 905L));

        assertThat(DatabaseActivity.spans(times, 50)).isEqualTo("100-120, 400, 900-905");
    }
}
