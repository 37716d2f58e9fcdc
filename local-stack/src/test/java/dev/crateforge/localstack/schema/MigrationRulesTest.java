package dev.crateforge.localstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationRulesTest {

    @TempDir Path dir;

    @Test
    void refusesAPlainIndexOnATableThatAlreadyExists() throws Exception {
        write(
                "V17__finished_index.sql",
                "-- speeds up the sweep\ncreate index job_x_idx on job (finished_at);");

        assertThat(MigrationRules.violations(dir, 16))
                .singleElement()
                .asString()
                .startsWith("V17__finished_index.sql: an index on job ")
                .contains("without CONCURRENTLY");
    }

    @Test
    void acceptsAConcurrentIndexAloneInItsMigration() throws Exception {
        write(
                "V17__finished_index.sql",
                "/* built without blocking writes */\n"
                        + "CREATE INDEX CONCURRENTLY IF NOT EXISTS job_x_idx\n    ON job (finished_at)\n"
                        + "    WHERE state = 'queued';\n");

        assertThat(MigrationRules.violations(dir, 16)).isEmpty();
    }

    @Test
    void refusesAConcurrentIndexBesideOtherStatements() throws Exception {
        write(
                "V17__column_and_index.sql",
                "alter table job add column purged_at timestamptz;\n"
                        + "create index concurrently job_purged_idx on job (purged_at);");

        assertThat(MigrationRules.violations(dir, 16))
                .singleElement()
                .asString()
                .contains("must be alone in its migration");
    }

    @Test
    void exemptsAnIndexOnATableCreatedInTheSameMigration() throws Exception {
        write(
                "V17__audit.sql",
                "create table if not exists audit (id bigserial primary key, at timestamptz);\n"
                        + "create unique index audit_at_idx on audit (at);");

        assertThat(MigrationRules.violations(dir, 16)).isEmpty();
    }

    @Test
    void refusesAPlainDropIndex() throws Exception {
        write("V18__drop.sql", "drop index if exists job_old_idx;");

        assertThat(MigrationRules.violations(dir, 16))
                .singleElement()
                .asString()
                .startsWith("V18__drop.sql: index job_old_idx");
    }

    @Test
    void leavesMigrationsUpToTheLastLockingVersionAlone() throws Exception {
        write("V16__old.sql", "create index job_x_idx on job (finished_at);");
        write("V9__older.sql", "drop index job_y_idx;");
        write("R__view.sql", "create index job_z_idx on job (kind);");

        assertThat(MigrationRules.violations(dir, 16)).isEmpty();
    }

    private void write(String name, String sql) throws Exception {
        Files.writeString(dir.resolve(name), sql);
    }
}
