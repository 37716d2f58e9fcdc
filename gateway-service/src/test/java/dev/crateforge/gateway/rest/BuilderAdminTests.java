package dev.crateforge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.gateway.support.Operators;
import dev.crateforge.gateway.support.TestKeys;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.http.Problem;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operators' registry API: what it stores, and every refusal with its precise message. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class BuilderAdminTests extends GatewayTest {

    private static final String PATH = "/api/v1/builders";
    private static final String PROBLEM = "application/problem+json";
    private static final String LINUX = "x86_64-unknown-linux-gnu";

    private static RequestSpecification admin() {
        return given().auth().oauth2(Operators.admin()).contentType(ContentType.JSON);
    }

    private static Map<String, Object> body(String name, String key) {
        return Map.of("name", name, "publicKey", key);
    }

    @Test
    void registersAKeyAndAnswersWithTheFingerprintSshKeygenPrints() {
        String id =
                admin().body(
                                Map.of(
                                        "name",
                                        "builder-1",
                                        "publicKey",
                                        TestKeys.publicLine("ed25519"),
                                        "allowedTargets",
                                        List.of(LINUX),
                                        "maxConcurrentJobs",
                                        4))
                        .post(PATH)
                        .then()
                        .statusCode(201)
                        .header("Location", containsString(PATH + "/"))
                        .body("fingerprint", equalTo(TestKeys.fingerprint("ed25519")))
                        .body("keyType", equalTo("ssh-ed25519"))
                        .body("enabled", equalTo(true))
                        .body("allowedTargets", equalTo(List.of(LINUX)))
                        .body("maxConcurrentJobs", equalTo(4))
                        .body("createdAt", notNullValue())
                        .extract()
                        .path("id");

        admin().get(PATH + "/" + id).then().statusCode(200).body("name", equalTo("builder-1"));
        admin().get(PATH).then().statusCode(200).body("", hasSize(1)).body("[0].id", equalTo(id));
    }

    @Test
    void aBuilderMayNameItsOwnerInTheFormOfAName() {
        Map<String, Object> owned =
                new java.util.HashMap<>(body("owned", TestKeys.publicLine("ed25519")));
        owned.put("owner", "acme-builds");
        admin().body(owned).post(PATH).then().statusCode(201).body("owner", equalTo("acme-builds"));
        Map<String, Object> bad =
                new java.util.HashMap<>(body("bad-owner", TestKeys.publicLine("ecdsa384")));
        bad.put("owner", "no spaces, please");
        admin().body(bad)
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", containsString("owner: must be 1 to 128 characters"));
    }

    @Test
    void registersEcdsaAndRsaKeys() {
        admin().body(body("ecdsa", TestKeys.publicLine("ecdsa384")))
                .post(PATH)
                .then()
                .statusCode(201)
                .body("fingerprint", equalTo(TestKeys.fingerprint("ecdsa384")));
        admin().body(body("rsa", TestKeys.publicLine("rsa3072")))
                .post(PATH)
                .then()
                .statusCode(201)
                .body("fingerprint", equalTo(TestKeys.fingerprint("rsa3072")));
    }

    @Test
    void refusesGarbageKeyWithTheParsersMessage() {
        admin().body(body("b", "this is not a key"))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("detail", containsString("publicKey: "));
    }

    @Test
    void refusesDsaKey() {
        admin().body(body("b", TestKeys.publicLine("dsa")))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("ssh-dss"));
    }

    @Test
    void refusesRsaKeyUnder2048Bits() {
        admin().body(body("b", TestKeys.publicLine("rsa1024")))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("2048"));
    }

    @Test
    void refusesCertificate() {
        admin().body(body("b", TestKeys.publicLine("certified-ed25519-cert")))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("certificate"));
    }

    @Test
    void refusesDuplicateFingerprintWith409() {
        admin().body(body("first", TestKeys.publicLine("ed25519")))
                .post(PATH)
                .then()
                .statusCode(201);
        // Same key with another comment: same fingerprint.
        String sameKey = TestKeys.publicLine("ed25519").replace("builder-ed25519", "again");
        admin().body(body("second", sameKey))
                .post(PATH)
                .then()
                .statusCode(409)
                .contentType(PROBLEM)
                .body("detail", containsString(TestKeys.fingerprint("ed25519")));
    }

    @Test
    void refusesInvalidNameTargetsAndLimits() {
        admin().body(body("no spaces allowed", TestKeys.publicLine("ed25519")))
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", containsString("name"));
        admin().body(
                        Map.of(
                                "name", "b",
                                "publicKey", TestKeys.publicLine("ed25519"),
                                "allowedTargets", List.of("not a triple")))
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", containsString("allowedTargets"));
        admin().body(
                        Map.of(
                                "name",
                                "b",
                                "publicKey",
                                TestKeys.publicLine("ed25519"),
                                "maxConcurrentJobs",
                                65))
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", containsString("maxConcurrentJobs"));
        admin().body("{not json").post(PATH).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void updatesTargetsAndLimitsAndTogglesEnabled() {
        String id =
                admin().body(body("b", TestKeys.publicLine("ed25519")))
                        .post(PATH)
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");

        admin().body(Map.of("allowedTargets", List.of(LINUX), "maxConcurrentJobs", 8))
                .patch(PATH + "/" + id)
                .then()
                .statusCode(200)
                .body("allowedTargets", equalTo(List.of(LINUX)))
                .body("maxConcurrentJobs", equalTo(8))
                .body("name", equalTo("b"));
        admin().post(PATH + "/" + id + "/disable")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false));
        admin().get(PATH + "/" + id).then().body("enabled", equalTo(false));
        admin().post(PATH + "/" + id + "/enable")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));
    }

    @Test
    void deletesABuilder() {
        String id =
                admin().body(body("b", TestKeys.publicLine("ed25519")))
                        .post(PATH)
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");

        admin().delete(PATH + "/" + id).then().statusCode(204);

        admin().get(PATH + "/" + id)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("no builder with id " + id));
    }

    @Test
    void reportsReadinessOfDatabaseAndKafka() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        org.hamcrest.Matchers.hasItems(
                                "Database connections health check",
                                "Kafka connection health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void requiresAnAdminToken() {
        given().get(PATH)
                .then()
                .statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("https://crateforge.dev/problems/unauthorized"))
                .body("status", equalTo(401))
                .body("detail", containsString("role admin"));
        given().auth()
                .oauth2(Operators.token("viewer"))
                .get(PATH)
                .then()
                .statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(403))
                .body("detail", containsString("role admin"));
        given().auth()
                .oauth2("not-a-jwt")
                .get(PATH)
                .then()
                .statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("not accepted"));
    }
}
