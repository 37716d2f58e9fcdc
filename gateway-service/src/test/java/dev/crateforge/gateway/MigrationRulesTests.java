package dev.crateforge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.schema.MigrationRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The gateway's migrations keep the rules that let an upgrade run while the farm is busy. */
class MigrationRulesTests {

    /** Written before the rule (V3__builder_owner.sql); later ones follow it. */
    private static final int LAST_LOCKING_VERSION = 3;

    @Test
    void newMigrationsNeverLockATableWhileBuildingAnIndex() {
        assertThat(
                        MigrationRules.violations(
                                Path.of("src/main/resources/db/migration"), LAST_LOCKING_VERSION))
                .isEmpty();
    }
}
