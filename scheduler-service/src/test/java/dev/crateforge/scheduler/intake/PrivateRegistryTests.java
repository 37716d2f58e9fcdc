package dev.crateforge.scheduler.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.registry.LocalRegistry;
import dev.crateforge.localstack.registry.LocalRegistry.Published;
import dev.crateforge.localstack.server.FreePort;
import dev.crateforge.scheduler.intake.RegistryWatcher.Outcome;
import dev.crateforge.scheduler.support.Db;
import dev.crateforge.scheduler.support.TestRegistries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A private registry: a real HTTP server ({@link LocalRegistry} with a token) that answers 401
 * without the token. The sparse index is read with it, and builders fetch sources through the
 * scheduler's source proxy with a signed URL, so that neither the jobs nor the builders hold it.
 */
@QuarkusTest
@TestProfile(PrivateRegistryTests.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class PrivateRegistryTests {

    static final String TOKEN = "cio-private-registry-test-token-5d1f";

    /** One private registry; the scheduler on a known port so that it can name its proxy URL. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port = FreePort.pick(0);
            return TestRegistries.inTempDirectory("crateforge-private-registry-test")
                    .with("crateforge.intake.enabled", "false")
                    .with("quarkus.http.test-port", String.valueOf(port))
                    .with("crateforge.intake.source-proxy-url", "http://127.0.0.1:" + port)
                    .with("crateforge.intake.source-proxy-key", "k".repeat(40))
                    .registry(
                            "secret",
                            "i04-unknown-test",
                            "sparse-index",
                            "http://127.0.0.1:" + FreePort.pick(0) + "/index/",
                            "token",
                            TOKEN,
                            "allow-private-addresses",
                            "true")
                    .config();
        }
    }

    private static LocalRegistry registry;

    @ConfigProperty(name = "crateforge.intake.source-proxy-url")
    String proxyUrl;

    @Inject RegistryWatcher watcher;
    @Inject IntakeConfig config;
    @Inject Db db;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void privateRegistry() {
        if (registry == null) {
            registry = TestRegistries.open(config, "secret");
            registry.requireToken(TOKEN);
            assertThat(watcher.poll("secret").outcome()).isEqualTo(Outcome.POLLED);
        }
    }

    /** The source URL of the crate's newest job, as a builder gets it in its assignment. */
    private String sourceUrlOf(String crate) {
        setState(crate, "assigned");
        return storedSourceUrlOf(crate);
    }

    private String storedSourceUrlOf(String crate) {
        return (String) db.single("select source_url from job where id = " + newestJob(crate));
    }

    /** Moves the crate's newest job to {@code state}, as the lifecycle would. */
    private void setState(String crate, String state) {
        assertThat(
                        db.execute(
                                "update job set state = '"
                                        + state
                                        + "', assigned_at = now(),"
                                        + " lease_expires_at = now() + interval '1 hour'"
                                        + " where id = "
                                        + newestJob(crate)))
                .isEqualTo(1);
    }

    private static String newestJob(String crate) {
        return "(select id from job where crate = '"
                + crate
                + "' order by created_at desc, version desc limit 1)";
    }

    /** The source URL as the jobs API shows it to anybody. */
    private static String publicSourceUrlOf(String crate) {
        return given().queryParam("crate", crate)
                .get("/api/v1/jobs")
                .then()
                .statusCode(200)
                .extract()
                .path("items[0].sourceUrl");
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aBuilderFetchesThePrivateCrateThroughTheProxyWithoutTheToken() throws Exception {
        Published p = registry.publish("private-one", "1.0.0");
        assertThat(get(p.downloadUrl()).statusCode())
                .as("the registry wants its token")
                .isEqualTo(401);

        assertThat(watcher.poll("secret").jobsCreated()).isEqualTo(1);

        String source = sourceUrlOf("private-one");
        assertThat(source)
                .startsWith(proxyUrl + "/api/v1/registries/secret/sources/")
                .contains("/api/v1/registries/secret/sources/private-one/1.0.0?")
                .doesNotContain(TOKEN);
        HttpResponse<byte[]> fetched = get(source);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(
                        HexFormat.of()
                                .formatHex(
                                        MessageDigest.getInstance("SHA-256")
                                                .digest(fetched.body())))
                .isEqualTo(p.cksum());
        assertThat(db.count("select count(*) from job where source_url like '%" + TOKEN + "%'"))
                .isZero();
    }

    @Test
    void aSignedUrlOpensTheFileOnlyWhileABuildOfItRuns() throws Exception {
        registry.publish("private-three", "1.0.0");
        assertThat(watcher.poll("secret").jobsCreated()).isEqualTo(1);
        String source = storedSourceUrlOf("private-three");

        assertThat(get(source).statusCode()).as("queued").isEqualTo(403);
        setState("private-three", "running");
        assertThat(get(source).statusCode()).as("running").isEqualTo(200);
        setState("private-three", "succeeded");
        assertThat(get(source).statusCode()).as("succeeded").isEqualTo(403);
        assertThat(publicSourceUrlOf("private-three"))
                .endsWith("&sig=redacted")
                .isEqualTo(source.replaceAll("&sig=.*", "&sig=redacted"));
    }

    @Test
    void anAlteredProxyUrlIsRefused() throws Exception {
        registry.publish("private-two", "1.0.0");
        registry.publish("private-two", "1.1.0");
        watcher.poll("secret");
        String source = sourceUrlOf("private-two");

        String otherVersion =
                source.contains("/1.0.0?")
                        ? source.replace("/1.0.0?", "/1.1.0?")
                        : source.replace("/1.1.0?", "/1.0.0?");
        assertThat(get(otherVersion).statusCode()).isEqualTo(403);
        String otherUrl = source.replace("private-two", "private-one");
        assertThat(get(otherUrl).statusCode()).isEqualTo(403);
        assertThat(get(source.replaceAll("&sig=.*", "")).statusCode()).isEqualTo(403);
        assertThat(get(source).statusCode()).isEqualTo(200);
    }

    @Test
    void theTokenGoesOnlyToTheDownloadUrlsOriginNeverWhereItRedirects() throws Exception {
        AtomicReference<String> atRegistry = new AtomicReference<>();
        AtomicReference<String> atCdn = new AtomicReference<>("not asked");
        byte[] cdnBytes = "the crate, from the CDN".getBytes(StandardCharsets.UTF_8);
        HttpServer cdn =
                loopbackServer(
                        exchange -> {
                            atCdn.set(
                                    String.valueOf(
                                            exchange.getRequestHeaders()
                                                    .getFirst("Authorization")));
                            exchange.sendResponseHeaders(200, cdnBytes.length);
                            exchange.getResponseBody().write(cdnBytes);
                        });
        HttpServer downloads =
                loopbackServer(
                        exchange -> {
                            atRegistry.set(exchange.getRequestHeaders().getFirst("Authorization"));
                            exchange.getResponseHeaders()
                                    .set(
                                            "Location",
                                            "http://127.0.0.1:"
                                                    + cdn.getAddress().getPort()
                                                    + "/files/redirected.crate");
                            exchange.sendResponseHeaders(302, -1);
                        });
        try {
            registry.setDownloadTemplate(
                    "http://127.0.0.1:" + downloads.getAddress().getPort() + "/dl");
            registry.publish("redirected", "1.0.0");
            watcher.poll("secret");

            HttpResponse<byte[]> fetched = get(sourceUrlOf("redirected"));

            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo(cdnBytes);
            assertThat(atRegistry.get()).isEqualTo(TOKEN);
            assertThat(atCdn.get()).isEqualTo("null");
        } finally {
            registry.setDownloadTemplate(registry.downloadBase());
            downloads.stop(0);
            cdn.stop(0);
        }
    }

    /** A started loopback HTTP server answering every request with {@code handler}. */
    private static HttpServer loopbackServer(HttpHandler handler) throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        handler.handle(exchange);
                    }
                });
        server.start();
        return server;
    }

    @Test
    void theSparseIndexIsReadWithTheToken() {
        registry.publish("looked-up-private", "2.0.0");

        RegistryWatcher.LookUp found = watcher.lookUp("secret", "looked-up-private");

        assertThat(found.found()).isTrue();
        assertThat(found.jobsCreated()).isEqualTo(1);
        assertThat(publicSourceUrlOf("looked-up-private"))
                .contains("/sources/looked-up-private/2.0.0?")
                .endsWith("&sig=redacted");
    }
}
