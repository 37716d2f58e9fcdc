package dev.crateforge.scheduler.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.OperatorKeyTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The packaged scheduler (the jar here, the native binary with {@code -Pnative}) starts with the
 * production profile against real PostgreSQL and Kafka and serves its public endpoints.
 */
@QuarkusIntegrationTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OperatorKeyTestResource.class)
class SchedulerServiceIT {

    @Test
    void isReadyWithItsDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void publishesItsJobTokenKeyAsJwks() {
        given().when()
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .body("keys", hasSize(1))
                .body("keys[0].kid", notNullValue())
                .body("keys[0].crv", equalTo("P-256"));
    }

    @Test
    void refusesASubmissionWithoutAnOperatorToken() {
        given().contentType("application/json")
                .body("{}")
                .when()
                .post("/api/v1/jobs")
                .then()
                .statusCode(401);
    }
}
