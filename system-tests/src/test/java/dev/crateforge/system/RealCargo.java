package dev.crateforge.system;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's cargo for the tests that build real crates, which skip loudly where there is none.
 */
final class RealCargo {

    private RealCargo() {}

    /** The cargo found; where there is none, says so on stderr and skips {@code tests}. */
    static Cargo orSkip(String tests) {
        Optional<Cargo> found = Cargo.find();
        if (found.isEmpty()) {
            System.err.println("\n!!!!! WARNING: cargo not found: SKIPPING " + tests + " !!!!!\n");
        }
        Assumptions.assumeTrue(found.isPresent(), "cargo not found: SKIPPING " + tests);
        return found.get();
    }
}
