package dev.crateforge.scheduler.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.assignment.AssignmentService;
import dev.crateforge.scheduler.support.Db;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class JobApiTests {

    private static final String JOBS = "/api/v1/jobs";
    private static final String PROBLEM = "application/problem+json";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String prefix;

    @Inject AssignmentService assignments;
    @Inject Db db;

    private static Map<String, Object> body(String crate, String version, String target) {
        Map<String, Object> body = new HashMap<>();
        body.put("crate", crate);
        body.put("version", version);
        body.put("sourceUrl", "https://static.crates.example/" + crate + "-" + version + ".crate");
        body.put("sourceSha256", Fixtures.SHA);
        body.put("target", target);
        body.put("kind", "metadata");
        return body;
    }

    private static ValidatableResponse submit(Object body) {
        return given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(body)
                .post(JOBS)
                .then();
    }

    @Test
    void submitQueuesAJobAndTheSameJobAgainReturnsIt() {
        String id =
                submit(body("serde", "1.0.210", "x86_64-unknown-linux-gnu"))
                        .statusCode(201)
                        .header("Location", startsWith("http"))
                        .body("state", equalTo("queued"))
                        .body("attempt", equalTo(1))
                        .body("maxAttempts", equalTo(3))
                        .body("kind", equalTo("metadata"))
                        .extract()
                        .path("id");
        submit(body("serde", "1.0.210", "x86_64-unknown-linux-gnu"))
                .statusCode(200)
                .body("id", equalTo(id));
        given().get(JOBS + "/" + id).then().statusCode(200).body("crate", equalTo("serde"));
        assertThat(db.count("select count(*) from job where crate = 'serde'")).isEqualTo(1);
    }

    @Test
    void batchSubmitsEveryJobAndReportsWhichAreNew() {
        submit(body("tokio", "1.0.0", "aarch64-unknown-linux-gnu")).statusCode(201);
        var batch =
                Map.of(
                        "jobs",
                        List.of(
                                body("tokio", "1.0.0", "aarch64-unknown-linux-gnu"),
                                body("tokio", "1.0.1", "aarch64-unknown-linux-gnu"),
                                body("tokio", "1.0.1", "aarch64-unknown-linux-gnu")));
        given().auth()
                .oauth2(OperatorTokens.admin())
                .contentType(ContentType.JSON)
                .body(batch)
                .post(JOBS + "/batch")
                .then()
                .statusCode(200)
                .body("jobs", hasSize(3))
                .body("jobs.created", equalTo(List.of(false, true, false)));
        assertThat(db.count("select count(*) from job where crate = 'tokio'")).isEqualTo(2);
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("crate", null, "field 'crate' is missing"),
                Arguments.of("crate", " ", "field 'crate' is blank"),
                Arguments.of("crate", "9lives", "field 'crate' must start with an ASCII letter"),
                Arguments.of(
                        "crate", "a".repeat(65), "field 'crate' must start with an ASCII letter"),
                Arguments.of("version", "1.0", "field 'version' is not a semantic version"),
                Arguments.of("version", "01.0.0", "field 'version' is not a semantic version"),
                Arguments.of(
                        "sourceUrl",
                        "ftp://example.org/x.crate",
                        "field 'sourceUrl' must be an http or https URL"),
                Arguments.of("sourceUrl", "https:///x.crate", "field 'sourceUrl' has no host"),
                Arguments.of(
                        "sourceUrl",
                        "http://exa mple.org/",
                        "field 'sourceUrl' is not a valid URL"),
                Arguments.of(
                        "sourceUrl",
                        "https://u:p@example.org/x",
                        "field 'sourceUrl' must not carry credentials"),
                Arguments.of(
                        "sourceUrl",
                        "https://example.org/" + "a".repeat(2048),
                        "field 'sourceUrl' is longer than 2048 characters"),
                Arguments.of(
                        "sourceSha256",
                        "A".repeat(64),
                        "field 'sourceSha256' must be 64 lowercase hexadecimal digits"),
                Arguments.of(
                        "sourceSha256",
                        "a".repeat(63),
                        "field 'sourceSha256' must be 64 lowercase hexadecimal digits"),
                Arguments.of(
                        "target", "mips-unknown-linux-gnu", "field 'target' is not a known target"),
                Arguments.of("target", "not a triple", "field 'target' is not a known target"),
                Arguments.of(
                        "kind",
                        "docs",
                        "field 'kind' is not a known artifact kind; known: metadata, binary"),
                Arguments.of("priority", 1001, "field 'priority' must be between -1000 and 1000"),
                Arguments.of("maxAttempts", 0, "field 'maxAttempts' must be between 1 and 20"));
    }

    @ParameterizedTest
    @MethodSource("invalidFields")
    void invalidFieldIsRejectedWith422NamingIt(String field, Object value, String detail) {
        Map<String, Object> body = body("valid", "1.0.0", "x86_64-unknown-linux-gnu");
        body.put(field, value);
        submit(body)
                .statusCode(422)
                .contentType(PROBLEM)
                .body("status", equalTo(422))
                .body("title", equalTo("Invalid job"))
                .body("type", equalTo("https://crateforge.dev/problems/invalid-job"))
                .body("field", equalTo(field))
                .body("detail", startsWith(detail));
        assertThat(db.count("select count(*) from job where crate = 'valid'")).isZero();
    }

    @Test
    void invalidBatchEntryIsNamedByIndexAndNothingIsStored() {
        Map<String, Object> bad = body("batchy", "1.0.1", "x86_64-unknown-linux-gnu");
        bad.put("version", "one");
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "jobs",
                                List.of(body("batchy", "1.0.0", "x86_64-unknown-linux-gnu"), bad)))
                .post(JOBS + "/batch")
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body("field", equalTo("jobs[1].version"))
                .body("detail", startsWith("field 'jobs[1].version' is not a semantic version"));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(Map.of("jobs", List.of()))
                .post(JOBS + "/batch")
                .then()
                .statusCode(422)
                .body("detail", equalTo("field 'jobs' is missing or empty"));
        assertThat(db.count("select count(*) from job where crate = 'batchy'")).isZero();
    }

    @Test
    void malformedBodiesAreRejectedWith400() {
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body("{\"crate\": ")
                .post(JOBS)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", startsWith("request body is not valid JSON"));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body("{\"crate\": \"x\", \"priority\": \"high\"}")
                .post(JOBS)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("field", equalTo("priority"))
                .body("detail", equalTo("field 'priority' has the wrong JSON type"));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .post(JOBS)
                .then()
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", equalTo("request body is missing"));
    }

    private static ValidatableResponse setPriority(String path, Map<String, ?> body) {
        return given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(body)
                .post(path)
                .then();
    }

    @Test
    void thePriorityChangesThroughTheApiAndIsAudited() {
        String id =
                submit(body("reprioritised", "1.0.0", "j27-unknown-test"))
                        .statusCode(201)
                        .extract()
                        .path("id");
        String priority = JOBS + "/" + id + "/priority";

        setPriority(priority, Map.of("priority", 12)).statusCode(200).body("priority", equalTo(12));
        assertThat(
                        db.single(
                                "select actor || '|' || new_value from operator_action where"
                                        + " action = 'set-priority' and target = '"
                                        + id
                                        + "'"))
                .isEqualTo("sam|12");

        // A requeue after a builder's fault lowered it below what was asked: asking the same again
        // lifts it back and makes it the priority asked for.
        assertThat(
                        db.execute(
                                "update job set priority = 11, requested_priority = 12 where id = '"
                                        + id
                                        + "'"))
                .isEqualTo(1);
        setPriority(priority, Map.of("priority", 12)).statusCode(200).body("priority", equalTo(12));
        assertThat(
                        db.single(
                                "select priority || '|' || coalesce(requested_priority::text, '-')"
                                        + " from job where id = '"
                                        + id
                                        + "'"))
                .isEqualTo("12|-");

        setPriority(priority, Map.of("priority", 1001))
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", equalTo("field 'priority' must be between -1000 and 1000"));
        setPriority(priority, Map.of())
                .statusCode(422)
                .body("detail", equalTo("field 'priority' is missing"));
        given().contentType(ContentType.JSON)
                .body(Map.of("priority", 1))
                .post(priority)
                .then()
                .statusCode(401);
        given().get(JOBS + "/" + id).then().body("priority", equalTo(12));
    }

    @Test
    void changingJobsNeedsARole() {
        given().contentType(ContentType.JSON)
                .body(body("anon", "1.0.0", "x86_64-unknown-linux-gnu"))
                .post(JOBS)
                .then()
                .statusCode(401)
                .contentType(PROBLEM);
        given().auth()
                .oauth2(OperatorTokens.withRoles("viewer", "reader"))
                .contentType(ContentType.JSON)
                .body(body("anon", "1.0.0", "x86_64-unknown-linux-gnu"))
                .post(JOBS)
                .then()
                .statusCode(403)
                .contentType(PROBLEM);
        given().auth()
                .oauth2("not-a-token")
                .contentType(ContentType.JSON)
                .body(body("anon", "1.0.0", "x86_64-unknown-linux-gnu"))
                .post(JOBS)
                .then()
                .statusCode(401);
        given().post(JOBS + "/" + UUID.randomUUID() + "/cancel").then().statusCode(401);
        given().post(JOBS + "/" + UUID.randomUUID() + "/retry").then().statusCode(401);
        assertThat(db.count("select count(*) from job where crate = 'anon'")).isZero();
    }

    @Test
    void readingAnUnknownOrMalformedIdAnswersWithAProblem() {
        given().get(JOBS + "/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("title", equalTo("Job not found"));
        given().get(JOBS + "/nope")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", equalTo("parameter 'id' is not a UUID"));
        given().queryParam("state", "sleeping")
                .get(JOBS)
                .then()
                .statusCode(400)
                .body("field", equalTo("state"));
        given().queryParam("size", 501)
                .get(JOBS)
                .then()
                .statusCode(400)
                .body("field", equalTo("size"));
        given().queryParam("after", -1)
                .get(JOBS + "/" + UUID.randomUUID() + "/logs")
                .then()
                .statusCode(400)
                .body("field", equalTo("after"));
    }

    @Test
    void listFiltersByStateCrateAndBuilderWithPages() {
        for (int i = 0; i < 5; i++) {
            submit(body("listed", "2.0." + i, "j20-unknown-test")).statusCode(201);
        }
        UUID builder = UUID.randomUUID();
        assignments.requestReceived(Fixtures.request(builder, "api-list", "j20-unknown-test", 2));
        given().queryParam("crate", "listed")
                .queryParam("size", 2)
                .queryParam("page", 2)
                .get(JOBS)
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("page", equalTo(2));
        given().queryParam("crate", "listed")
                .queryParam("state", "assigned")
                .get(JOBS)
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items.builderId", equalTo(List.of(builder.toString(), builder.toString())));
        given().queryParam("builder", builder.toString())
                .get(JOBS)
                .then()
                .statusCode(200)
                .body("items", hasSize(2));
        given().queryParam("crate", "listed")
                .queryParam("state", "queued")
                .get(JOBS)
                .then()
                .statusCode(200)
                .body("items", hasSize(3));
    }

    @Test
    void cancelTellsTheBuilderAndRetryQueuesANewAttempt() {
        String id =
                submit(body("cancelled", "1.0.0", "j21-unknown-test"))
                        .statusCode(201)
                        .extract()
                        .path("id");
        UUID builder = UUID.randomUUID();
        assignments.requestReceived(Fixtures.request(builder, "api-cancel", "j21-unknown-test", 1));
        try (TestKafka kafka = new TestKafka(bootstrap, prefix);
                var control = kafka.reader(Topics.BUILDER_CONTROL, BuilderControl.class)) {
            given().auth()
                    .oauth2(OperatorTokens.admin())
                    .post(JOBS + "/" + id + "/cancel")
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("cancelled"))
                    .body("failureReason", equalTo("cancelled by ada"));
            var record =
                    control
                            .until(
                                    Duration.ofSeconds(30),
                                    seen ->
                                            seen.stream()
                                                    .anyMatch(
                                                            e ->
                                                                    e.getValue()
                                                                                    instanceof
                                                                                    BuilderControl
                                                                                                    .CancelAttempt
                                                                                            c
                                                                            && c.jobId()
                                                                                    .toString()
                                                                                    .equals(id)))
                            .stream()
                            // The topic also carries other tests' records: take this job's.
                            .filter(
                                    e ->
                                            e.getValue() instanceof BuilderControl.CancelAttempt c
                                                    && c.jobId().toString().equals(id))
                            .findFirst()
                            .orElseThrow();
            assertThat(record.getKey()).isEqualTo(builder.toString());
            assertThat(record.getValue())
                    .isEqualTo(
                            new BuilderControl.CancelAttempt(
                                    builder, UUID.fromString(id), 1, "cancelled by ada"));
        }
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .post(JOBS + "/" + id + "/cancel")
                .then()
                .statusCode(409)
                .contentType(PROBLEM)
                .body(
                        "detail",
                        equalTo("job " + id + " is already cancelled and cannot be cancelled"));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .post(JOBS + "/" + id + "/retry")
                .then()
                .statusCode(200)
                .body("state", equalTo("queued"))
                .body("attempt", equalTo(2))
                .body("maxAttempts", equalTo(4));
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .post(JOBS + "/" + id + "/retry")
                .then()
                .statusCode(409);
        assertThat(db.job(UUID.fromString(id)).state).isEqualTo(JobState.QUEUED);
    }

    @Test
    void jwksListsTheSigningKeyAndThePreviousOne() {
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .body("keys", hasSize(2))
                .body("keys.kty", equalTo(List.of("EC", "EC")))
                .body("keys.alg", equalTo(List.of("ES256", "ES256")))
                .body("keys[0].d", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void openApiAndHealthAndMetricsAreServed() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/jobs"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(
                        org.hamcrest.Matchers.containsString(
                                "crateforge_scheduler_assignments_total"));
    }

    @Test
    void logStreamFollowsAFinishedJobToItsEnd() {
        String id =
                submit(body("streamed", "1.0.0", "j22-unknown-test"))
                        .statusCode(201)
                        .extract()
                        .path("id");
        given().auth()
                .oauth2(OperatorTokens.admin())
                .post(JOBS + "/" + id + "/cancel")
                .then()
                .statusCode(200);
        String events =
                given().accept("text/event-stream")
                        .get(JOBS + "/" + id + "/logs/stream")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        assertThat(events).isEmpty();
    }

    @Test
    void queueDepthGaugeCountsLiveJobsByStateAndTarget() {
        for (int i = 0; i < 3; i++) {
            submit(body("gauged", "1.0." + i, "j23-unknown-test")).statusCode(201);
        }
        assignments.requestReceived(
                Fixtures.request(UUID.randomUUID(), "api-gauge", "j23-unknown-test", 1));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () ->
                                assertThat(
                                                given().get("/q/metrics")
                                                        .then()
                                                        .statusCode(200)
                                                        .extract()
                                                        .asString())
                                        .contains(
                                                "crateforge_scheduler_jobs{state=\"queued\","
                                                        + "target=\"j23-unknown-test\"} 2.0",
                                                "crateforge_scheduler_jobs{state=\"assigned\","
                                                        + "target=\"j23-unknown-test\"} 1.0"));
    }

    private static ValidatableResponse correct(String id, Object body) {
        return given().auth()
                .oauth2(OperatorTokens.submitter())
                .contentType(ContentType.JSON)
                .body(body)
                .patch(JOBS + "/" + id)
                .then();
    }

    @Test
    void aCorrectedSourceUrlIsRecordedAndTheNextAttemptFetchesFromIt() {
        Map<String, Object> submitted = body("moved", "1.0.0", "j25-unknown-test");
        String id = submit(submitted).statusCode(201).extract().path("id");
        String fixed = "https://mirror.crates.example/moved-1.0.0.crate";

        correct(id, Map.of("sourceUrl", fixed))
                .statusCode(200)
                .body("sourceUrl", equalTo(fixed))
                .body("sourceSha256", equalTo(Fixtures.SHA));
        // the same URL again is no change and is not recorded twice
        correct(id, Map.of("sourceUrl", fixed)).statusCode(200);

        given().get(JOBS + "/" + id + "/history")
                .then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].actor", equalTo("sam"))
                .body("[0].field", equalTo("sourceUrl"))
                .body("[0].oldValue", equalTo(submitted.get("sourceUrl")))
                .body("[0].newValue", equalTo(fixed))
                .body("[0].at", startsWith("20"));
        // the URL is not part of the job's identity: submitting again finds the corrected job
        submit(submitted).statusCode(200).body("id", equalTo(id)).body("sourceUrl", equalTo(fixed));

        try (TestKafka kafka = new TestKafka(bootstrap, prefix);
                var assignedRecords = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            assignments.requestReceived(
                    Fixtures.request(UUID.randomUUID(), "api-moved", "j25-unknown-test", 1));
            JobAssigned assigned =
                    assignedRecords
                            .until(
                                    Duration.ofSeconds(30),
                                    seen -> seen.stream().anyMatch(e -> isOf(e.getValue(), id)))
                            .stream()
                            .map(Map.Entry::getValue)
                            .filter(a -> isOf(a, id))
                            .findFirst()
                            .orElseThrow();
            assertThat(assigned.assignment().sourceUrl()).isEqualTo(fixed);
        }
    }

    private static boolean isOf(JobAssigned assigned, String jobId) {
        return assigned.assignment().jobId().toString().equals(jobId);
    }

    @Test
    void aBadCorrectionIsRefusedAndChangesNothing() {
        Map<String, Object> submitted = body("unmoved", "1.0.0", "j26-unknown-test");
        String id = submit(submitted).statusCode(201).extract().path("id");

        correct(id, Map.of("sourceUrl", "ftp://mirror.crates.example/unmoved.crate"))
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", equalTo("field 'sourceUrl' must be an http or https URL"));
        correct(id, Map.of())
                .statusCode(422)
                .contentType(PROBLEM)
                .body("detail", equalTo("field 'sourceUrl' is missing"));
        correct(UUID.randomUUID().toString(), Map.of("sourceUrl", "https://a.example/x.crate"))
                .statusCode(404)
                .contentType(PROBLEM);
        given().contentType(ContentType.JSON)
                .body(Map.of("sourceUrl", "https://a.example/x.crate"))
                .patch(JOBS + "/" + id)
                .then()
                .statusCode(401);

        given().get(JOBS + "/" + id).then().body("sourceUrl", equalTo(submitted.get("sourceUrl")));
        given().get(JOBS + "/" + id + "/history").then().statusCode(200).body("", hasSize(0));
    }
}
