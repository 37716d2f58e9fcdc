package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
