package dev.crateforge.scheduler.reproduction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.ArtifactStored;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.JobStateChanged;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class ReproductionTests extends SchedulerTest {

    private static final String GOOD = "c".repeat(64);
    private static final String FORGED = "d".repeat(64);

    /** Ends a transaction a test opened only to look inside it. */
    private static final class RolledBack extends RuntimeException {}

    @Inject ReproductionRepository reproductions;
    @Inject EntityManager em;

    /** Submits {@code crate} to be built {@code builds} times; returns the first build. */
    private Job reproduced(String crate, String target, int builds) {
        JobSubmission job = Fixtures.job(crate, "1.0.0", target);
        return submissions
                .submit(
                        new JobSubmission(
                                job.crate(),
                                job.version(),
                                job.sourceUrl(),
                                job.sourceSha256(),
                                job.target(),
                                "binary",
                                null,
                                null,
                                builds))
                .job();
    }

    /** The builds of the group, first build first, as stored now. */
    private List<Job> builds(Job first) {
        return db
                .list(
                        "select id from job where reproduction_group = '"
                                + first.id
                                + "' order by replica")
                .stream()
                .map(id -> db.job((UUID) id))
                .toList();
    }

    /** The build's builder stores {@code sha} and reports success with it. */
    private void succeed(Job build, String sha) {
        kafka.send(
                Topics.ARTIFACTS,
                build.id.toString(),
                new ArtifactStored(
                        build.id, build.attempt, ArtifactKind.BINARY, sha, 99L, Instant.now()));
        kafka.send(
                Topics.JOB_EVENTS,
                build.id.toString(),
                Fixtures.completion(
                        build,
                        build.builderId,
                        List.of(Fixtures.digest(ArtifactKind.BINARY, sha, 99))));
    }

    private void awaitVerdict(Job first, ReproductionVerdict verdict) {
        await().atMost(WAIT)
                .until(
                        () ->
                                builds(first).stream()
                                        .allMatch(
                                                b ->
                                                        verdict.wireName()
                                                                .equals(b.reproductionVerdict)));
    }

    private long reputation(UUID builder, String column) {
        return db.count(
                "select coalesce(sum("
                        + column
                        + "), 0) from builder_reputation where builder_id = '"
                        + builder
                        + "'");
    }

    @Test
    void theSweepsNarrowedLookFindsOnlyGroupsWithABuildThatEndedSinceItsLastLook() {
        Job first = reproduced("ended-long-ago", "p06-unknown-test", 2);
        UUID second = builds(first).get(1).id;
        Optional<Instant> sinceAMinuteAgo = Optional.of(Instant.now().minus(Duration.ofMinutes(1)));
        // One transaction, rolled back: the builds end only in it, so the application's own
        // sweep never sees them, and the queue is left as it was.
        try {
            QuarkusTransaction.requiringNew()
                    .run(
                            () -> {
                                em.createNativeQuery(
                                                "update job set state = 'failed', finished_at = now()"
                                                        + " - interval '1 hour' where"
                                                        + " reproduction_group = ?1")
                                        .setParameter(1, first.id)
                                        .executeUpdate();

                                assertThat(reproductions.lockSettleable(1000, sinceAMinuteAgo))
                                        .doesNotContain(first.id);
                                assertThat(reproductions.lockSettleable(1000, Optional.empty()))
                                        .contains(first.id);

                                em.createNativeQuery(
                                                "update job set finished_at = now() where id = ?1")
                                        .setParameter(1, second)
                                        .executeUpdate();

                                assertThat(reproductions.lockSettleable(1000, sinceAMinuteAgo))
                                        .contains(first.id);
                                throw new RolledBack();
                            });
        } catch (RolledBack expected) {
            // Every assertion above held; nothing is left changed.
        }
        assertThat(builds(first)).allMatch(b -> b.state == JobState.QUEUED);
    }

    @Test
    void buildsGoToDifferentBuildersAndAnAgreementIsAnnouncedOnEveryBuild() {
        String target = "p01-unknown-test";
        Job first = reproduced("thrice", target, 3);
        List<Job> queued = builds(first);
        assertThat(queued).hasSize(3);
        assertThat(queued).extracting(b -> b.replica).containsExactly(0, 1, 2);
        assertThat(queued).allMatch(b -> b.state == JobState.QUEUED && b.reproduce == 3);

        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        // One builder gets one build, however many slots it offers.
        assertThat(assignments.requestReceived(Fixtures.request(a, "p01-a", target, 3))).isOne();
        assertThat(assignments.requestReceived(Fixtures.request(a, "p01-a", target, 3))).isZero();
        // Two more builders asking together get the other two.
        assertThat(
                        assignments.requestsReceived(
                                List.of(
                                        Fixtures.request(b, "p01-b", target, 2),
                                        Fixtures.request(c, "p01-c", target, 2))))
                .isEqualTo(2);
        List<Job> assigned = builds(first);
        Set<UUID> builders = new HashSet<>();
        assigned.forEach(build -> builders.add(build.builderId));
        assertThat(builders).containsExactlyInAnyOrder(a, b, c);

        try (var states = kafka.reader(Topics.JOB_STATES, JobStateChanged.class)) {
            assigned.forEach(build -> succeed(build, GOOD));
            awaitVerdict(first, ReproductionVerdict.REPRODUCED);
            List<JobStateChanged> announced =
                    states
                            .until(
                                    WAIT,
                                    seen ->
                                            seen.stream()
                                                            .map(Map.Entry::getValue)
                                                            .filter(
                                                                    s ->
                                                                            s.reproduction() != null
                                                                                    && s.reproduction()
                                                                                            .group()
                                                                                            .equals(
                                                                                                    first.id)
                                                                                    && s.reproduction()
                                                                                                    .verdict()
                                                                                            == ReproductionVerdict
                                                                                                    .REPRODUCED)
                                                            .count()
                                                    >= 3)
                            .stream()
                            .map(Map.Entry::getValue)
                            .filter(
                                    s ->
                                            s.reproduction() != null
                                                    && s.reproduction().verdict()
                                                            == ReproductionVerdict.REPRODUCED)
                            .toList();
            assertThat(announced)
                    .allMatch(
                            s -> s.state() == JobState.SUCCEEDED && s.reproduction().publishable());
        }
        given().get("/api/v1/reproductions/" + first.id)
                .then()
                .statusCode(200)
                .body("verdict", equalTo("reproduced"))
                .body("buildsOf.size()", equalTo(3))
                .body("buildsOf[1].digests.binary", equalTo(GOOD));
        given().get("/api/v1/jobs/" + assigned.get(2).id)
                .then()
                .statusCode(200)
                .body("reproduction.group", equalTo(first.id.toString()))
                .body("reproduction.verdict", equalTo("reproduced"))
                .body("replica", equalTo(2));
        for (UUID builder : List.of(a, b, c)) {
            assertThat(reputation(builder, "agreed")).isOne();
        }
    }

    @Test
    void aLyingBuilderIsOutvotedWithheldAndQuarantinedUntilAnOperatorClearsIt() {
        String target = "p02-unknown-test";
        Job first = reproduced("outvoted", target, 3);
        UUID honest = UUID.randomUUID();
        UUID alsoHonest = UUID.randomUUID();
        UUID liar = UUID.randomUUID();
        assertThat(
                        assignments.requestsReceived(
                                List.of(
                                        Fixtures.request(honest, "p02-h1", target, 1),
                                        Fixtures.request(alsoHonest, "p02-h2", target, 1),
                                        Fixtures.request(liar, "p02-liar", target, 1))))
                .isEqualTo(3);
        List<Job> builds = builds(first);
        Job lie = builds.stream().filter(b -> liar.equals(b.builderId)).findFirst().orElseThrow();
        Job truth =
                builds.stream().filter(b -> !liar.equals(b.builderId)).findFirst().orElseThrow();
        builds.forEach(build -> succeed(build, build == lie ? FORGED : GOOD));
        awaitVerdict(first, ReproductionVerdict.DISAGREED);

        // The test profile quarantines after one disagreement.
        assertThat(reputation(liar, "disagreed")).isOne();
        assertThat(reputation(honest, "agreed")).isOne();
        given().get("/api/v1/reputation/" + liar)
                .then()
                .statusCode(200)
                .body("reputation.quarantinedAt", notNullValue())
                .body("flaggedJobs", hasItem(lie.id.toString()));
        // The console's builders page says so beside the builder.
        db.execute(
                "insert into builder_connection (connection_id, builder_id, builder_name,"
                        + " gateway_instance, connected_at) values ('p02-liar-console', '"
                        + liar
                        + "', 'the-liar', 'gateway-1', now())");
        given().get("/console/builders")
                .then()
                .statusCode(200)
                .body(containsString("<strong>quarantined</strong>: gets no jobs"))
                .body(containsString("agreed 0, disagreed 1, no result 0"));
        Job next = submissions.submit(Fixtures.job("after-the-lie", "1.0.0", target)).job();
        assertThat(assignments.requestReceived(Fixtures.request(liar, "p02-liar", target, 1)))
                .isZero();
        assertThat(db.job(next.id).state).isEqualTo(JobState.QUEUED);

        // An operator publishes the side that the majority built, and clears the builder.
        given().auth()
                .oauth2(OperatorTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("jobId", truth.id.toString()))
                .post("/api/v1/reproductions/" + first.id + "/release")
                .then()
                .statusCode(200)
                .body("releasedJob", equalTo(truth.id.toString()));
        assertThat(db.job(truth.id).reproductionReleased).isTrue();
        assertThat(db.job(lie.id).reproductionReleased).isFalse();
        // The console says it in words.
        given().get("/console/jobs/" + lie.id)
                .then()
                .statusCode(200)
                .body(containsString("one of 3 independent builds"))
                .body(containsString("<strong>disagreed</strong> (not public)"));
        given().get("/console/jobs/" + truth.id)
                .then()
                .statusCode(200)
                .body(containsString("this build released by an operator (public)"));
        given().get("/console/crates/outvoted")
                .then()
                .statusCode(200)
                .body(containsString("disagreed (3 builds), released"));
        given().auth()
                .oauth2(OperatorTokens.admin())
                .post("/api/v1/reputation/" + liar + "/clear")
                .then()
                .statusCode(200)
                .body("quarantinedAt", nullValue())
                .body("disagreed", equalTo(0));
        // (the rematch timer may serve its waiting request first)
        await().atMost(WAIT)
                .until(
                        () ->
                                assignments.requestReceived(
                                                        Fixtures.request(
                                                                liar, "p02-liar", target, 1))
                                                == 1
                                        || liar.equals(db.job(next.id).builderId));
        assertThat(db.job(next.id).builderId).isEqualTo(liar);
    }

    @Test
    void operatorsGetClearAnswersAndAnExtraBuildReopensTheVerdict() {
        String target = "p03-unknown-test";
        Job first = reproduced("reopened", target, 2);
        given().auth()
                .oauth2(OperatorTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("jobId", first.id.toString()))
                .post("/api/v1/reproductions/" + first.id + "/release")
                .then()
                .statusCode(409)
                .body("detail", containsString("is pending"));
        given().auth()
                .oauth2(OperatorTokens.admin())
                .post("/api/v1/reproductions/" + first.id + "/builds")
                .then()
                .statusCode(409);
        given().get("/api/v1/reproductions/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/v1/reproductions/not-a-uuid").then().statusCode(400);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "crate",
                                "too-many",
                                "version",
                                "1.0.0",
                                "sourceUrl",
                                Fixtures.job("x", "1.0.0", target).sourceUrl(),
                                "sourceSha256",
                                Fixtures.SHA,
                                "target",
                                target,
                                "kind",
                                "binary",
                                "reproduce",
                                6))
                .post("/api/v1/jobs")
                .then()
                .statusCode(422)
                .body("detail", containsString("reproduce"));
        assertThat(db.count("select count(*) from job where crate = 'too-many'")).isZero();

        // Two builds that differ: nobody is blamed, and an operator asks for a tie-breaker.
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(
                        assignments.requestsReceived(
                                List.of(
                                        Fixtures.request(a, "p03-a", target, 1),
                                        Fixtures.request(b, "p03-b", target, 1))))
                .isEqualTo(2);
        List<Job> builds = builds(first);
        succeed(builds.get(0), GOOD);
        succeed(builds.get(1), FORGED);
        awaitVerdict(first, ReproductionVerdict.DISAGREED);
        assertThat(reputation(a, "disagreed") + reputation(b, "disagreed")).isZero();
        String extra =
                given().auth()
                        .oauth2(OperatorTokens.admin())
                        .post("/api/v1/reproductions/" + first.id + "/builds")
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("queued"))
                        .body("replica", equalTo(2))
                        .extract()
                        .path("id");
        assertThat(builds(first))
                .hasSize(3)
                .allMatch(
                        build ->
                                build.reproduce == 3
                                        && "pending".equals(build.reproductionVerdict));
        // Neither builder of the first two builds gets the third.
        assertThat(
                        assignments.requestsReceived(
                                List.of(
                                        Fixtures.request(a, "p03-a", target, 1),
                                        Fixtures.request(b, "p03-b", target, 1))))
                .isZero();
        assertThat(db.job(UUID.fromString(extra)).state).isEqualTo(JobState.QUEUED);
    }

    @Test
    void anOperatorsSettingForACrateGivesItsJobsTheirBuildsUnlessASubmissionSays() {
        String target = "p04-unknown-test";
        String path = "/api/v1/crate-reproduction/per-crate";
        given().auth()
                .oauth2(OperatorTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("builds", 9))
                .put(path)
                .then()
                .statusCode(400)
                .body("detail", containsString("between 1 and 5"));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(Map.of("builds", 2))
                .put(path)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(OperatorTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("builds", 2))
                .put(path)
                .then()
                .statusCode(200)
                .body("builds", equalTo(2));
        given().get(path).then().statusCode(200).body("builds", equalTo(2));

        Job byCrate = submissions.submit(Fixtures.job("per-crate", "1.0.0", target)).job();
        assertThat(builds(byCrate)).hasSize(2);
        Job bySubmission = reproduced("per-crate", target, 1);
        assertThat(bySubmission.id).isEqualTo(byCrate.id);
        JobSubmission other = Fixtures.job("per-crate", "2.0.0", target);
        Job once =
                submissions
                        .submit(
                                new JobSubmission(
                                        other.crate(),
                                        other.version(),
                                        other.sourceUrl(),
                                        other.sourceSha256(),
                                        other.target(),
                                        other.kind(),
                                        null,
                                        null,
                                        1))
                        .job();
        assertThat(once.reproductionGroup).isNull();
        assertThat(db.count("select count(*) from job where crate = 'per-crate'")).isEqualTo(3);
        assertThat(
                        db.count(
                                "select count(*) from operator_action where target_kind = 'crate'"
                                        + " and target = 'per-crate' and action = 'set-reproduce'"))
                .isOne();

        given().auth().oauth2(OperatorTokens.admin()).delete(path).then().statusCode(204);
        given().get(path).then().statusCode(404);
        given().auth().oauth2(OperatorTokens.admin()).delete(path).then().statusCode(404);
    }

    /** A request of a builder its operator registered with {@code owner}. */
    private static JobRequested ownedRequest(
            UUID builder, String connection, String target, String owner) {
        return new JobRequested(
                builder, connection, "gateway-1", List.of(target), 1, null, Instant.now(), owner);
    }

    @Test
    void twoBuildersOfOneOwnerNeverBuildTheSameReproduction() {
        String target = "p05-unknown-test";
        Job first = reproduced("one-owner", target, 2);
        UUID acmeOne = UUID.randomUUID();
        UUID acmeTwo = UUID.randomUUID();
        assertThat(
                        assignments.requestsReceived(
                                List.of(
                                        ownedRequest(acmeOne, "p05-acme-1", target, "acme"),
                                        ownedRequest(acmeTwo, "p05-acme-2", target, "acme"))))
                .isOne();
        assertThat(assignments.requestReceived(ownedRequest(acmeTwo, "p05-acme-2", target, "acme")))
                .isZero();
        UUID other = UUID.randomUUID();
        assertThat(
                        assignments.requestReceived(
                                ownedRequest(other, "p05-other", target, "elsewhere")))
                .isOne();
        assertThat(builds(first))
                .extracting(b -> b.builderOwner)
                .containsExactlyInAnyOrder("acme", "elsewhere");
    }
}
