package dev.crateforge.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.schema.MigrationRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The scheduler's migrations keep the rules that let an upgrade run while the farm is busy. */
class MigrationRulesTests {

    /** Written before the rule (V16__log_retention.sql); later ones follow it. */
    private static final int LAST_LOCKING_VERSION = 16;

    @Test
    void newMigrationsNeverLockATableWhileBuildingAnIndex() {
        assertThat(
                        MigrationRules.violations(
                                Path.of("src/main/resources/db/migration"), LAST_LOCKING_VERSION))
                .isEmpty();
    }
}
