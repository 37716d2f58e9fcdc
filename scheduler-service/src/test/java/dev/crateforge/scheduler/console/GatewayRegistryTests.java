package dev.crateforge.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.scheduler.console.GatewayRegistry.RegisteredBuilder;
import dev.crateforge.scheduler.console.GatewayRegistry.Registration;
import dev.crateforge.scheduler.support.GatewayStandIn;
import dev.crateforge.scheduler.support.OperatorTokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's client of the gateway's admin API against a real HTTP server that answers as the
 * gateway does ({@link GatewayStandIn}): what it sends (the operator's own token, the registration
 * body), how it reads answers, and how each refusal or outage becomes a message for the page.
 */
class GatewayRegistryTests {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private final GatewayStandIn gateway = new GatewayStandIn();
    private GatewayRegistry registry;
    private final String token = OperatorTokens.withRoles("ada", "admin");

    @BeforeEach
    void start() {
        String url = gateway.start().get("crateforge.console.gateway-url");
        registry = new GatewayRegistry(URI.create(url), TIMEOUT);
    }

    @AfterEach
    void stop() {
        gateway.stop();
    }

    private static String newKey() {
        return SshPrivateKey.generateEd25519().publicKey().openSshLineWithComment();
    }

    @Test
    void registersListsDisablesAndDeletesWithTheOperatorsToken() {
        RegisteredBuilder registered =
                registry.register(
                        new Registration(
                                "b-1",
                                newKey(),
                                List.of("x86_64-unknown-linux-gnu"),
                                2,
                                true,
                                "team-a"),
                        token);

        assertThat(registered.name()).isEqualTo("b-1");
        assertThat(registered.fingerprint()).startsWith("SHA256:");
        assertThat(registered.allowedTargets()).containsExactly("x86_64-unknown-linux-gnu");
        assertThat(registered.maxConcurrentJobs()).isEqualTo(2);
        assertThat(registered.owner()).isEqualTo("team-a");
        assertThat(registered.enabled()).isTrue();
        assertThat(registry.list(token))
                .extracting(RegisteredBuilder::id)
                .containsExactly(registered.id());

        assertThat(registry.setEnabled(registered.id(), false, token).enabled()).isFalse();
        assertThat(registry.get(registered.id(), token).enabled()).isFalse();
        assertThat(registry.setEnabled(registered.id(), true, token).enabled()).isTrue();
        registry.delete(registered.id(), token);

        assertThat(registry.list(token)).isEmpty();
        assertThat(gateway.callers()).hasSize(7).containsOnly("ada");
    }

    @Test
    void aRejectedKeyCarriesTheGatewaysPreciseMessage() {
        assertThatThrownBy(
                        () ->
                                registry.register(
                                        new Registration(
                                                "b-2",
                                                "ssh-ed25519 not-base64!",
                                                List.of(),
                                                null,
                                                true,
                                                null),
                                        token))
                .isInstanceOfSatisfying(
                        GatewayFailure.class,
                        failure -> {
                            assertThat(failure.status()).isEqualTo(400);
                            assertThat(failure.consoleStatus()).isEqualTo(400);
                            assertThat(failure.getMessage())
                                    .isEqualTo(
                                            "The gateway refused to register the builder (400):"
                                                    + " publicKey: public key is not valid base64");
                        });
        assertThat(gateway.size()).isZero();
    }

    @Test
    void aKeyRegisteredTwiceIsAConflictNamingTheFingerprint() {
        String key = newKey();
        RegisteredBuilder first =
                registry.register(new Registration("b-3", key, List.of(), null, true, null), token);

        assertThatThrownBy(
                        () ->
                                registry.register(
                                        new Registration("b-4", key, List.of(), null, true, null),
                                        token))
                .isInstanceOfSatisfying(
                        GatewayFailure.class,
                        failure -> {
                            assertThat(failure.status()).isEqualTo(409);
                            assertThat(failure.getMessage())
                                    .contains(
                                            "(409): a builder with key fingerprint "
                                                    + first.fingerprint()
                                                    + " is already registered");
                        });
    }

    @Test
    void anUnknownBuilderIsNotFound() {
        assertThatThrownBy(() -> registry.setEnabled(java.util.UUID.randomUUID(), false, token))
                .isInstanceOfSatisfying(
                        GatewayFailure.class,
                        failure -> assertThat(failure.status()).isEqualTo(404));
    }

    @Test
    void aGatewayThatIsDownIsSaidSoWithoutTheToken() {
        gateway.goDown();

        assertThatThrownBy(() -> registry.list(token))
                .isInstanceOfSatisfying(
                        GatewayFailure.class,
                        failure -> {
                            assertThat(failure.status()).isEqualTo(GatewayFailure.UNREACHABLE);
                            assertThat(failure.consoleStatus()).isEqualTo(502);
                            assertThat(failure.getMessage())
                                    .startsWith(
                                            "Could not list the builders: the gateway could not be reached at http://127.0.0.1:")
                                    .doesNotContain(token);
                        });
    }

    @Test
    void aGatewayThatHangsTimesOutQuickly() throws IOException {
        HttpServer hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        hanging.createContext(
                "/",
                exchange -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.start();
        try {
            GatewayRegistry slow =
                    new GatewayRegistry(
                            URI.create("http://127.0.0.1:" + hanging.getAddress().getPort()),
                            TIMEOUT);
            long start = System.nanoTime();
            assertThatThrownBy(() -> slow.setEnabled(java.util.UUID.randomUUID(), false, token))
                    .isInstanceOf(GatewayFailure.class)
                    .hasMessageContaining("did not answer within 800 ms")
                    .hasMessageContaining("whether the change was made is unknown");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(4));
        } finally {
            hanging.stop(0);
        }
    }

    @Test
    void anAnswerThatIsNotTheApisJsonIsAFailureOfItsOwn() throws IOException {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        other.createContext(
                "/",
                exchange -> {
                    byte[] body = "<html>a proxy's page</html>".getBytes();
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        other.start();
        try {
            GatewayRegistry wrong =
                    new GatewayRegistry(
                            URI.create("http://127.0.0.1:" + other.getAddress().getPort()),
                            TIMEOUT);
            assertThatThrownBy(() -> wrong.list(token))
                    .isInstanceOfSatisfying(
                            GatewayFailure.class,
                            failure -> {
                                assertThat(failure.consoleStatus()).isEqualTo(502);
                                assertThat(failure.getMessage()).contains("not the expected JSON");
                            });
        } finally {
            other.stop(0);
        }
    }
}
