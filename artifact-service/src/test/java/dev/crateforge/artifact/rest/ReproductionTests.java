package dev.crateforge.artifact.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.crateforge.artifact.JwksTestResource;
import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestBuilds;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.TestProblems;
import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.artifact.service.ReproductionComparisons;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.ReproductionVerdict;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Independent builds that must agree before an artifact is public, over the real topic, database
 * and bucket: a pending or disagreeing build is withheld from every public path while its by-job
 * paths answer with {@code CrateForge-Reproduction}; a reproduced or released build is public with
 * its builders listed; disagreeing outputs are compared from S3.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
@WithTestResource(JwksTestResource.class)
class ReproductionTests {

    private static final String TARGET = TestJobs.TARGET;
    private static final String VERSION = "2.0.0";
    private static final String HEADER = "CrateForge-Reproduction";

    @Inject ArtifactCatalog catalog;
    @Inject ReproductionComparisons comparisons;

    /** The builds of one reproduction; the first one's job id is the group. */
    private List<TestJobs> reproduction(String crate, ArtifactKind kind, int builds) {
        TestJobs first = new TestJobs(catalog, crate, VERSION, kind);
        first.inReproduction(first.jobId, builds);
        List<TestJobs> jobs = new ArrayList<>(List.of(first));
        for (int i = 1; i < builds; i++) {
            jobs.add(
                    new TestJobs(catalog, crate, VERSION, kind)
                            .inReproduction(first.jobId, builds));
        }
        return jobs;
    }

    private static String archiveUrl(String crate) {
        return "/dl/crates-io/"
                + crate
                + "/"
                + VERSION
                + "/"
                + crate
                + "-"
                + VERSION
                + "-"
                + TARGET
                + ".tgz";
    }

    private static String indexUrl(String crate) {
        return "/dl/crates-io/" + crate + "/index.json";
    }

