package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stable names of a job's directories, as rustc flags and as a rewrite of text. */
class StablePathsTests {

    private static final Path JOB = Path.of("/var/lib/builder/jobs/j-1");
    private static final StablePaths PATHS =
            StablePaths.of(
                    JOB,
                    JOB.resolve("src"),
                    JOB.resolve("cargo-home"),
                    Optional.of(Path.of("/home/b/.rustup/toolchains/stable-x86_64")));

    @Test
    void remapFlagsNameTheMostSpecificDirectoryLast() {
        // rustc applies the last --remap-path-prefix that matches
        assertThat(PATHS.remapFlags())
                .containsExactly(
                        "--remap-path-prefix=/var/lib/builder/jobs/j-1=/crateforge",
                        "--remap-path-prefix=/var/lib/builder/jobs/j-1/src=/crateforge/src",
                        "--remap-path-prefix=/var/lib/builder/jobs/j-1/cargo-home=/cargo",
                        "--remap-path-prefix=/home/b/.rustup/toolchains/stable-x86_64"
                                + "=/rustc/sysroot");
    }

    @Test
    void rewritesWholeDirectoriesOnly() {
        assertThat(
                        PATHS.rewrite(
                                "/var/lib/builder/jobs/j-1/cargo-home/registry/src/a.rs,"
                                        + " /var/lib/builder/jobs/j-1/target and"
                                        + " /var/lib/builder/jobs/j-10/target,"
                                        + " path+file:///var/lib/builder/jobs/j-1/src/demo-1.0.0#1.0.0,"
                                        + " /home/b/.rustup/toolchains/stable-x86_64/lib"))
                .isEqualTo(
                        "/cargo/registry/src/a.rs, /crateforge/target and"
                                + " /var/lib/builder/jobs/j-10/target,"
                                + " path+file:///crateforge/src/demo-1.0.0#1.0.0,"
                                + " /rustc/sysroot/lib");
    }

    @Test
    void rewritesADirectoryAlsoWhereAFileUrlEscapesIt() {
        Path job = Path.of("/srv/build farm/\"b\"/jobs/j-1");
        StablePaths paths =
                StablePaths.of(
                        job, job.resolve("src"), job.resolve("cargo-home"), Optional.empty());

        assertThat(
                        paths.rewrite(
                                "path+file:///srv/build%20farm/%22b%22/jobs/j-1/src/d-1.0.0#d@1.0.0"))
                .isEqualTo("path+file:///crateforge/src/d-1.0.0#d@1.0.0");
        assertThat(StablePaths.urlPath("/a b/ü/%/x")).isEqualTo("/a%20b/%C3%BC/%25/x");
    }

    @Test
    void flagsReachCargoIntactWhateverTheDirectoryIsCalled() {
        // cargo reads --config build.rustflags=… as TOML
        assertThat(
                        CargoRunner.tomlArray(
                                List.of(
                                        "--remap-path-prefix=/w d/\"q\"\\x=/crateforge",
                                        "tab\there")))
                .isEqualTo(
                        "[\"--remap-path-prefix=/w d/\\\"q\\\"\\\\x=/crateforge\","
                                + " \"tab\\u0009here\"]");
    }
}
