package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewrite of {@code cargo metadata} paths without cargo: every mention of a job directory
 * becomes its stable name, also behind a symbolic link, and nothing else changes.
 */
class MetadataPathsTests {

    @TempDir Path temp;

    @Test
    void givesEveryPathOfTheJobDirectoryItsStableName() throws Exception {
        Path realWork = Files.createDirectories(temp.resolve("real-work"));
        Path link = Files.createSymbolicLink(temp.resolve("work"), realWork);
        Path jobDir = Files.createDirectories(link.resolve("jobs/j-1"));
        Path crate = Files.createDirectories(jobDir.resolve("src/demo-1.0.0"));
        Path cargoHome = Files.createDirectories(jobDir.resolve("cargo-home"));
        // cargo prints the resolved directory; the builder knows the linked one
        String real = crate.toRealPath().toString();
        String job = jobDir.toRealPath().toString();
        Path file =
                Files.writeString(
                        temp.resolve("metadata.json"),
                        "{\"packages\":[{\"id\":\"path+file://"
                                + real
                                + "#1.0.0\",\"manifest_path\":\""
                                + real
                                + "/Cargo.toml\",\"targets\":[{\"src_path\":\""
                                + real
                                + "/src/main.rs\"}],\"description\":\"see "
                                + job
                                + "x and "
                                + real
                                + "/README\",\"dependencies\":[{\"path\":\""
                                + cargoHome
                                + "/registry/src/x\"}],\"size\":12}],"
                                + "\"workspace_members\":[\"path+file://"
                                + real
                                + "#1.0.0\"],\"target_directory\":\""
                                + job
                                + "/target\",\"build_directory\":\""
                                + job
                                + "/target\",\"workspace_root\":\""
                                + real
                                + "\",\"metadata\":null}");

        MetadataPaths.stabilise(
                file, StablePaths.of(jobDir, crate.getParent(), cargoHome, Optional.empty()));

        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"packages\":[{\"id\":\"path+file:///crateforge/src/demo-1.0.0#1.0.0\","
                                + "\"manifest_path\":\"/crateforge/src/demo-1.0.0/Cargo.toml\","
                                + "\"targets\":[{\"src_path\":"
                                + "\"/crateforge/src/demo-1.0.0/src/main.rs\"}],"
                                + "\"description\":\"see "
                                + job
                                + "x and /crateforge/src/demo-1.0.0/README\","
                                + "\"dependencies\":[{\"path\":\"/cargo/registry/src/x\"}],"
                                + "\"size\":12}],"
                                + "\"workspace_members\":"
                                + "[\"path+file:///crateforge/src/demo-1.0.0#1.0.0\"],"
                                + "\"target_directory\":\"/crateforge/target\","
                                + "\"build_directory\":\"/crateforge/target\","
                                + "\"workspace_root\":\"/crateforge/src/demo-1.0.0\","
                                + "\"metadata\":null}");
    }
}
