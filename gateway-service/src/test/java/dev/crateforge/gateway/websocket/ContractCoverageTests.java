package dev.crateforge.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.contract.SocketError;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every close and every error code of the contract that the gateway can send is provoked over a
 * real WebSocket by a named test, which checks code and reason. A new entry of {@link SocketClose}
 * or {@link SocketError} fails here until it has such a test, or is listed as reachable only by a
 * fault, with the reason.
 */
class ContractCoverageTests {

    /** The test that provokes each close over a real socket. */
    private static final Map<SocketClose, String> CLOSE_TESTS =
            Map.ofEntries(
                    Map.entry(
                            SocketClose.BINARY_FRAME, "HandshakeTests#closesOnBinaryFrameWith1003"),
                    Map.entry(
                            SocketClose.AUTHENTICATION_FAILED,
                            "HandshakeTests#rejectsWrongNamespace"),
                    Map.entry(
                            SocketClose.AUTHENTICATION_TIMED_OUT,
                            "HandshakeTests#closesWhenAuthenticationTakesTooLong"),
                    Map.entry(
                            SocketClose.UNSUPPORTED_VERSION,
                            "HandshakeTests#rejectsUnsupportedProtocolVersion"),
                    Map.entry(
                            SocketClose.MALFORMED_MESSAGE,
                            "HandshakeTests#closesAMalformedFirstFrameNamingWhatIsWrong"),
                    Map.entry(
                            SocketClose.UNEXPECTED_MESSAGE,
                            "HandshakeTests#closesWhenJobRequestComesBeforeAuthentication"),
                    Map.entry(
                            SocketClose.BUILDER_REVOKED,
                            "BridgeTests#disconnectControlRecordClosesTheBuilder"),
                    Map.entry(
                            SocketClose.REPLACED,
                            "HandshakeTests#replacesTheOlderConnectionOfTheSameBuilder"),
                    Map.entry(
                            SocketClose.MESSAGE_TOO_BIG,
                            "HandshakeTests#closesOversizedFrameBeforeAuthenticationWith1009"),
                    Map.entry(
                            SocketClose.TOO_MANY_PENDING,
                            "HandshakeTests#capsConnectionsAwaitingAuthentication"));

    /** Closes no test can provoke over a socket of the shared test application, and why. */
    private static final Map<SocketClose, String> CLOSES_WITHOUT_SOCKET_TEST =
            Map.of(
                    SocketClose.SERVER_FAULT,
                    "a fault of the gateway itself (a handler or registry lookup that throws)",
                    SocketClose.DRAINING,
                    "sent only while the process shuts down, which would end the shared test"
                            + " application; BuilderSessionsTests#drainingClosesEveryOpenConnection"
                            + "WithGoingAway checks it without sockets");

    /** The test that provokes each error code over a real socket. */
    private static final Map<SocketError, String> ERROR_TESTS =
            Map.of(
                    SocketError.INVALID_SIGNATURE,
                    "BridgeTests#refusesJobResponseSignedByAnotherKey",
                    SocketError.INVALID_STATEMENT,
                    "BridgeTests#refusesStatementThatDisagreesWithTheResponse",
                    SocketError.NO_ALLOWED_TARGET,
                    "BridgeTests#refusesRequestForTargetsTheBuilderMayNotBuild",
                    SocketError.UNKNOWN_JOB,
                    "BridgeTests#unknownJobControlRecordReachesTheBuilderAsAnError");

    /** Error codes only a fault provokes, and why. */
    private static final Map<SocketError, String> ERRORS_ONLY_BY_FAULT =
            Map.of(
                    SocketError.UNAVAILABLE,
                    "sent only when Kafka does not take a job request or response in time");

    @ParameterizedTest
    @EnumSource(SocketClose.class)
    void everyCloseIsProvokedByATestOrListedAsFaultOnly(SocketClose close) throws Exception {
        if (CLOSES_WITHOUT_SOCKET_TEST.containsKey(close)) {
            assertThat(CLOSE_TESTS).doesNotContainKey(close);
            return;
        }
        assertThat(CLOSE_TESTS).as("a WebSocket test for " + close).containsKey(close);
        assertTestExists(CLOSE_TESTS.get(close));
    }

    @ParameterizedTest
    @EnumSource(SocketError.class)
    void everyErrorIsProvokedByATestOrListedAsFaultOnly(SocketError error) throws Exception {
        if (ERRORS_ONLY_BY_FAULT.containsKey(error)) {
            assertThat(ERROR_TESTS).doesNotContainKey(error);
            return;
        }
        assertThat(ERROR_TESTS).as("a WebSocket test for " + error).containsKey(error);
        assertTestExists(ERROR_TESTS.get(error));
    }

    private static void assertTestExists(String reference) throws ClassNotFoundException {
        String[] parts = reference.split("#");
        Class<?> type =
                parts[0].equals("BridgeTests")
                        ? Class.forName("dev.crateforge.gateway.messaging.BridgeTests")
                        : HandshakeTests.class;
        assertThat(Arrays.stream(type.getDeclaredMethods()).map(Method::getName))
                .as(reference)
                .contains(parts[1]);
    }
}
