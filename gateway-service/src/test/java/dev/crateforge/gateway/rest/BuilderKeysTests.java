package dev.crateforge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.gateway.support.Operators;
import dev.crateforge.gateway.support.TestKeys;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published builder keys: every key with the periods it was enabled in, kept after the builder
 * is disabled or deleted, as JSON, PEM and an allowed_signers file the real {@code ssh-keygen}
 * honours (a signature checked at a time inside the period verifies, outside it does not).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class BuilderKeysTests extends GatewayTest {

    private static final DateTimeFormatter SSH_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    @TempDir Path dir;

    private static String register(String name, String key) {
        return given().auth()
                .oauth2(Operators.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "publicKey", TestKeys.publicLine(key)))
                .post("/api/v1/builders")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void admin(String method, String path) {
        given().auth()
                .oauth2(Operators.admin())
                .request(method, path)
                .then()
                .statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    @Test
    void aDisabledBuildersKeyStaysPublishedWithItsPeriodAndSshKeygenHonoursIt() throws Exception {
        String id = register("keys-1", "ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        byte[] statement = "crateforge-build-statement/v1\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("statement"), statement);
        Files.writeString(
                dir.resolve("build.sig"),
                key.sign(BuilderProtocol.BUILD_NAMESPACE, statement).armored());
        admin("POST", "/api/v1/builders/" + id + "/disable");
        admin("DELETE", "/api/v1/builders/" + id);

        List<Map<String, Object>> published =
                given().get("/api/v1/builder-keys")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("findAll { it.builderId == '" + id + "' }");
        assertThat(published).hasSize(1);
        Map<String, Object> period = published.get(0);
        assertThat(period.get("keyid")).isEqualTo(RawSignatures.keyId(key.publicKey()));
        assertThat(period.get("validUntil")).isNotNull();
        Instant from = Instant.parse((String) period.get("validFrom"));
        Instant until = Instant.parse((String) period.get("validUntil"));

        String allowedSigners =
                given().get("/api/v1/builder-keys/allowed_signers")
                        .then()
                        .statusCode(200)
                        .contentType("text/plain")
                        .extract()
                        .asString();
        assertThat(allowedSigners)
                .contains(
                        id
                                + " namespaces=\"build@crateforge.dev\",valid-after=\""
                                + SSH_TIME.format(from.truncatedTo(ChronoUnit.SECONDS))
                                + "\",valid-before=\"");
        given().get("/api/v1/builder-keys/" + period.get("keyid") + ".pem")
                .then()
                .statusCode(200)
                .body(startsWith("-----BEGIN PUBLIC KEY-----\n"));

        if (!sshKeygenPresent()) {
            System.err.println("WARNING: ssh-keygen not found: SKIPPING allowed_signers check");
            return;
        }
        Files.writeString(dir.resolve("allowed_signers"), allowedSigners);
        assertThat(verifyAt(id, from.plusMillis(999).truncatedTo(ChronoUnit.SECONDS)))
                .as("inside the period")
                .isZero();
        assertThat(verifyAt(id, until.plus(1, ChronoUnit.DAYS))).as("after it").isNotZero();
        assertThat(verifyAt(id, from.minus(1, ChronoUnit.DAYS))).as("before it").isNotZero();
    }

    @Test
    void anUnknownKeyIdIs404() {
        given().get("/api/v1/builder-keys/" + "0".repeat(64) + ".pem")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no builder ever had key " + "0".repeat(64)));
        given().get("/api/v1/builder-keys/not-hex.pem").then().statusCode(404);
    }

    private int verifyAt(String principal, Instant at) throws Exception {
        Process p =
                new ProcessBuilder(
                                "ssh-keygen",
                                "-Y",
                                "verify",
                                "-f",
                                "allowed_signers",
                                "-I",
                                principal,
                                "-n",
                                BuilderProtocol.BUILD_NAMESPACE,
                                "-s",
                                "build.sig",
                                "-Overify-time=" + SSH_TIME.format(at))
                        .directory(dir.toFile())
                        .redirectInput(dir.resolve("statement").toFile())
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static boolean sshKeygenPresent() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "ssh-keygen"))) {
                return true;
            }
        }
        return false;
    }
}
