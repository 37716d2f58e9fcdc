package dev.crateforge.scheduler.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.GatewayHeartbeat;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A gateway process that dies without a word: its connections are retired once a newer instance of
 * its pod starts or its heartbeats stop, exactly as if each had sent {@code Disconnected}.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class GatewayHeartbeatTests extends SchedulerTest {

    private void heartbeat(String instance, String pod, Instant startedAt, int leaseSeconds) {
        kafka.send(
                Topics.GATEWAY_HEARTBEATS,
                instance,
                new GatewayHeartbeat(instance, pod, startedAt, leaseSeconds, Instant.now()));
    }

    private void connect(UUID builder, String connection, String gateway) {
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Connected(
                        builder, "builder-" + connection, connection, gateway, Instant.now()));
        await().atMost(WAIT).until(() -> online().contains(connection));
    }

    private static List<String> online() {
        return given().get("/api/v1/connections/online")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("connectionId", String.class);
    }

    private static JobRequested request(
            UUID builder, String connection, String gateway, String target) {
        return new JobRequested(
                builder, connection, gateway, List.of(target), 1, null, Instant.now());
    }

    @Test
    void aNewInstanceOfThePodRetiresTheOldInstancesConnections() {
        String old = "g1-old-" + UUID.randomUUID();
        Instant started = Instant.now().minusSeconds(60);
        heartbeat(old, "g1-pod", started, 15);
        UUID busy = UUID.randomUUID();
        UUID idle = UUID.randomUUID();
        connect(busy, "g1-busy", old);
        connect(idle, "g1-idle", old);
        UUID legacy = UUID.randomUUID();
        connect(legacy, "g1-legacy", "g1-never-sent-a-heartbeat");
        Job job = submissions.submit(Fixtures.job("held", "1.0.0", "g01-unknown-test")).job();
        assertThat(assignments.requestReceived(request(busy, "g1-busy", old, "g01-unknown-test")))
                .isEqualTo(1);
        // A request that waits (no job for this target).
        assertThat(assignments.requestReceived(request(idle, "g1-idle", old, "g02-unknown-test")))
                .isZero();

        heartbeat("g1-new-" + UUID.randomUUID(), "g1-pod", Instant.now(), 15);

        await().atMost(WAIT).until(() -> !online().contains("g1-busy"));
        assertThat(online()).doesNotContain("g1-idle").contains("g1-legacy");
        assertThat(db.job(job.id).disconnectedAt).isNotNull();
        assertThat(db.count("select count(*) from job_request where connection_id = 'g1-idle'"))
                .isZero();
        // A late request of a retired connection is refused, like one of a closed connection.
        assertThat(assignments.requestReceived(request(idle, "g1-idle", old, "g02-unknown-test")))
                .isZero();
        assertThat(db.count("select count(*) from job_request where connection_id = 'g1-idle'"))
                .isZero();
    }

    @Test
    void anInstanceWhoseHeartbeatsStopIsRetiredAfterItsLease() {
        String silent = "g2-silent-" + UUID.randomUUID();
        heartbeat(silent, "g2-pod-a", Instant.now(), 1);
        UUID builder = UUID.randomUUID();
        connect(builder, "g2-conn", silent);
        String alive = "g2-alive-" + UUID.randomUUID();
        Instant aliveStarted = Instant.now();
        // Another gateway keeps beating, which shows the scheduler is not merely behind.
        await().atMost(WAIT)
                .until(
                        () -> {
                            heartbeat(alive, "g2-pod-b", aliveStarted, 30);
                            return !online().contains("g2-conn");
                        });
        assertThat(
                        db.count(
                                "select count(*) from gateway_instance where retired_at is not"
                                        + " null and gateway_instance = '"
                                        + silent
                                        + "'"))
                .isEqualTo(1);
        assertThat(
                        db.count(
                                "select count(*) from gateway_instance where retired_at is null"
                                        + " and gateway_instance = '"
                                        + alive
                                        + "'"))
                .isEqualTo(1);
    }
}
