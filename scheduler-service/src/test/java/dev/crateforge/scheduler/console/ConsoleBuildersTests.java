package dev.crateforge.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.scheduler.support.GatewayStandIn;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The builders page's actions over HTTP, as a browser posts them, against a server that answers as
 * the gateway's admin API ({@link GatewayStandIn}): registering, disabling, enabling and deleting
 * with the operator's own token and an audit row once the gateway accepted; refusals of the gateway
 * shown with its message and nothing audited; a gateway outage that leaves the rest of the page
 * working; and the health page.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(GatewayStandIn.class)
class ConsoleBuildersTests extends SchedulerTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern BUILDER_ID = Pattern.compile("#builder-([0-9a-f-]{36})");

    @TestHTTPResource("/")
    URL base;

    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private Cookie session(String token) {
        Response response =
                given().redirects()
                        .follow(false)
                        .contentType(ContentType.URLENC)
                        .header("Origin", origin())
                        .formParam("token", token)
                        .post("/console/login");
        assertThat(response.statusCode()).isEqualTo(303);
        return response.getDetailedCookie(ConsoleLogins.COOKIE);
    }

    private static String page(Cookie session, String path) {
        return given().cookie(session).get(path).then().extract().asString();
    }

    private static String csrf(Cookie session) {
        Matcher matcher = CSRF.matcher(page(session, "/console/builders"));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private Response post(Cookie session, String path, Map<String, String> fields) {
        return given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .header("Origin", origin())
                .cookie(session)
                .formParams(fields)
                .post(path);
    }

    private Response register(Cookie session, String name, String key) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", csrf(session));
        fields.put("name", name);
        fields.put("owner", "team-h");
        fields.put("publicKey", key);
        fields.put("targets", "x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu");
        fields.put("maxConcurrentJobs", "2");
        return post(session, "/console/builders/register", fields);
    }

    private static String newKey() {
        return SshPrivateKey.generateEd25519().publicKey().openSshLineWithComment();
    }

    /** The audit row of the action on the builder, as {@code actor|old value|new value}. */
    private Object auditRow(String builder, String action) {
        return db.single(
                "select actor || '|' || coalesce(old_value, '-') || '|' || coalesce(new_value, '-')"
                        + " from operator_action where target_kind = 'builder' and target = '"
                        + builder
                        + "' and action = '"
                        + action
                        + "'");
    }

    private long builderActions() {
        return db.count("select count(*) from operator_action where target_kind = 'builder'");
    }

    private String registered(Cookie session, String name) {
        Response response = register(session, name, newKey());
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(303);
        Matcher id = BUILDER_ID.matcher(response.header("Location"));
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    @Test
    void anAdminRegistersABuilderWithTheirOwnTokenAndItIsAudited() {
        Cookie ada = session(OperatorTokens.admin());
        String id = registered(ada, "console-h-one");

        assertThat(GatewayStandIn.current().has("console-h-one")).isTrue();
        assertThat(GatewayStandIn.current().callers()).last().isEqualTo("ada");
        assertThat((String) auditRow(id, "register-builder"))
                .startsWith("ada|-|console-h-one SHA256:")
                .endsWith(
                        " owner team-h targets x86_64-unknown-linux-gnu,aarch64-unknown-linux-gnu");
        String html = page(ada, "/console/builders");
        assertThat(html)
                .contains("id=\"builder-" + id + "\"")
                .contains("console-h-one")
                .contains(">enabled</strong>")
                .contains("not connected");
    }

    @Test
    void aRejectedKeyShowsTheGatewaysMessageKeepsTheFormAndChangesNothing() {
        Cookie ada = session(OperatorTokens.admin());
        long before = builderActions();
        int registered = GatewayStandIn.current().size();

        Response response = register(ada, "console-h-bad", "ssh-ed25519 AAAA%%%not-a-key");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.asString())
                .contains(
                        "The gateway refused to register the builder (400): publicKey: public key"
                                + " is not valid base64")
                .contains("value=\"console-h-bad\"")
                .contains("AAAA%%%not-a-key</textarea>");
        assertThat(GatewayStandIn.current().size()).isEqualTo(registered);
        assertThat(builderActions()).isEqualTo(before);
    }

    @Test
    void aKeyRegisteredTwiceIsRefusedWithTheConflict() {
        Cookie ada = session(OperatorTokens.admin());
        String key = newKey();
        assertThat(register(ada, "console-h-first", key).statusCode()).isEqualTo(303);

        Response again = register(ada, "console-h-second", key);

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.asString()).contains("(409): a builder with key fingerprint SHA256:");
        assertThat(GatewayStandIn.current().has("console-h-second")).isFalse();
    }

    @Test
    void disablingEnablingAndDeletingAreAuditedAfterTheGatewayAccepted() {
        Cookie ada = session(OperatorTokens.admin());
        String id = registered(ada, "console-h-cycle");

        assertThat(
                        post(ada, "/console/builders/" + id + "/disable", Map.of("csrf", csrf(ada)))
                                .statusCode())
                .isEqualTo(303);
        assertThat(page(ada, "/console/builders")).contains(">disabled</strong>");
        assertThat(auditRow(id, "disable-builder")).isEqualTo("ada|enabled|disabled");

        assertThat(
                        post(ada, "/console/builders/" + id + "/enable", Map.of("csrf", csrf(ada)))
                                .statusCode())
                .isEqualTo(303);
        assertThat(auditRow(id, "enable-builder")).isEqualTo("ada|disabled|enabled");

        String confirm = page(ada, "/console/builders/" + id + "/delete");
        assertThat(confirm)
                .contains("Delete builder console-h-cycle?")
                .contains("id=\"confirm-delete\"");
        assertThat(
                        post(ada, "/console/builders/" + id + "/delete", Map.of("csrf", csrf(ada)))
                                .statusCode())
                .isEqualTo(303);
        assertThat(GatewayStandIn.current().has("console-h-cycle")).isFalse();
        assertThat((String) auditRow(id, "delete-builder"))
                .startsWith("ada|console-h-cycle SHA256:")
                .endsWith("|-");
        assertThat(page(ada, "/console/builders")).doesNotContain("builder-" + id);
    }

    @Test
    void aSubmitterSeesNoRegistryAndCannotAct() {
        Cookie sam = session(OperatorTokens.withRoles("sam", "submitter"));
        int registered = GatewayStandIn.current().size();
        long before = builderActions();

        String html = page(sam, "/console/builders");
        assertThat(html)
                .contains("Sign in with the admin group")
                .doesNotContain("action=\"/console/builders/register\"");
        Response response = register(sam, "console-h-sam", newKey());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.asString()).contains("This needs the admin group");
        assertThat(GatewayStandIn.current().size()).isEqualTo(registered);
        assertThat(GatewayStandIn.current().callers()).doesNotContain("sam");
        assertThat(builderActions()).isEqualTo(before);
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenIsRefusedBeforeTheGatewayIsCalled() {
        Cookie ada = session(OperatorTokens.admin());
        int calls = GatewayStandIn.current().callers().size();

        Response response =
                post(
                        ada,
                        "/console/builders/register",
                        Map.of("csrf", "forged", "name", "console-h-csrf", "publicKey", newKey()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(GatewayStandIn.current().callers()).hasSize(calls);
    }

    @Test
    void aGatewayOutageIsAMessageAndTheRestOfTheConsoleWorks() {
        Cookie ada = session(OperatorTokens.admin());
        String id = registered(ada, "console-h-outage");
        String csrf = csrf(ada);
        long before = builderActions();
        GatewayStandIn.current().goDown();
        try {
            String html =
                    given().cookie(ada)
                            .get("/console/builders")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString();
            assertThat(html)
                    .contains(
                            "Could not list the builders: the gateway could not be reached at http://127.0.0.1:")
                    .contains("Builders online");

            Response disable =
                    post(ada, "/console/builders/" + id + "/disable", Map.of("csrf", csrf));
            assertThat(disable.statusCode()).isEqualTo(502);
            assertThat(disable.asString())
                    .contains("Could not disable the builder: the gateway could not be reached")
                    .contains("Nothing was changed here.");
            assertThat(builderActions()).isEqualTo(before);

            given().cookie(ada).get("/console").then().statusCode(200);
            assertThat(given().get("/console/health").then().statusCode(200).extract().asString())
                    .contains("Gateway");
        } finally {
            GatewayStandIn.current().resume();
        }
    }

    @Test
    void theHealthPageStatesEveryServiceInWords() {
        String html = given().get("/console/health").then().statusCode(200).extract().asString();

        assertThat(html)
                .contains("<h1>Service health</h1>")
                .containsPattern("Scheduler[\\s\\S]*?<strong>up</strong>")
                .containsPattern("Gateway[\\s\\S]*?<strong>up</strong>")
                .containsPattern("Artifact service[\\s\\S]*?<strong>no answer</strong>")
                .containsPattern("id=\"postgres\" class=\"health-up\"><strong>up</strong>")
                .containsPattern("id=\"kafka\" class=\"health-up\"><strong>up</strong>")
                .containsPattern("unpublished record")
                .containsPattern("queued job")
                .contains("href=\"/console/health\">Health</a>");
        // Addresses of the services are for signed-in operators only.
        assertThat(html).doesNotContain("127.0.0.1");
    }
}
