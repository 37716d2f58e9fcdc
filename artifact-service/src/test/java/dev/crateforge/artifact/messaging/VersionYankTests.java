package dev.crateforge.artifact.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestKafka;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.YankService;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Yanks from the registry intake over the real topic: they mark and unmark a version's artifacts in
 * every listing, a yank that comes before the artifact still marks it, a replayed older record
 * changes nothing, and a yanked artifact is still downloaded by its exact version.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class VersionYankTests {

    /** The registry this service serves by default ({@code artifact.downloads.registry}). */
    private static final String REGISTRY = "crates-io";

    private static final String VERSION = "1.4.2";
    private static final Instant T0 = Instant.parse("2026-12-06T02:00:00Z");

    @Inject ArtifactCatalog catalog;
    @Inject YankService yanks;

    private static String newCrate() {
        return "yk" + UUID.randomUUID().toString().substring(0, 8);
    }

    private TestJobs succeededBuild(String crate) {
        return new TestJobs(catalog, crate, VERSION, ArtifactKind.METADATA)
                .uploadAndSucceed(TestArtifacts.metadata(crate, VERSION));
    }

    private static void yank(String registry, String crate, boolean yanked, Instant at) {
        VersionYankChanged change = new VersionYankChanged(registry, crate, VERSION, yanked, at);
        TestKafka.publish(Topics.VERSION_YANKS, change.key(), change);
    }

    private static List<Boolean> listedFlags(String crate) {
        return given().get("/api/v1/crates/" + crate + "/" + VERSION + "/artifacts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("yanked", Boolean.class);
    }

    private static Boolean indexFlag(String crate) {
        JsonPath index =
                given().get("/dl/" + REGISTRY + "/" + crate + "/index.json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        return index.getBoolean("versions[0].yanked");
    }

    private static void awaitFlag(String crate, boolean yanked) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(listedFlags(crate)).containsExactly(yanked));
        assertThat(indexFlag(crate)).isEqualTo(yanked);
    }

    @Test
    void aYankMarksTheArtifactsAndAnUnyankClearsThemWhileDownloadsGoOn() {
        String crate = newCrate();
        succeededBuild(crate);
        assertThat(listedFlags(crate)).containsExactly(false);

        yank(REGISTRY, crate, true, T0);
        awaitFlag(crate, true);
        given().get("/api/v1/crates/" + crate + "/" + VERSION + "/" + TestJobs.TARGET + "/metadata")
                .then()
                .statusCode(200);

        yank(REGISTRY, crate, false, T0.plusSeconds(1));
        awaitFlag(crate, false);
    }

    @Test
    void aRedeliveredOlderYankChangesNothing() {
        String crate = newCrate();
        succeededBuild(crate);
        yank(REGISTRY, crate, true, T0);
        awaitFlag(crate, true);
        yank(REGISTRY, crate, false, T0.plusSeconds(5));
        awaitFlag(crate, false);

        // The yank and the unyank once more (an outbox resend, a replay after a rebalance), then a
        // record of another version on the same key: once that is applied, both were consumed.
        yank(REGISTRY, crate, true, T0);
        yank(REGISTRY, crate, false, T0.plusSeconds(5));
        VersionYankChanged behind =
                new VersionYankChanged(REGISTRY, crate, "9.9.9", true, T0.plusSeconds(9));
        TestKafka.publish(Topics.VERSION_YANKS, behind.key(), behind);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> yanks.state(REGISTRY, crate, "9.9.9").isPresent());

        assertThat(yanks.state(REGISTRY, crate, VERSION)).contains(false);
        assertThat(listedFlags(crate)).containsExactly(false);
        assertThat(indexFlag(crate)).isFalse();
    }

    @Test
    void aYankBeforeTheArtifactMarksItWhenItLands() {
        String crate = newCrate();
        yank(REGISTRY, crate, true, T0);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> yanks.state(REGISTRY, crate, VERSION).isPresent());

        succeededBuild(crate);

        assertThat(listedFlags(crate)).containsExactly(true);
        assertThat(indexFlag(crate)).isTrue();
    }

    @Test
    void aYankOfAnotherRegistryIsKeptButMarksNothing() {
        String crate = newCrate();
        succeededBuild(crate);

        yank("private-mirror", crate, true, T0);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> yanks.state("private-mirror", crate, VERSION).isPresent());

        assertThat(listedFlags(crate)).containsExactly(false);
        assertThat(indexFlag(crate)).isFalse();
    }
}
