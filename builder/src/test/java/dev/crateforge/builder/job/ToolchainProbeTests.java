package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolchainProbeTests {

    @TempDir Path tools;

    private Path tool(String name, String script) throws IOException {
        Path file = tools.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void readsTheAnswersOfTheRustcBesideCargoAndOfCargo() throws IOException {
        tool("rustc", "echo 'rustc 1.95.0 (test)'; echo 'host: x86_64-unknown-linux-gnu'");
        Path cargo = tool("cargo", "echo 'cargo 1.95.0 (test)'");

        Toolchain toolchain = ToolchainProbe.describe(cargo, Duration.ofSeconds(30));

        assertThat(toolchain.rustc())
                .isEqualTo("rustc 1.95.0 (test)\nhost: x86_64-unknown-linux-gnu\n");
        assertThat(toolchain.cargo()).isEqualTo("cargo 1.95.0 (test)\n");
    }

    @Test
    void aToolThatHangsWithItsOutputOpenIsGivenUpAfterTheTimeout() throws IOException {
        // Prints, then never exits nor closes its output: a pipe read would wait forever.
        tool("rustc", "echo partial; exec sleep 600");
        Path cargo = tool("cargo", "echo 'cargo 1.95.0 (test)'");

        Toolchain toolchain = ToolchainProbe.describe(cargo, Duration.ofMillis(500));

        assertThat(toolchain.rustc()).isEmpty();
        assertThat(toolchain.cargo()).isEqualTo("cargo 1.95.0 (test)\n");
    }

    @Test
    void aToolThatFailsLeavesItsFieldEmpty() throws IOException {
        tool("rustc", "echo 'half an answer'; exit 3");
        Path cargo = tool("cargo", "exit 1");

        Toolchain toolchain = ToolchainProbe.describe(cargo, Duration.ofSeconds(30));

        assertThat(toolchain.rustc()).isEmpty();
        assertThat(toolchain.cargo()).isEmpty();
    }
}
