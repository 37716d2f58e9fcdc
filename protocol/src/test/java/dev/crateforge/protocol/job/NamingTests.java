package dev.crateforge.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamingTests {

    @ParameterizedTest
    @ValueSource(strings = {"serde", "serde_json", "tokio-util", "A1", "x"})
    void acceptsCargoCrateNames(String name) {
        assertThat(Naming.isCrateName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "1serde",
                "-serde",
                "serde json",
                "serde/json",
                "ünicode",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void refusesOtherCrateNames(String name) {
        assertThat(Naming.isCrateName(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.0", "1.0.0-alpha.1", "1.0.0+build.5", "10.20.30-rc.1+meta"})
    void acceptsSemanticVersions(String version) {
        assertThat(Naming.isVersion(version)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0\n"})
    void refusesOtherVersions(String version) {
        assertThat(Naming.isVersion(version)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "x86_64-unknown-linux-gnu",
                "aarch64-apple-darwin",
                "wasm32-wasip1",
                "thumbv7em-none-eabihf"
            })
    void acceptsTargetTriples(String target) {
        assertThat(Naming.isTarget(target)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux", "X86_64-unknown-linux-gnu", "../etc/passwd", "a-b c"})
    void refusesOtherTargets(String target) {
        assertThat(Naming.isTarget(target)).isFalse();
    }
}
