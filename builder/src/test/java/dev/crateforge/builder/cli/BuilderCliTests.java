package dev.crateforge.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.support.TestKeys;
import dev.crateforge.builder.support.Tools;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line as an operator meets it, through the real Quarkus main. */
@QuarkusMainTest
class BuilderCliTests {

    @TempDir Path temp;

    @Test
    void runHelpExplainsEveryOption(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("run", "--help");

        assertThat(result.exitCode()).isZero();
        String help = result.getOutput();
        CommandLine.Model.CommandSpec spec =
                CommandLine.Model.CommandSpec.forAnnotatedObject(
                        new RunCommand(ConfigDefaults.load(new String[0], java.util.Map.of())));
        assertThat(spec.options()).hasSizeGreaterThan(15);
        for (OptionSpec option : spec.options()) {
            assertThat(help).contains(option.longestName());
            assertThat(String.join(" ", option.description()))
                    .as(option.longestName())
                    .isNotBlank();
        }
        assertThat(help).contains("CRATEFORGE_BUILDER_");
    }

    @Test
    void topLevelHelpListsTheCommandsAndExitCodes(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("run", "key", "Exit codes", "1008");
    }

    @Test
    void keyPrintsTheFingerprintSshKeygenPrints(QuarkusMainLauncher launcher) throws Exception {
        Path keygen = Tools.sshKeygenOrSkip();
        Path key = TestKeys.path("builder_ed25519");
        Process process = new ProcessBuilder(keygen.toString(), "-lf", key.toString()).start();
        String keygenLine =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String keygenFingerprint = keygenLine.split(" ")[1];

        LaunchResult result = launcher.launch("key", "--key", key.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutputStream())
                .containsExactly(
                        Files.readString(TestKeys.path("builder_ed25519.pub")).trim(),
                        keygenFingerprint);
    }

    @Test
    void encryptedKeyExitsWithTwoAndOneLine(QuarkusMainLauncher launcher) {
        LaunchResult result =
                launcher.launch("key", "--key", TestKeys.path("encrypted_ed25519").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorStream())
                .containsExactly(
                        "crateforge-builder: cannot read key: encrypted private keys are not"
                                + " supported; decrypt with ssh-keygen -p");
    }

    @Test
    void configFileSuppliesTheKeyOption(QuarkusMainLauncher launcher) throws Exception {
        Path config = temp.resolve("builder.properties");
        Files.writeString(config, "key=" + TestKeys.path("encrypted_ed25519") + "\n");

        LaunchResult result = launcher.launch("key", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorOutput()).contains("encrypted private keys are not supported");
    }

    @Test
    void runWithoutGatewaySaysHowToGiveOne(QuarkusMainLauncher launcher) {
        LaunchResult result =
                launcher.launch(
                        "run",
                        "--key",
                        TestKeys.path("builder_ed25519").toString(),
                        "--targets",
                        "x86_64-unknown-linux-gnu");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorOutput())
                .contains("missing --gateway (or CRATEFORGE_BUILDER_GATEWAY");
    }

    @Test
    void missingConfigFileIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result =
                launcher.launch("run", "--config", temp.resolve("nope.properties").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorOutput()).contains("cannot read config file");
    }

    @Test
    void aMaximumBelowItsDefaultExitsWithTwoAndOneLine(QuarkusMainLauncher launcher)
            throws Exception {
        LaunchResult result =
                launchRun(
                        launcher,
                        "--memory-bytes",
                        "8589934592",
                        "--max-memory-bytes",
                        "4294967296");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorStream())
                .endsWith(
                        "crateforge-builder: --max-memory-bytes (4294967296) is below"
                                + " --memory-bytes (8589934592): the maximum an override may ask"
                                + " for cannot be less than what every job gets");
    }

    @Test
    void runWithoutAWorkingSandboxExitsWithFourAndOneLine(QuarkusMainLauncher launcher)
            throws Exception {
        Path brokenBwrap = temp.resolve("bwrap");
        Files.writeString(
                brokenBwrap,
                "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
        brokenBwrap.toFile().setExecutable(true);

        LaunchResult result = launchRun(launcher, "--bwrap", brokenBwrap.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_SANDBOX);
        assertThat(result.getErrorStream())
                .endsWith(
                        "crateforge-builder: no working sandbox: "
                                + brokenBwrap
                                + " cannot run a command (exit code 1: bwrap: No permissions to"
                                + " creating new namespace); install bubblewrap, or pass --sandbox"
                                + " none on a disposable machine");
    }

    /**
     * {@code run} with a gateway, key, target, a stand-in cargo and a work dir, and {@code more}.
     */
    private LaunchResult launchRun(QuarkusMainLauncher launcher, String... more) throws Exception {
        Path cargo = temp.resolve("cargo");
        Files.writeString(cargo, "#!/bin/sh\nexit 0\n");
        cargo.toFile().setExecutable(true);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--gateway",
                                "ws://127.0.0.1:9/builders/v1",
                                "--key",
                                TestKeys.path("builder_ed25519").toString(),
                                "--targets",
                                "x86_64-unknown-linux-gnu",
                                "--cargo",
                                cargo.toString(),
                                "--work-dir",
                                temp.resolve("work").toString()));
        args.addAll(List.of(more));
        return launcher.launch(args.toArray(String[]::new));
    }
}
