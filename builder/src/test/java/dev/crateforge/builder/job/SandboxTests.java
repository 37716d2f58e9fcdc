package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.builder.cli.BuilderCommand;
import dev.crateforge.builder.config.SandboxMode;
import dev.crateforge.builder.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTests {

    private static final Path JOB = Path.of("/work/jobs/j-1");
    private static final Path CRATE = JOB.resolve("src/demo-1.0.0");
    private static final List<String> CARGO = List.of("/opt/cargo/bin/cargo", "build");

    @Test
    void wrapsWithReadOnlySystemWritableJobDirAndNoNetwork() {
        List<String> args =
                Sandbox.bubblewrap(Path.of("/usr/bin/bwrap"))
                        .wrap(CARGO, JOB, CRATE, List.of(Path.of("/opt/cargo/bin")), false);

        String line = String.join(" ", args);
        assertThat(args.get(0)).isEqualTo("/usr/bin/bwrap");
        assertThat(line)
                .contains("--unshare-net")
                .contains("--die-with-parent")
                .contains("--unshare-uts --hostname crateforge")
                .contains("--ro-bind /usr /usr")
                .contains("--ro-bind /opt/cargo/bin /opt/cargo/bin")
                .contains("--bind " + JOB + " " + JOB)
                .contains("--chdir " + CRATE)
                .endsWith("-- /opt/cargo/bin/cargo build");
        assertThat(line)
                .doesNotContain("--bind /usr")
                .doesNotContain(System.getProperty("user.home") + " ");
    }

    @Test
    void keepsTheNetworkWhenAllowed() {
        List<String> args =
                Sandbox.bubblewrap(Path.of("/usr/bin/bwrap"))
                        .wrap(CARGO, JOB, CRATE, List.of(), true);

        assertThat(args).doesNotContain("--unshare-net");
    }

    @Test
    void runsCommandsAsTheyAreWithoutASandbox() {
        assertThat(Sandbox.none().wrap(CARGO, JOB, CRATE, List.of(), false)).isEqualTo(CARGO);
    }

    @Test
    void aWorkingBubblewrapPassesTheProbe(@TempDir Path temp) throws Exception {
        Path bwrap = Tools.bwrapOrSkip();

        Sandbox sandbox = Sandbox.forMode(SandboxMode.AUTO, Optional.of(bwrap), temp);

        assertThat(sandbox.enabled()).isTrue();
    }

    @Test
    void aToolchainAndAJobBelowTmpStayVisibleUnderTheSandboxsOwnTmp(@TempDir Path temp)
            throws Exception {
        Path bwrap = Tools.bwrapOrSkip();
        // @TempDir lives below /tmp, where the sandbox mounts an empty /tmp of its own.
        Path toolchain = Files.createDirectories(temp.resolve("toolchain"));
        Path tool = toolchain.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\necho toolchain seen\n");
        tool.toFile().setExecutable(true);
        Path job = Files.createDirectories(temp.resolve("job"));
        Sandbox sandbox = Sandbox.forMode(SandboxMode.AUTO, Optional.of(bwrap), temp);

        Process process =
                new ProcessBuilder(
                                sandbox.wrap(
                                        List.of(tool.toString()),
                                        job,
                                        job,
                                        List.of(toolchain),
                                        false))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("toolchain seen\n");
    }

    @Test
    void autoRefusesWhenBwrapIsMissingOrCannotRunACommand(@TempDir Path temp) throws Exception {
        Path broken = temp.resolve("bwrap");
        Files.writeString(
                broken,
                "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
        broken.toFile().setExecutable(true);

        assertThatThrownBy(() -> Sandbox.forMode(SandboxMode.AUTO, Optional.empty(), temp))
                .isInstanceOf(Sandbox.SandboxUnavailable.class)
                .hasMessage("bwrap is not installed (Debian package bubblewrap)");
        assertThatThrownBy(() -> Sandbox.forMode(SandboxMode.BWRAP, Optional.of(broken), temp))
                .isInstanceOf(Sandbox.SandboxUnavailable.class)
                .hasMessage(
                        broken
                                + " cannot run a command (exit code 1: bwrap: setting up uid map:"
                                + " Permission denied)");
    }

    @Test
    void noneIsOnlyWhatTheOperatorSays(@TempDir Path temp) throws Exception {
        assertThat(Sandbox.forMode(SandboxMode.NONE, Optional.empty(), temp).enabled()).isFalse();
        assertThat(BuilderCommand.agent(false)).endsWith(" sandbox=none");
        assertThat(BuilderCommand.agent(true)).doesNotContain("sandbox");
    }
}
