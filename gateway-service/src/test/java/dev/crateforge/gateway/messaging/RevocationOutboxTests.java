package dev.crateforge.gateway.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crateforge.gateway.support.BuilderClient;
import dev.crateforge.gateway.support.GatewayTest;
import dev.crateforge.gateway.support.KafkaProbe;
import dev.crateforge.gateway.support.Operators;
import dev.crateforge.gateway.support.TestKeys;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.ServerControl;
import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A revocation is written to the outbox with the registry change: with the broker frozen, disabling
 * or deleting a builder still answers at once and closes it here, and the {@code Disconnect} record
 * that tells the other replicas and the artifact service reaches the topic once the broker is back.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class RevocationOutboxTests extends GatewayTest {

    /** Long enough for a relay pass caught by the freeze to time out and run again. */
    private static final Duration AFTER_RESUME = Duration.ofSeconds(90);

    @Test
    void aBuilderDisabledWhileTheBrokerIsDownIsRevokedEverywhereOnceItIsBack() throws Exception {
        ServerControl broker = ownedBroker();
        UUID id = register("ed25519");
        BuilderClient client = connect();
        client.authenticate(TestKeys.privateKey("ed25519"));

        broker.pause();
        try {
            given().auth()
                    .oauth2(Operators.admin())
                    .post("/api/v1/builders/" + id + "/disable")
                    .then()
                    .statusCode(200);
            assertThat(client.awaitClose())
                    .extracting("code")
                    .isEqualTo(SocketClose.BUILDER_REVOKED.code());
        } finally {
            broker.resume();
        }

        BuilderControl control =
                KafkaProbe.awaitRecord(
                                Topics.BUILDER_CONTROL,
                                BuilderControl.class,
                                r -> r.value().builderId().equals(id),
                                AFTER_RESUME)
                        .value();
        assertThat(control).isInstanceOf(BuilderControl.Disconnect.class);
        assertThat(((BuilderControl.Disconnect) control).reason())
                .isEqualTo("disabled by an operator");
    }

    @Test
    void deletingABuilderPublishesItsRevocation() {
        UUID id = register("ecdsa256");

        given().auth()
                .oauth2(Operators.admin())
                .delete("/api/v1/builders/" + id)
                .then()
                .statusCode(204);

        BuilderControl control =
                KafkaProbe.awaitRecord(
                                Topics.BUILDER_CONTROL,
                                BuilderControl.class,
                                r -> r.value().builderId().equals(id))
                        .value();
        assertThat(((BuilderControl.Disconnect) control).reason())
                .isEqualTo("deleted by an operator");
    }

    @Test
    void aRefusedChangeRevokesNobody() {
        UUID unknown = UUID.randomUUID();

        given().auth()
                .oauth2(Operators.admin())
                .post("/api/v1/builders/" + unknown + "/disable")
                .then()
                .statusCode(404);

        assertThat(
                        KafkaProbe.recordsWithin(
                                Topics.BUILDER_CONTROL,
                                BuilderControl.class,
                                r -> r.value().builderId().equals(unknown),
                                Duration.ofSeconds(3)))
                .isEmpty();
    }

    /** The broker of this JVM's own stack; skipped when the stack belongs to another JVM. */
    private static ServerControl ownedBroker() {
        try {
            return LocalStack.shared().kafka();
        } catch (IllegalStateException attached) {
            assumeTrue(false, "the local stack is attached: its broker cannot be stopped here");
            throw attached;
        }
    }
}