    /** The by-crate listing of the crate's {@link #VERSION}. */
    private static JsonPath listing(String crate) {
        return given().get("/api/v1/crates/" + crate + "/" + VERSION + "/artifacts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static byte[] download(String path) {
        return given().get(path).then().statusCode(200).extract().asByteArray();
    }

    @Test
    void aPendingBuildIsWithheldUntilReproducedThenPublicWithItsBuilders() {
        String crate = TestBuilds.newCrate("rp");
        // A build made once is public, and stays what the public paths serve while the newer
        // builds are pending.
        byte[] once = TestArtifacts.binary(2_000);
        TestJobs single = TestBuilds.succeeded(catalog, crate, VERSION, ArtifactKind.BINARY, once);
        byte[] agreed = TestArtifacts.binary(3_000);
        List<TestJobs> builds = reproduction(crate, ArtifactKind.BINARY, 2);
        builds.forEach(b -> b.uploadAndSucceed(agreed, true));
        UUID group = builds.get(0).jobId;

        assertThat(download(archiveUrl(crate))).isEqualTo(once);
        given().get(archiveUrl(crate) + ".sha256")
                .then()
                .statusCode(200)
                .body(startsWith(TestJobs.sha256(once)));
        JsonPath index = given().get(indexUrl(crate)).then().statusCode(200).extract().jsonPath();
        assertThat(index.getString("versions[0].artifacts[0].jobId"))
                .isEqualTo(single.jobId.toString());
        assertThat(index.getString("versions[0].artifacts[0].reproduction")).isEqualTo("unknown");
        assertThat(index.getMap("versions[0].artifacts[0]"))
                .containsEntry("independentBuilds", null);
        assertThat(listing(crate).getList("jobId", String.class))
                .containsExactly(single.jobId.toString());
        // The by-job paths answer, and say that the build is pending.
        for (TestJobs b : builds) {
            given().get("/api/v1/jobs/" + b.jobId + "/artifacts/binary")
                    .then()
                    .statusCode(200)
                    .header(HEADER, "pending; released=false; group=" + group + "; builds=2");
            given().get("/api/v1/jobs/" + b.jobId + "/provenance/intoto.jsonl")
                    .then()
                    .statusCode(200)
                    .header(HEADER, startsWith("pending; released=false"));
        }
        given().get("/api/v1/jobs/" + single.jobId + "/artifacts/binary")
                .then()
                .statusCode(200)
                .header(HEADER, (String) null);

        builds.forEach(b -> b.announceVerdict(ReproductionVerdict.REPRODUCED, false));

        assertThat(download(archiveUrl(crate))).isEqualTo(agreed);
        given().get(archiveUrl(crate) + ".sha256")
                .then()
                .statusCode(200)
                .body(startsWith(TestJobs.sha256(agreed)));
        assertThat(download(archiveUrl(crate) + ".intoto.jsonl")).isNotEmpty();
        JsonPath published =
                given().get(indexUrl(crate)).then().statusCode(200).extract().jsonPath();
        String entry = "versions[0].artifacts[0]";
        assertThat(published.getString(entry + ".sha256")).isEqualTo(TestJobs.sha256(agreed));
        assertThat(published.getString(entry + ".reproduction")).isEqualTo("reproduced");
        assertThat(published.getString(entry + ".independentBuilds.verdict"))
                .isEqualTo("reproduced");
        assertThat(published.getInt(entry + ".independentBuilds.builds")).isEqualTo(2);
        assertThat(published.getString(entry + ".independentBuilds.group"))
                .isEqualTo(group.toString());
        List<Map<String, Object>> builders =
                published.getList(entry + ".independentBuilds.builders");
        assertThat(builders)
                .extracting(b -> b.get("jobId"))
                .containsExactlyInAnyOrderElementsOf(
                        builds.stream().map(b -> b.jobId.toString()).toList());
        String fingerprint = TestJobs.builderKey().publicKey().fingerprint();
        for (Map<String, Object> b : builders) {
            assertThat(b.get("builderKeyFingerprint")).isEqualTo(fingerprint);
            assertThat(b.get("sha256")).isEqualTo(TestJobs.sha256(agreed));
            @SuppressWarnings("unchecked")
            Map<String, String> links = (Map<String, String>) b.get("provenance");
            assertThat(links.get("envelope"))
                    .isEqualTo("/api/v1/jobs/" + b.get("jobId") + "/provenance/intoto.jsonl");
            for (String link : List.of("json", "statement", "signature", "envelope")) {
                given().get(links.get(link)).then().statusCode(200);
            }
        }
        JsonPath listing = listing(crate);
        assertThat(listing.getString("[0].reproduction")).isEqualTo("reproduced");
        assertThat(listing.getList("[0].independentBuilds.builders")).hasSize(2);
        given().get("/api/v1/jobs/" + group + "/artifacts/binary")
                .then()
                .header(HEADER, "reproduced; released=false; group=" + group + "; builds=2");
    }

    @Test
    void aBuildOfAPendingReproductionAloneIsNotOnAnyPublicPath() {
        String crate = TestBuilds.newCrate("rw");
        List<TestJobs> builds = reproduction(crate, ArtifactKind.BINARY, 3);
        builds.get(0).uploadAndSucceed(TestArtifacts.binary(1_000));

        String archive = archiveUrl(crate);
        for (String path :
                List.of(
                        archive,
                        archive + ".sha256",
                        archive + ".statement",
                        archive + ".allowed_signers",
                        indexUrl(crate),
                        "/api/v1/crates/" + crate + "/" + VERSION + "/" + TARGET + "/binary",
                        "/api/v1/crates/"
                                + crate
                                + "/"
                                + VERSION
                                + "/"
                                + TARGET
                                + "/binary/provenance")) {
            TestProblems.get(path, 404);
        }
        TestProblems.get(archive, 404)
                .body(
                        "detail",
                        equalTo(
                                "unknown crate '"
                                        + crate
                                        + "': no public successful build of it stored a binary"));
        assertThat(listing(crate).getList("$")).isEmpty();
    }

    @Test
    void disagreeingBuildsStayWithheldTheirArchivesAreComparedAndAReleasedOneIsPublic() {
        String crate = TestBuilds.newCrate("rd");
        byte[] same = TestJobs.randomBytes(4_000);
        Map<String, byte[]> first = new LinkedHashMap<>();
        first.put(crate, same);
        first.put(crate + "-helper", TestJobs.randomBytes(500));
        Map<String, byte[]> second = new LinkedHashMap<>();
        second.put(crate, same);
        second.put(crate + "-helper", TestJobs.randomBytes(500));
        second.put(crate + "-extra", TestJobs.randomBytes(10));
        byte[] firstArchive = TestArtifacts.binary(first);
        byte[] secondArchive = TestArtifacts.binary(second);
        List<TestJobs> builds = reproduction(crate, ArtifactKind.BINARY, 2);
        builds.get(0).uploadAndSucceed(firstArchive);
        builds.get(1).uploadAndSucceed(secondArchive);
        UUID group = builds.get(0).jobId;
        String comparison = "/api/v1/reproductions/" + group + "/comparison";

        TestProblems.get(comparison, 409).body("detail", startsWith("the builds of reproduction"));

        builds.forEach(b -> b.announceVerdict(ReproductionVerdict.DISAGREED, false));

        TestProblems.get(archiveUrl(crate), 404);
        TestProblems.get(indexUrl(crate), 404);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().get(comparison).statusCode() == 200);
        JsonPath compared = given().get(comparison).then().extract().jsonPath();
        assertThat(compared.getString("status")).isEqualTo("computed");
        assertThat(compared.getString("verdict")).isEqualTo("disagreed");
        assertThat(compared.getString("artifacts[0].kind")).isEqualTo("binary");
        assertThat(compared.getBoolean("artifacts[0].identical")).isFalse();
        assertThat(compared.getList("artifacts[0].differingEntries"))
                .containsExactly(crate + "-helper");
        assertThat(compared.getString("artifacts[0].missingEntries[0].name"))
                .isEqualTo(crate + "-extra");
        assertThat(compared.getList("artifacts[0].missingEntries[0].missingFrom"))
                .containsExactly(builds.get(0).jobId.toString());
        String firstOutput = "artifacts[0].outputs.find { it.jobId == '" + group + "' }";
        assertThat(compared.getString(firstOutput + ".sha256"))
                .isEqualTo(TestJobs.sha256(firstArchive));
        assertThat(
                        compared.getString(
                                firstOutput
                                        + ".entries.find { it.name == '"
                                        + crate
                                        + "' }.sha256"))
                .isEqualTo(TestJobs.sha256(same));
        assertThat(compared.getList(firstOutput + ".entries")).hasSize(2);
        String computedAt = compared.getString("computedAt");

        // The verdict sent again (a replay, another member's record) recomputes nothing.
        builds.get(0).announceVerdict(ReproductionVerdict.DISAGREED, true);
        assertThat(comparisons.compareNow(group)).isFalse();
        assertThat(given().get(comparison).then().extract().jsonPath().getString("computedAt"))
                .isEqualTo(computedAt);

        // The operator released the first build: it is public, the other one is not.
        assertThat(download(archiveUrl(crate))).isEqualTo(firstArchive);
        JsonPath index = given().get(indexUrl(crate)).then().statusCode(200).extract().jsonPath();
        assertThat(index.getString("versions[0].artifacts[0].jobId")).isEqualTo(group.toString());
        assertThat(index.getString("versions[0].artifacts[0].reproduction")).isEqualTo("released");
        assertThat(index.getBoolean("versions[0].artifacts[0].independentBuilds.released"))
                .isTrue();
        assertThat(index.getString("versions[0].artifacts[0].independentBuilds.verdict"))
                .isEqualTo("disagreed");
        given().get("/api/v1/jobs/" + builds.get(1).jobId + "/artifacts/binary")
                .then()
                .statusCode(200)
                .header(HEADER, startsWith("disagreed; released=false"));
    }

