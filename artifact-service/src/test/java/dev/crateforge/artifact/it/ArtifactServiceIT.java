package dev.crateforge.artifact.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.quarkus.S3TestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The packaged artifact service (the jar here, the native binary with {@code -Pnative}) starts with
 * the production profile against real PostgreSQL, Kafka and S3 and answers as its API says.
 */
@QuarkusIntegrationTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3TestResource.class)
class ArtifactServiceIT {

    private static final String JOB = "7d3c6a3e-6b8f-4f52-9d55-0c1b2a3d4e5f";

    @Test
    void isReadyWithItsDatabaseKafkaAndBucket() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void refusesAnUploadWithoutAJobToken() {
        given().contentType("application/octet-stream")
                .body(new byte[] {1, 2, 3})
                .when()
                .put("/api/v1/jobs/" + JOB + "/artifacts/binary")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void answersAnUnknownArtifactWithProblemJson() {
        given().when()
                .get("/api/v1/crates/nothing/1.0.0/x86_64-unknown-linux-gnu/binary")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }
}
