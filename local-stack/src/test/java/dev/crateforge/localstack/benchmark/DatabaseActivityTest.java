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

    private static PGSimpleDataSource newDatabase() {
        Database database = LocalStack.shared().newDatabase();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(database.username());
        dataSource.setPassword(database.password());
        return dataSource;
    }

    @Test
    void aLongStatementOfAnotherSessionIsNamed() throws Exception {
        PGSimpleDataSource dataSource = newDatabase();

        try (DatabaseActivity activity =
                        DatabaseActivity.sample(
                                dataSource, System.nanoTime(), Duration.ofMillis(10));
                Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("select pg_sleep(0.5)");

            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    activity.report(Duration.ofMillis(100))
                                            .contains("running over 30 ms: select pg_sleep(0.5)"));
        }
    }

    @Test
    void aCheckpointDuringThePhaseIsReported() throws Exception {
        PGSimpleDataSource dataSource = newDatabase();

        try (DatabaseActivity activity =
                        DatabaseActivity.sample(
                                dataSource, System.nanoTime(), Duration.ofMillis(10));
                Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table filler (id int primary key, text text)");
            statement.execute(
                    "insert into filler select i, repeat('x', 200) from generate_series(1, 20000) i");
            statement.execute("checkpoint");

            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    activity.report(Duration.ofMillis(100))
                                            .contains("checkpoint ended"));
        }
    }

    @Test
    void samplesCloserThanTheGapMakeOneSpan() {
        TreeSet<Long> times = new TreeSet<>(List.of(100L, 110L, 120L, 400L, 900L, 905L));

        assertThat(DatabaseActivity.spans(times, 50)).isEqualTo("100-120, 400, 900-905");
    }
}