    @Test
    void disagreeingMetadataIsComparedByJsonPath() {
        String crate = TestBuilds.newCrate("rm");
        List<TestJobs> builds = reproduction(crate, ArtifactKind.METADATA, 2);
        builds.get(0).uploadAndSucceed(TestArtifacts.metadata(crate, VERSION, "\"built\":1"));
        builds.get(1).uploadAndSucceed(TestArtifacts.metadata(crate, VERSION, "\"built\":2"));
        builds.forEach(b -> b.announceVerdict(ReproductionVerdict.DISAGREED, false));
        String comparison = "/api/v1/reproductions/" + builds.get(0).jobId + "/comparison";

        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().get(comparison).statusCode() == 200);
        JsonPath compared = given().get(comparison).then().extract().jsonPath();
        assertThat(compared.getString("artifacts[0].kind")).isEqualTo("metadata");
        assertThat(compared.getList("artifacts[0].differingPaths")).containsExactly("/built");
        TestProblems.get(
                "/api/v1/crates/" + crate + "/" + VERSION + "/" + TARGET + "/metadata", 404);
    }

    @Test
    void anUnknownGroupIs404AndAMalformedOne400() {
        TestProblems.get("/api/v1/reproductions/" + UUID.randomUUID() + "/comparison", 404)
                .body("detail", startsWith("unknown reproduction"));
        TestProblems.get("/api/v1/reproductions/not-a-uuid/comparison", 400)
                .body("detail", startsWith("the reproduction group must be a UUID"));
    }
}
