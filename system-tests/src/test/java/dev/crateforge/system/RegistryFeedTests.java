package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run's registry: the system started as the run command starts it follows a {@link
 * RegistryFeed}, and a crate published with the one documented command (run as printed, with curl)
 * becomes a job with no hand submission.
 */
class RegistryFeedTests {

    private static final String TARGET = "x86_64-unknown-linux-gnu";

    @TempDir static Path work;

    private static RegistryFeed feed;
    private static CrateForgeSystem system;

    @BeforeAll
    static void startSystem() {
        feed = RegistryFeed.start(work.resolve("registry"));
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system")),
                        feed.schedulerSettings(TARGET, "binary"),
                        feed.artifactSettings());
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
        if (feed != null) {
            feed.close();
        }
    }

    @Test
    void aCratePublishedWithThePrintedCommandBecomesAJob() throws Exception {
        byte[] crateFile = new byte[4096];
        new Random(7).nextBytes(crateFile);
        Path file = work.resolve("feed-demo-0.3.0.crate");
        Files.write(file, crateFile);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(crateFile));

        String command = feed.publishCommand(file.toString(), "feed-demo", "0.3.0");
        Process curl = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor()).as(answer).isZero();
        assertThat(answer).contains("published feed-demo@0.3.0 sha256 " + sha256);

        CrateForgeClient client = system.client();
        List<JsonNode> jobs =
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> client.jobsOf("feed-demo"), found -> !found.isEmpty());
        JsonNode job = jobs.get(0);
        assertThat(jobs).hasSize(1);
        assertThat(job.path("version").asText()).isEqualTo("0.3.0");
        assertThat(job.path("target").asText()).isEqualTo(TARGET);
        assertThat(job.path("kind").asText()).isEqualTo("binary");
        assertThat(job.path("sourceSha256").asText()).isEqualTo(sha256);
        assertThat(job.path("sourceUrl").asText())
                .isEqualTo(feed.registry().downloadBase() + "/feed-demo/0.3.0/download");

        // The same command again is refused: a version is published once.
        Process again = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        again.getInputStream().readAllBytes();
        assertThat(again.waitFor()).isNotZero();
    }
}
