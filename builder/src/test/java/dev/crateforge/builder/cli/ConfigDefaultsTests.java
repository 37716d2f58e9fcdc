package dev.crateforge.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigDefaultsTests {

    @TempDir Path temp;

    @Test
    void commandLineWinsOverEnvironmentWhichWinsOverConfigFile() throws Exception {
        Path config = temp.resolve("builder.properties");
        Files.writeString(config, "gateway=wss://from-file/builders/v1\nslots=3\nsandbox=none\n");
        String[] args = {"--config", config.toString(), "--sandbox", "bwrap"};
        ConfigDefaults defaults =
                ConfigDefaults.load(args, Map.of("CRATEFORGE_BUILDER_SLOTS", "5"));
        RunCommand run = new RunCommand(defaults);
        CommandLine commandLine = CommandLineSetup.configure(new CommandLine(run), defaults);

        commandLine.parseArgs(args);

        assertThat(run.gateway).isEqualTo("wss://from-file/builders/v1");
        assertThat(run.slots).isEqualTo(5);
        assertThat(run.sandbox).hasToString("BWRAP");
        assertThat(run.heartbeatSeconds).isEqualTo(20);
        assertThat(defaults.loadError()).isEmpty();
    }

    @Test
    void environmentVariableNamesFollowTheLongOptionNames() {
        assertThat(ConfigDefaults.envName("gateway")).isEqualTo("CRATEFORGE_BUILDER_GATEWAY");
        assertThat(ConfigDefaults.envName("allow-network-during-build"))
                .isEqualTo("CRATEFORGE_BUILDER_ALLOW_NETWORK_DURING_BUILD");
    }

    @Test
    void configFileFromTheEnvironmentIsRead() throws Exception {
        Path config = temp.resolve("builder.properties");
        Files.writeString(config, "work-dir=/srv/builds\n");
        ConfigDefaults defaults =
                ConfigDefaults.load(
                        new String[0], Map.of("CRATEFORGE_BUILDER_CONFIG", config.toString()));
        RunCommand run = new RunCommand(defaults);
        CommandLine commandLine = CommandLineSetup.configure(new CommandLine(run), defaults);

        commandLine.parseArgs();

        assertThat(run.workDir).isEqualTo(Path.of("/srv/builds"));
    }
}
