package dev.crateforge.artifact.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionOrderTests {

    @Test
    void ordersBySemanticVersioningPrecedence() {
        // The example of SemVer 2.0 §11, then numbers that text order gets wrong, then build
        // metadata (no precedence: ordered by text so that the order is total).
        List<String> expected =
                List.of(
                        "1.0.0-alpha",
                        "1.0.0-alpha.1",
                        "1.0.0-alpha.beta",
                        "1.0.0-beta",
                        "1.0.0-beta.2",
                        "1.0.0-beta.11",
                        "1.0.0-rc.1",
                        "1.0.0",
                        "1.0.0+build.1",
                        "1.0.0+build.2",
                        "1.2.0",
                        "1.10.0",
                        "2.0.0",
                        "10.0.0");
        List<String> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.sort(VersionOrder.INSTANCE);
        assertThat(shuffled).containsExactlyElementsOf(expected);
        assertThat(VersionOrder.INSTANCE.compare("1.0.0", "1.0.0")).isZero();
    }
}
