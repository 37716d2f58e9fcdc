package dev.crateforge.gateway.websocket;

import static dev.crateforge.gateway.support.BuilderClient.closed;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crateforge.gateway.support.BuilderClient;
import dev.crateforge.gateway.support.BuilderClient.Closed;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.gateway.support.TestKeys;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The challenge/response handshake over a real WebSocket, and every way it can fail. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class HandshakeTests extends GatewayTest {

    private static final Closed AUTH_FAILED = closed(SocketClose.AUTHENTICATION_FAILED);
    private static final String TARGET = "x86_64-unknown-linux-gnu";

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa3072"})
    void authenticatesEveryKeyTypeSignedByTheLibrary(String key) throws Exception {
        UUID id = register(key);
        BuilderClient client = connect();

        Authenticated authenticated = client.authenticate(TestKeys.privateKey(key));

        assertThat(authenticated.builderId()).isEqualTo(id);
        assertThat(authenticated.builderName()).isEqualTo(key + "-builder");
        assertThat(authenticated.maxMessageBytes()).isEqualTo(1048576);
    }

    @Test
    void anAuthenticatedBuilderIsSeenInTheRegistryWithinTheFlushInterval() throws Exception {
        UUID id = register("ed25519");
        UUID other = register("ecdsa256");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        connect().authenticate(TestKeys.privateKey("ed25519"));

        // The test profile flushes every second; the builder that never connected stays unseen.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(lastSeen(id)).isNotNull().isAfterOrEqualTo(before));
        assertThat(lastSeen(other)).isNull();
    }

    private Instant lastSeen(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> registry.get(id).getLastSeenAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa3072"})
    void authenticatesWithSignaturesMadeBySshKeygen(String key, @TempDir Path dir)
            throws Exception {
        assumeTrue(
                sshKeygenAvailable(),
                "SKIPPED LOUDLY: ssh-keygen is not installed, the OpenSSH interop check did not run");
        UUID id = register(key);
        BuilderClient client = connect();
        ChallengeRequest challenge = client.hello(TestKeys.fingerprint(key));
        Path message = dir.resolve("challenge");
        Files.write(
                message,
                AuthChallenge.signedBytes(challenge.connectionId(), challenge.challenge()));
        Path keyFile = TestKeys.privateKeyFile(key, dir);
        Process sign =
                new ProcessBuilder(
                                "ssh-keygen",
                                "-Y",
                                "sign",
                                "-f",
                                keyFile.toString(),
                                "-n",
                                challenge.namespace(),
                                message.toString())
                        .redirectErrorStream(true)
                        .start();
        assertThat(sign.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sign.exitValue())
                .as(new String(sign.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        String signature = Files.readString(dir.resolve("challenge.sig"));

        client.send(new ChallengeResponse(challenge.challenge(), signature));

        assertThat(client.next(Authenticated.class).builderId()).isEqualTo(id);
    }

    @Test
    void issuesAFreshChallengeBoundToEachConnection() {
        register("ed25519");
        ChallengeRequest first = connect().hello(TestKeys.fingerprint("ed25519"));
        ChallengeRequest second = connect().hello(TestKeys.fingerprint("ed25519"));

        assertThat(Base64.getDecoder().decode(first.challenge())).hasSize(32);
        assertThat(first.challenge()).isNotEqualTo(second.challenge());
        assertThat(first.connectionId()).isNotEqualTo(second.connectionId());
        assertThat(first.namespace()).isEqualTo(BuilderProtocol.AUTH_NAMESPACE);
        assertThat(first.expiresInSeconds()).isBetween(1, 3);
    }

    @Test
    void answersUnknownKeysWithAChallengeAndThenTheSameFailure() throws Exception {
        BuilderClient client = connect();
        SshPrivateKey key = TestKeys.privateKey("ed25519");

        ChallengeRequest challenge = client.hello(key.publicKey().fingerprint());
        client.send(signed(key, challenge, BuilderProtocol.AUTH_NAMESPACE));

        assertThat(challenge.challenge()).isNotBlank();
        assertThat(client.awaitClose()).isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsDisabledBuilder() throws Exception {
        register("ed25519", List.of(), 1, false);
        assertThat(authenticateExpectingClose("ed25519", "ed25519", BuilderProtocol.AUTH_NAMESPACE))
                .isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsWrongNamespace() throws Exception {
        register("ed25519");
        assertThat(
                        authenticateExpectingClose(
                                "ed25519", "ed25519", BuilderProtocol.BUILD_NAMESPACE))
                .isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsSignatureOfAnotherRegisteredKey() throws Exception {
        register("ed25519");
        register("other-ed25519");
        assertThat(
                        authenticateExpectingClose(
                                "ed25519", "other-ed25519", BuilderProtocol.AUTH_NAMESPACE))
                .isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsForgedSignatureOverOtherBytes() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        ChallengeRequest challenge = client.hello(key.publicKey().fingerprint());
        String forged =
                key.sign(
                                BuilderProtocol.AUTH_NAMESPACE,
                                AuthChallenge.signedBytes(
                                        "another-connection", challenge.challenge()))
                        .armored();

        client.send(new ChallengeResponse(challenge.challenge(), forged));

        assertThat(client.awaitClose()).isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsResponseNamingAnotherChallenge() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient client = connect();
        ChallengeRequest challenge = client.hello(key.publicKey().fingerprint());
        String otherChallenge = Base64.getEncoder().encodeToString(new byte[32]);
        String signature =
                key.sign(
                                BuilderProtocol.AUTH_NAMESPACE,
                                AuthChallenge.signedBytes(
                                        challenge.connectionId(), challenge.challenge()))
                        .armored();

        client.send(new ChallengeResponse(otherChallenge, signature));

        assertThat(client.awaitClose()).isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsMalformedSignatureLikeAnyOtherFailure() {
        register("ed25519");
        BuilderClient client = connect();
        ChallengeRequest challenge = client.hello(TestKeys.fingerprint("ed25519"));

        client.send(new ChallengeResponse(challenge.challenge(), "bm90IGEgc2lnbmF0dXJl"));

        assertThat(client.awaitClose()).isEqualTo(AUTH_FAILED);
    }

    @Test
    void rejectsReplayedChallenge() throws Exception {
        register("ed25519");
        SshPrivateKey key = TestKeys.privateKey("ed25519");
        BuilderClient original = connect();
        ChallengeRequest challenge = original.hello(key.publicKey().fingerprint());
        String captured =
                MessageCodec.encode(signed(key, challenge, BuilderProtocol.AUTH_NAMESPACE));
        original.sendText(captured);
        original.next(Authenticated.class);

        BuilderClient replay = connect();
        replay.hello(key.publicKey().fingerprint());
        replay.sendText(captured);

        assertThat(replay.awaitClose()).isEqualTo(AUTH_FAILED);
    }

    @Test
    void closesWhenJobRequestComesBeforeAuthentication() {
        BuilderClient client = connect();
        client.send(new JobRequest(List.of(TARGET), 1));
        assertThat(client.awaitClose())
                .isEqualTo(closed(SocketClose.UNEXPECTED_MESSAGE, "expected hello first"));
    }

    @Test
    void closesWhenJobRequestComesInsteadOfChallengeResponse() {
        BuilderClient client = connect();
        client.hello(TestKeys.fingerprint("ed25519"));
        client.send(new JobRequest(List.of(TARGET), 1));
        assertThat(client.awaitClose())
                .isEqualTo(
                        closed(
                                SocketClose.UNEXPECTED_MESSAGE,
                                "expected challenge_response after hello"));
    }

    @Test
    void closesWhenHelloComesAfterAuthentication() throws Exception {
        register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.send(new Hello(BuilderProtocol.VERSION, TestKeys.fingerprint("ed25519"), null));

        Closed closed = client.awaitClose();
        assertThat(SocketClose.recognise(closed.code(), closed.reason()))
                .contains(SocketClose.UNEXPECTED_MESSAGE);
        assertThat(closed.reason()).contains("already authenticated");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "{}|missing field 'type'",
                "[1,2,3]|expected a JSON object, got an array",
                "{\"type\":\"make_me_admin\"}|unknown message type 'make_me_admin'",
                "{\"type\":\"hello\",\"protocolVersion\":\"1\",\"fingerprint\":\"x\"}|field 'protocolVersion' has the wrong type (expected an integer)",
                // Shapes the handshake's token reader leaves to the strict decoder, which names
                // them.
                "{\"type\":\"hello\",\"protocolVersion\":1,\"protocolVersion\":1}|duplicate field 'protocolVersion'",
                "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\",\"admin\":true}|unknown field 'admin'",
                "{\"type\":\"hello\",\"protocolVersion\":1,\"fingerprint\":\"SHA256:short\"}|field 'fingerprint' is not an SSH SHA256 fingerprint"
            })
    void closesAMalformedFirstFrameNamingWhatIsWrong(String frame, String detail) {
        BuilderClient client = connect();
        client.sendText(frame);
        assertThat(client.awaitClose()).isEqualTo(closed(SocketClose.MALFORMED_MESSAGE, detail));
    }

    @Test
    void closesOnMalformedJsonWithTheDecodersReason() {
        BuilderClient client = connect();
        client.sendText("{\"type\":\"hello\",\"protocolVersion\":");
        Closed closed = client.awaitClose();
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason())
                .isNotBlank()
                .isNotEqualTo(SocketClose.AUTHENTICATION_FAILED.reason());
        assertThat(closed.reason().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(123);
    }

    @Test
    void closesAChallengeResponseWithARepeatedFieldNamingIt() {
        BuilderClient client = connect();
        client.hello(TestKeys.fingerprint("ed25519"));

        client.sendText(
                "{\"type\":\"challenge_response\",\"challenge\":\"c\",\"signature\":\"s\","
                        + "\"challenge\":\"c\"}");

        assertThat(client.awaitClose())
                .isEqualTo(closed(SocketClose.MALFORMED_MESSAGE, "duplicate field 'challenge'"));
    }

    @Test
    void countsDisconnectsByWhoClosed() throws Exception {
        register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.close();

        awaitMetrics("(?m)^crateforge_gateway_disconnects_total\\{by=\"builder\"\\} [1-9]");
    }

    @Test
    void closesOnUnknownMessageType() {
        BuilderClient client = connect();
        client.sendText("{\"type\":\"make_me_admin\"}");
        assertThat(client.awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void closesOnBinaryFrameWith1003() {
        BuilderClient client = connect();
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.awaitClose()).isEqualTo(closed(SocketClose.BINARY_FRAME));
    }

    @Test
    void closesOversizedFrameBeforeAuthenticationWith1009() {
        BuilderClient client = connect();
        client.sendText("{\"type\":\"hello\",\"agent\":\"" + "x".repeat(9000) + "\"}");
        Closed closed = client.awaitClose();
        assertThat(closed)
                .isEqualTo(closed(SocketClose.MESSAGE_TOO_BIG, "the limit is 8192 bytes of UTF-8"));
    }

    @Test
    void closesFrameAboveTheConfiguredLimitAfterAuthenticationWith1009() throws Exception {
        register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        client.sendText("{\"type\":\"job_event\",\"pad\":\"" + "x".repeat(1048576) + "\"}");

        assertThat(client.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void rejectsUnsupportedProtocolVersion() {
        BuilderClient client = connect();
        client.send(new Hello(2, TestKeys.fingerprint("ed25519"), null));
        assertThat(client.awaitClose())
                .isEqualTo(closed(SocketClose.UNSUPPORTED_VERSION, "got 2, this gateway speaks 1"));
    }

    @Test
    void closesWhenAuthenticationTakesTooLong() {
        BuilderClient client = connect();
        client.hello(TestKeys.fingerprint("ed25519"));
        long start = System.nanoTime();

        Closed closed = client.awaitClose();

        assertThat(closed).isEqualTo(closed(SocketClose.AUTHENTICATION_TIMED_OUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void capsConnectionsAwaitingAuthentication() {
        List<BuilderClient> waiting = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            BuilderClient client = connect();
            // The challenge proves the gateway counted this connection as pending.
            client.hello(TestKeys.fingerprint("ed25519"));
            waiting.add(client);
        }

        BuilderClient oneTooMany = connect();

        assertThat(oneTooMany.awaitClose()).isEqualTo(closed(SocketClose.TOO_MANY_PENDING));
        assertThat(waiting).noneMatch(BuilderClient::isClosed);
    }

    @Test
    void replacesTheOlderConnectionOfTheSameBuilder() throws Exception {
        register("ed25519");
        BuilderClient first = connect();
        first.authenticate(TestKeys.privateKey("ed25519"));
        BuilderClient second = connect();

        second.authenticate(TestKeys.privateKey("ed25519"));

        assertThat(first.awaitClose()).isEqualTo(closed(SocketClose.REPLACED));
        assertThat(second.isClosed()).isFalse();
    }

    @Test
    void countsHandshakesByOutcomeAndReasonInMetrics() throws Exception {
        register("ed25519");
        connect().authenticate(TestKeys.privateKey("ed25519"));
        BuilderClient unknown = connect();
        unknown.send(
                signed(
                        TestKeys.privateKey("ecdsa256"),
                        unknown.hello(TestKeys.fingerprint("ecdsa256")),
                        BuilderProtocol.AUTH_NAMESPACE));
        unknown.awaitClose();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .contains(
                        "crateforge_gateway_handshakes_total{outcome=\"succeeded\",reason=\"none\"}")
                .contains(
                        "crateforge_gateway_handshakes_total{outcome=\"failed\",reason=\"unknown_key\"}")
                .contains("crateforge_gateway_messages_in_total");
        // The gauge counts the one builder still connected (connections of earlier tests are
        // closed, though their close may still be on its way).
        awaitMetrics("(?m)^crateforge_gateway_connected_builders 1\\.0$");
    }

    /** Waits until the metrics page has a line matching {@code pattern}. */
    private static void awaitMetrics(String pattern) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(given().get("/q/metrics").asString())
                                        .containsPattern(pattern));
    }

    private Closed authenticateExpectingClose(String helloKey, String signingKey, String namespace)
            throws Exception {
        BuilderClient client = connect();
        ChallengeRequest challenge = client.hello(TestKeys.fingerprint(helloKey));
        client.send(signed(TestKeys.privateKey(signingKey), challenge, namespace));
        return client.awaitClose();
    }

    private static ChallengeResponse signed(
            SshPrivateKey key, ChallengeRequest challenge, String namespace) throws Exception {
        byte[] bytes = AuthChallenge.signedBytes(challenge.connectionId(), challenge.challenge());
        return new ChallengeResponse(challenge.challenge(), key.sign(namespace, bytes).armored());
    }

    private static boolean sshKeygenAvailable() {
        try {
            Process p = new ProcessBuilder("ssh-keygen", "-V").redirectErrorStream(true).start();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
