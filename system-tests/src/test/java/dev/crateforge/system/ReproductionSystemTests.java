package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent rebuilds, for real: two reference builders with their own work directories and keys
 * build the same crate; identical bytes are published as reproduced, and a crate whose build embeds
 * the time is caught as a disagreement and withheld from the public paths.
 */
class ReproductionSystemTests {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    /** The registry name the artifact service's stable paths use by default. */
    private static final String REGISTRY = "crates-io";

    @TempDir static Path work;

    private static Cargo cargo;
    private static String target;
    private static CrateForgeSystem system;
    private static CrateForgeClient client;
    private static SourceServer sources;
    private static final List<BuilderProcess> builders = new ArrayList<>();

    @BeforeAll
    static void startSystem() {
        cargo = RealCargo.orSkip("the reproduction system tests");
        target = cargo.hostTarget();
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system"))
                                .withLeases("PT60S", "PT3S", "PT1S"));
        client = system.client();
        sources = SourceServer.start(work.resolve("sources"));
        builders.add(system.startRegisteredBuilder("rebuilder-one", List.of(target), work));
        builders.add(system.startRegisteredBuilder("rebuilder-two", List.of(target), work));
    }

    @AfterAll
    static void stopSystem() {
        builders.forEach(BuilderProcess::close);
        if (sources != null) {
            sources.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void twoBuildersBuildTheSameBytesAndTheArtifactIsPublishedAsReproduced() {
        UUID first =
                submit(
                        "same-bytes",
                        "fn main() {\n    println!(\"built the same everywhere\");\n}\n",
                        null);
        JsonNode reproduction = awaitVerdict(first);

        assertThat(reproduction.path("verdict").asText())
                .as("builds: %s", reproduction)
                .isEqualTo("reproduced");
        List<JsonNode> builds = new ArrayList<>();
        reproduction.path("buildsOf").forEach(builds::add);
        assertThat(builds).hasSize(2);
        assertThat(builds).extracting(b -> b.path("builderId").asText()).doesNotHaveDuplicates();
        assertThat(builds.get(0).path("digests").path("binary").asText())
                .isEqualTo(builds.get(1).path("digests").path("binary").asText())
                .hasSize(64);
        // Public once the artifact service heard the verdict.
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.fetchArtifactPath(archivePath("same-bytes")).statusCode()
                                        == 200);
    }

    @Test
    void aBuildThatEmbedsTheTimeIsCaughtAsADisagreementAndWithheld() {
        String buildRs =
                "fn main() {\n"
                        + "    let now = std::time::SystemTime::now()\n"
                        + "        .duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();\n"
                        + "    println!(\"cargo:rustc-env=BUILT_AT={now}\");\n"
                        + "}\n";
        UUID first =
                submit(
                        "built-at",
                        "fn main() {\n    println!(\"built at {}\", env!(\"BUILT_AT\"));\n}\n",
                        buildRs);
        JsonNode reproduction = awaitVerdict(first);

        assertThat(reproduction.path("verdict").asText())
                .as("builds: %s", reproduction)
                .isEqualTo("disagreed");
        assertThat(reproduction.path("buildsOf").get(0).path("digests").path("binary").asText())
                .isNotEqualTo(
                        reproduction
                                .path("buildsOf")
                                .get(1)
                                .path("digests")
                                .path("binary")
                                .asText());
        // Both builds succeeded, so the artifact service knows them; neither is public.
        for (JsonNode build : reproduction.path("buildsOf")) {
            client.awaitProvenanceFile(
                    UUID.fromString(build.path("jobId").asText()),
                    "statement",
                    Duration.ofSeconds(30));
        }
        assertThat(client.fetchArtifactPath(archivePath("built-at")).statusCode()).isEqualTo(404);
    }

    @Test
    void aBuilderThatSignsOtherBytesIsOutvotedWithheldAndLosesReputation() throws Exception {
        try (BuilderProcess liar =
                system.startRegisteredBuilder(
                        "rebuilder-liar",
                        List.of(target),
                        work,
                        "--cargo",
                        lyingCargo().toString())) {
            builders.add(liar);
            UUID first =
                    submit(
                            "outvoted-e2e",
                            "fn main() {\n    println!(\"three builders build me\");\n}\n",
                            null,
                            3);
            JsonNode reproduction = awaitVerdict(first);

            assertThat(reproduction.path("verdict").asText())
                    .as("builds: %s", reproduction)
                    .isEqualTo("disagreed");
            Map<String, List<String>> buildersByDigest = new HashMap<>();
            reproduction
                    .path("buildsOf")
                    .forEach(
                            b ->
                                    buildersByDigest
                                            .computeIfAbsent(
                                                    b.path("digests").path("binary").asText(),
                                                    d -> new ArrayList<>())
                                            .add(b.path("builderId").asText()));
            assertThat(buildersByDigest.values())
                    .as("two builds agree, one differs: %s", reproduction)
                    .extracting(List::size)
                    .containsExactlyInAnyOrder(2, 1);
            String lying =
                    buildersByDigest.values().stream()
                            .filter(ids -> ids.size() == 1)
                            .findFirst()
                            .orElseThrow()
                            .get(0);
            assertThat(
                            client.reputation(UUID.fromString(lying))
                                    .path("reputation")
                                    .path("disagreed")
                                    .asInt())
                    .isOne();
            for (List<String> honest : buildersByDigest.values()) {
                if (honest.size() == 2) {
                    for (String id : honest) {
                        assertThat(
                                        client.reputation(UUID.fromString(id))
                                                .path("reputation")
                                                .path("disagreed")
                                                .asInt())
                                .isZero();
                    }
                }
            }
            assertThat(client.fetchArtifactPath(archivePath("outvoted-e2e")).statusCode())
                    .isEqualTo(404);
        } finally {
            builders.removeIf(b -> b.name().equals("rebuilder-liar"));
        }
    }

    /**
     * A "cargo" that runs the real one and then adds bytes to every binary it built: the builder
     * signs what it finds, so this is a builder whose signature is valid and whose bytes are not
     * what the crate builds. The directory also holds {@code rustc}, which the builder asks for the
     * host target and the sysroot.
     */
    private static Path lyingCargo() throws Exception {
        Path sysroot = Path.of(run("rustc", "--print", "sysroot").strip());
        Path dir = Files.createDirectories(work.resolve("lying-toolchain"));
        Path cargo = dir.resolve("cargo");
        Files.writeString(
                cargo,
                "#!/bin/sh\n"
                        + "\""
                        + sysroot.resolve("bin").resolve("cargo")
                        + "\" \"$@\" || exit $?\n"
                        + "case \" $* \" in *\" build \"*)\n"
                        + "  for f in \"$CARGO_TARGET_DIR\"/*/release/* \"$CARGO_TARGET_DIR\"/release/*; do\n"
                        + "    case \"$f\" in *.d|*.rlib|*.so) continue;; esac\n"
                        + "    if [ -f \"$f\" ] && [ -x \"$f\" ]; then printf lie >> \"$f\"; fi\n"
                        + "  done;;\n"
                        + "esac\n");
        Files.setPosixFilePermissions(
                cargo, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rustc = dir.resolve("rustc");
        if (!Files.exists(rustc, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(rustc, sysroot.resolve("bin").resolve("rustc"));
        }
        return cargo;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output =
                new String(
                        process.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    /** Packs and submits a binary crate built by two builders; returns the first build's id. */
    private static UUID submit(String name, String mainRs, String buildRs) {
        return submit(name, mainRs, buildRs, 2);
    }

    /**
     * Packs and submits a binary crate built by {@code builds} builders; returns the first's id.
     */
    private static UUID submit(String name, String mainRs, String buildRs, int builds) {
        Path dir = Cargo.writeBinaryCrate(work.resolve("crates"), name, "1.0.0", mainRs);
        if (buildRs != null) {
            try {
                Files.writeString(dir.resolve("build.rs"), buildRs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path crate = cargo.pack(dir, name, "1.0.0");
        return client.submit(
                new CrateForgeClient.JobSpec(
                                name,
                                "1.0.0",
                                sources.publish(crate),
                                SourceServer.sha256(crate),
                                target,
                                "binary")
                        .reproduced(builds));
    }

    /** Waits until every build ended and the verdict is taken; returns the reproduction. */
    private static JsonNode awaitVerdict(UUID first) {
        return await().atMost(BUILD_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .alias("verdict of " + first + "; builders said:\n" + outputs())
                .until(
                        () -> client.reproduction(first),
                        r -> !"pending".equals(r.path("verdict").asText()));
    }

    private static String archivePath(String name) {
        return "/dl/" + REGISTRY + "/" + name + "/1.0.0/" + name + "-1.0.0-" + target + ".tgz";
    }

    private static String outputs() {
        StringBuilder all = new StringBuilder();
        builders.forEach(b -> all.append(b.output()).append('\n'));
        return all.toString();
    }
}
