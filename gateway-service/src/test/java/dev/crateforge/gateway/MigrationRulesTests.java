package dev.crateforge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.schema.MigrationRules;
import org.junit.jupiter.api.Test;

/** The gateway's migrations keep the rules that let an upgrade run while the farm is busy. */
class MigrationRulesTests {

    @Test
    void newMigrationsNeverLockATableWhileBuildingAnIndex() {
        // V3 and older were written before the rule (docs/operations.md lists what they lock).
        assertThat(MigrationRules.violationsInSources(3)).isEmpty();
    }
}
