package dev.crateforge.scheduler.limits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class CrateLimitsTests extends SchedulerTest {

    private static final String LIMITS = "/api/v1/crate-limits/";
    private static final String PROBLEM = "application/problem+json";

    private static String crate(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ValidatableResponse put(String token, String crate, String json) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(json)
                .put(LIMITS + crate)
                .then();
    }

    @Test
    void anAdminSetsReadsAndRemovesACratesLimitsAndEveryChangeIsAudited() {
        String crate = crate("bigcrate");

        put(OperatorTokens.admin(), crate, "{\"memoryBytes\":17179869184,\"noOutputSeconds\":1800}")
                .statusCode(200)
                .body("crate", equalTo(crate))
                .body("limits.memoryBytes", equalTo(17179869184L))
                .body("limits.noOutputSeconds", equalTo(1800))
                .body("limits.cpuSeconds", nullValue())
                .body("updatedBy", equalTo("ada"));
        put(OperatorTokens.admin(), crate, "{\"logBytes\":1048576}").statusCode(200);
        given().get(LIMITS + crate)
                .then()
                .statusCode(200)
                .body("limits.logBytes", equalTo(1048576))
                .body("limits.memoryBytes", nullValue());
        given().auth().oauth2(OperatorTokens.admin()).delete(LIMITS + crate).then().statusCode(204);

        given().get(LIMITS + crate)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("no limits are set for crate '" + crate + "'"));
        given().auth().oauth2(OperatorTokens.admin()).delete(LIMITS + crate).then().statusCode(404);
        given().get(LIMITS + crate + "/history")
                .then()
                .statusCode(200)
                .body("$", hasSize(3))
                .body("[0].actor", equalTo("ada"))
                .body("[0].action", equalTo("set"))
                .body("[0].limits.memoryBytes", equalTo(17179869184L))
                .body("[1].limits.logBytes", equalTo(1048576))
                .body("[2].action", equalTo("removed"))
                .body("[2].limits", nullValue());
    }

    @Test
    void onlyAnAdminChangesLimits() {
        String crate = crate("guarded");

        given().contentType(ContentType.JSON)
                .body("{\"processes\":8}")
                .put(LIMITS + crate)
                .then()
                .statusCode(401);
        put(OperatorTokens.submitter(), crate, "{\"processes\":8}").statusCode(403);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .delete(LIMITS + crate)
                .then()
                .statusCode(403);
        given().get(LIMITS + crate).then().statusCode(404);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"memoryBytes\":0}|memoryBytes|field 'memoryBytes' must be between 16777216 and 1099511627776",
                "{\"processes\":99999999999}|processes|field 'processes' must be between 1 and 65536",
                "{\"noOutputSeconds\":\"60\"}|noOutputSeconds|field 'noOutputSeconds' must be an integer",
                "{\"cpuSeconds\":1.5}|cpuSeconds|field 'cpuSeconds' must be an integer",
                "{\"memoryByte\":1}|memoryByte|unknown field 'memoryByte'; known: cpuSeconds, diskBytes, logBytes, memoryBytes, noOutputSeconds, processes",
                "{}|body|no limit is set; to remove the crate's limits, DELETE them",
                "[1]|body|request body must be a JSON object",
            })
    void badLimitsAreRefusedWith422NamingTheFieldAndChangeNothing(
            String json, String field, String detail) {
        String crate = crate("wrong");

        put(OperatorTokens.admin(), crate, json)
                .statusCode(422)
                .contentType(PROBLEM)
                .body("field", equalTo(field))
                .body("detail", equalTo(detail));
        given().get(LIMITS + crate).then().statusCode(404);
        given().get(LIMITS + crate + "/history").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void aPathThatIsNoCrateNameIsABadParameter() {
        put(OperatorTokens.admin(), "not%20a%20crate", "{\"processes\":8}")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", equalTo("path parameter 'crate' is not a crate name"));
    }

    @Test
    void assignmentsOfACrateWithLimitsCarryThemAndOthersCarryNone() throws Exception {
        String target = "o02-unknown-test";
        String limited = crate("limited");
        String plain = crate("plain");
        put(OperatorTokens.admin(), limited, "{\"cpuSeconds\":900,\"diskBytes\":1073741824}")
                .statusCode(200);
        UUID limitedJob = submissions.submit(Fixtures.job(limited, "1.0.0", target)).job().id;
        UUID plainJob = submissions.submit(Fixtures.job(plain, "1.0.0", target)).job().id;

        try (var reader = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            assertThat(
                            assignments.requestReceived(
                                    Fixtures.request(UUID.randomUUID(), "o02-conn", target, 2)))
                    .isEqualTo(2);
            reader.until(WAIT, seen -> forTarget(seen, target).size() >= 2);
            Map<UUID, JobAssigned> assigned =
                    forTarget(reader.values(), target).stream()
                            .collect(Collectors.toMap(a -> a.assignment().jobId(), a -> a));

            assertThat(assigned.get(limitedJob).assignment().limits())
                    .isEqualTo(new JobLimitsOverride(null, 900L, null, 1L << 30, null, null));
            assertThat(assigned.get(plainJob).assignment().limits()).isNull();
        }
    }

    private static List<JobAssigned> forTarget(List<?> seen, String target) {
        return seen.stream()
                .map(e -> e instanceof Map.Entry<?, ?> entry ? entry.getValue() : e)
                .map(JobAssigned.class::cast)
                .filter(a -> a.assignment().target().equals(target))
                .toList();
    }
}
