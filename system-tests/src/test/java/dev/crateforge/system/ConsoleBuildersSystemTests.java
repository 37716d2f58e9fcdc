package dev.crateforge.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's builder actions against the real gateway, posted as a browser posts the forms
 * ({@link ConsoleForms}). The scheduler's own tests answer for the gateway with a stand-in; this
 * proves the round trip: what the console registers, disables, enables and deletes is what the
 * gateway's admin API lists and what decides whether a builder may authenticate on the builder
 * socket; the gateway's refusals reach the page; and the audit keeps exactly the accepted actions.
 * One system serves all cases (each uses keys of its own) to keep the class short.
 */
class ConsoleBuildersSystemTests {

    private static final String TARGET = "x86_64-unknown-linux-gnu";
    private static final Pattern BUILDER_ID = Pattern.compile("#builder-([0-9a-f-]{36})$");
    private static final HttpClient BUILDER_HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir static Path work;

    private static CrateForgeSystem system;
    private static ConsoleForms console;

    @BeforeAll
    static void startSystemAndSignIn() {
        system =
                CrateForgeSystem.start(
                        LocalStack.shared(),
                        CrateForgeSystem.Options.defaults(work.resolve("system")),
                        // Plain http here: a Secure cookie would never be sent back.
                        Map.of("crateforge.console.secure-cookie", "false"),
                        Map.of());
        console = new ConsoleForms(system.scheduler().baseUri());
        String token = system.operatorTokens().mint("grace", List.of("admin"), Duration.ofHours(1));
        HttpResponse<String> signedIn = console.signIn(token);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aBuilderRegisteredInTheConsoleAuthenticatesWhileEnabledAndIsGoneOnceDeleted() {
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        int auditBefore = audit().size();

        HttpResponse<String> registered = register("sys-console-1", key.publicKey().openSshLine());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(303);
        UUID id = idOf(registered);
        JsonNode listed = registered(id);
        assertThat(listed).as("the gateway lists the builder").isNotNull();
        assertThat(listed.path("name").asText()).isEqualTo("sys-console-1");
        assertThat(listed.path("fingerprint").asText()).isEqualTo(key.publicKey().fingerprint());
        assertThat(listed.path("enabled").asBoolean()).isTrue();
        assertThat(console.get("/console/builders").body()).contains("id=\"builder-" + id + "\"");
        assertAuthenticates(key);

        assertThat(action(id, "disable").statusCode()).isEqualTo(303);
        assertThat(registered(id).path("enabled").asBoolean()).isFalse();
        assertRefused(key);

        assertThat(action(id, "enable").statusCode()).isEqualTo(303);
        assertThat(registered(id).path("enabled").asBoolean()).isTrue();
        assertAuthenticates(key);

        String confirm = "/console/builders/" + id + "/delete";
        assertThat(console.get(confirm).body()).contains("sys-console-1");
        HttpResponse<String> deleted = console.submit(confirm, confirm, Map.of());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(303);
        assertThat(registered(id)).as("the gateway no longer lists it").isNull();
        assertRefused(key);

        List<JsonNode> audit = audit();
        List<JsonNode> added = audit.subList(0, audit.size() - auditBefore);
        assertThat(added)
                .allSatisfy(
                        entry -> {
                            assertThat(entry.path("actor").asText()).isEqualTo("grace");
                            assertThat(entry.path("targetKind").asText()).isEqualTo("builder");
                            assertThat(entry.path("target").asText()).isEqualTo(id.toString());
                        })
                .extracting(entry -> entry.path("action").asText())
                .containsExactly(
                        "delete-builder", "enable-builder", "disable-builder", "register-builder");
    }

    @Test
    void theSameKeyAgainShowsTheGatewaysConflictNamingTheFingerprint() {
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        String fingerprint = key.publicKey().fingerprint();
        assertThat(register("sys-console-first", key.publicKey().openSshLine()).statusCode())
                .isEqualTo(303);
        int buildersBefore = system.client().builders().size();
        int auditBefore = audit().size();

        HttpResponse<String> again =
                register("sys-console-again", key.publicKey().openSshLineWithComment());

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body())
                .contains("The gateway refused to register the builder (409)")
                .contains(fingerprint)
                .contains("Nothing was changed here.");
        assertThat(system.client().builders()).hasSize(buildersBefore);
        assertThat(system.client().builders())
                .noneMatch(b -> b.path("name").asText().equals("sys-console-again"));
        assertThat(audit()).as("a refusal is not audited").hasSize(auditBefore);
    }

    @Test
    void aBadKeyGetsAPreciseMessageAndChangesNothing() {
        int buildersBefore = system.client().builders().size();
        int auditBefore = audit().size();

        HttpResponse<String> refused = register("sys-console-bad", "ssh-ed25519 AAAA%%%");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("The gateway refused to register the builder (400): publicKey:")
                .contains("base64")
                .contains("Nothing was changed here.");
        assertThat(system.client().builders()).hasSize(buildersBefore);
        assertThat(audit()).as("a refusal is not audited").hasSize(auditBefore);
    }

    private static HttpResponse<String> register(String name, String publicKeyLine) {
        return console.submit(
                "/console/builders",
                "/console/builders/register",
                Map.of(
                        "name", name,
                        "owner", "team-sys",
                        "publicKey", publicKeyLine,
                        "targets", TARGET,
                        "maxConcurrentJobs", "1"));
    }

    private static HttpResponse<String> action(UUID id, String action) {
        return console.submit(
                "/console/builders", "/console/builders/" + id + "/" + action, Map.of());
    }

    private static UUID idOf(HttpResponse<String> accepted) {
        String location = accepted.headers().firstValue("Location").orElseThrow();
        Matcher matcher = BUILDER_ID.matcher(location);
        assertThat(matcher.find()).as(location).isTrue();
        return UUID.fromString(matcher.group(1));
    }

    /** The builder as the gateway's admin API lists it, or null when it is not listed. */
    private static JsonNode registered(UUID id) {
        return system.client().builders().stream()
                .filter(b -> b.path("id").asText().equals(id.toString()))
                .findFirst()
                .orElse(null);
    }

    private static List<JsonNode> audit() {
        return system.client().audit(500);
    }

    private static void assertAuthenticates(SshPrivateKey key) {
        try (ProtocolBuilder builder = connect(key)) {
            assertThat(builder.isOpen()).isTrue();
        }
    }

    private static void assertRefused(SshPrivateKey key) {
        assertThatThrownBy(() -> connect(key).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not authenticate");
    }

    private static ProtocolBuilder connect(SshPrivateKey key) {
        return ProtocolBuilder.connect(
                system.builderUrl(system.gateway()), key, List.of(TARGET), 1, 0, BUILDER_HTTP);
    }
}
