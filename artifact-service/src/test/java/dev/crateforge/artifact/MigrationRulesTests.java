package dev.crateforge.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.schema.MigrationRules;
import org.junit.jupiter.api.Test;

/** The artifact's migrations keep the rules that let an upgrade run while the farm is busy. */
class MigrationRulesTests {

    @Test
    void newMigrationsNeverLockATableWhileBuildingAnIndex() {
        // V10 and older were written before the rule (docs/operations.md lists what they lock).
        assertThat(MigrationRules.violationsInSources(10)).isEmpty();
    }
}
