package dev.crateforge.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.gateway.config.GatewayInstance;
import dev.crateforge.gateway.support.FakeBuilder;
import dev.crateforge.gateway.websocket.BuilderSessions;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.message.ServerMessage;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas, as far as routing goes: two {@link AssignmentRouter}s, each fed by a real
 * Kafka consumer in its own group ({@code crateforge-gateway-<instance-id>}, from latest), exactly
 * as the application configures its channels. Running two Quarkus applications in one JVM is not
 * practical; the WebSocket half of delivery is covered by BridgeTests.
 */
class AssignmentRoutingTests {

    private static final String LINUX = "x86_64-unknown-linux-gnu";

    /** One replica: its sessions, router, consumer and undeliverable reports. */
    private static final class Replica {
        final GatewayInstance instance;
        final BuilderSessions sessions = new BuilderSessions();
        final List<JobActivity.Undeliverable> undeliverable = new CopyOnWriteArrayList<>();
        final AssignmentRouter router;
        final KafkaConsumer<String, byte[]> consumer;
        final List<AssignmentRouter.Outcome> outcomes = new ArrayList<>();

        Replica(GatewayInstance instance, String bootstrap, String topic) {
            this.instance = instance;
            this.router =
                    new AssignmentRouter(
                            instance,
                            sessions,
                            record -> {
                                undeliverable.add(record);
                                return Uni.createFrom().voidItem();
                            });
            Properties p = new Properties();
            p.putAll(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ConsumerConfig.GROUP_ID_CONFIG,
                            "crateforge-gateway-" + instance.pod(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "latest",
                            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                            StringDeserializer.class.getName(),
                            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                            ByteArrayDeserializer.class.getName()));
            this.consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(topic));
        }

        /** Polls until the group has its partitions and a position on each of them. */
        void awaitPositioned() {
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(100));
                                return !consumer.assignment().isEmpty();
                            });
            consumer.assignment().forEach(consumer::position);
        }

        void pollAndRoute() throws Exception {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                JobAssigned assigned = RecordCodec.decode(r.value(), JobAssigned.class);
                outcomes.add(router.route(assigned).await().atMost(Duration.ofSeconds(5)));
            }
            consumer.commitSync();
        }
    }

    private String topic;
    private String bootstrap;
    private Replica a;
    private Replica b;

    @BeforeEach
    void twoReplicas() {
        LocalStack stack = LocalStack.shared();
        bootstrap = stack.addresses().kafka().bootstrapServers();
        topic = Topics.prefixed(stack.newTopicPrefix(), Topics.JOB_ASSIGNMENTS);
        String run = UUID.randomUUID().toString().substring(0, 8);
        a = new Replica(GatewayInstance.start("gw-a-" + run), bootstrap, topic);
        b = new Replica(GatewayInstance.start("gw-b-" + run), bootstrap, topic);
        a.awaitPositioned();
        b.awaitPositioned();
    }

    @AfterEach
    void close() {
        a.consumer.close();
        b.consumer.close();
    }

    @Test
    void eachReplicaDeliversOnlyAssignmentsForConnectionsItHolds() throws Exception {
        FakeBuilder onA = new FakeBuilder(UUID.randomUUID(), "conn-a");
        FakeBuilder onB = new FakeBuilder(UUID.randomUUID(), "conn-b");
        a.sessions.bind(onA);
        b.sessions.bind(onB);
        UUID jobForA = UUID.randomUUID();
        UUID jobForB = UUID.randomUUID();
        UUID jobForGone = UUID.randomUUID();

        produce(assigned(onA.builderId(), "conn-a", a.instance.name(), jobForA));
        produce(assigned(onB.builderId(), "conn-b", b.instance.name(), jobForB));
        // Addressed to replica A, but that connection closed meanwhile.
        produce(assigned(UUID.randomUUID(), "conn-gone", a.instance.name(), jobForGone));

        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            a.pollAndRoute();
                            b.pollAndRoute();
                            return a.outcomes.size() == 3 && b.outcomes.size() == 3;
                        });

        assertThat(jobIds(onA.sent)).containsExactly(jobForA);
        assertThat(jobIds(onB.sent)).containsExactly(jobForB);
        assertThat(a.undeliverable)
                .extracting(JobActivity.Undeliverable::jobId)
                .containsExactly(jobForGone);
        assertThat(b.undeliverable).isEmpty();
        // The three records have different keys, so different partitions: no order among them.
        assertThat(a.outcomes)
                .containsExactlyInAnyOrder(
                        AssignmentRouter.Outcome.DELIVERED,
                        AssignmentRouter.Outcome.NOT_MINE,
                        AssignmentRouter.Outcome.UNDELIVERABLE);
        assertThat(b.outcomes)
                .containsExactlyInAnyOrder(
                        AssignmentRouter.Outcome.NOT_MINE,
                        AssignmentRouter.Outcome.DELIVERED,
                        AssignmentRouter.Outcome.NOT_MINE);
    }

    @Test
    void anOperatorsLimitsReachTheBuilderUnchanged() throws Exception {
        FakeBuilder builder = new FakeBuilder(UUID.randomUUID(), "conn-a");
        a.sessions.bind(builder);
        JobAssigned plain =
                assigned(builder.builderId(), "conn-a", a.instance.name(), UUID.randomUUID());
        JobLimitsOverride limits = new JobLimitsOverride(8L << 30, null, 256, null, 1L << 20, 120L);

        produce(
                new JobAssigned(
                        plain.builderId(),
                        plain.connectionId(),
                        plain.gatewayInstance(),
                        plain.assignment().withLimits(limits),
                        plain.assignedAt()));

        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            a.pollAndRoute();
                            return !builder.sent.isEmpty();
                        });
        assertThat(((Jobs) builder.sent.get(0)).jobs().get(0).limits()).isEqualTo(limits);
    }

    @Test
    void assignmentForAReplacedConnectionIsUndeliverable() throws Exception {
        UUID builder = UUID.randomUUID();
        a.sessions.bind(new FakeBuilder(builder, "old-conn"));
        FakeBuilder current = new FakeBuilder(builder, "new-conn");
        a.sessions.bind(current);
        UUID job = UUID.randomUUID();

        produce(assigned(builder, "old-conn", a.instance.name(), job));

        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            a.pollAndRoute();
                            return !a.outcomes.isEmpty();
                        });
        assertThat(a.outcomes).containsExactly(AssignmentRouter.Outcome.UNDELIVERABLE);
        assertThat(current.sent).isEmpty();
        assertThat(a.undeliverable)
                .extracting(JobActivity.Undeliverable::jobId)
                .containsExactly(job);
    }

    @Test
    void assignmentsOfAnEarlierProcessOfThisPodAreIgnoredNeverReportedUndeliverable()
            throws Exception {
        // Replica A restarted: a new process of the same pod reads on from the pod's offsets.
        GatewayInstance restarted = GatewayInstance.start(a.instance.pod());
        AssignmentRouter router =
                new AssignmentRouter(
                        restarted,
                        a.sessions,
                        record -> {
                            a.undeliverable.add(record);
                            return Uni.createFrom().voidItem();
                        });
        UUID builder = UUID.randomUUID();
        a.sessions.bind(new FakeBuilder(builder, "conn-new"));

        List<AssignmentRouter.Outcome> outcomes = new ArrayList<>();
        for (String addressedTo : List.of(a.instance.name(), a.instance.pod())) {
            outcomes.add(
                    router.route(assigned(builder, "conn-old", addressedTo, UUID.randomUUID()))
                            .await()
                            .atMost(Duration.ofSeconds(5)));
        }

        assertThat(outcomes).containsOnly(AssignmentRouter.Outcome.EARLIER_INCARNATION);
        assertThat(a.undeliverable).isEmpty();
        assertThat(restarted.name())
                .startsWith(a.instance.pod() + "~")
                .isNotEqualTo(a.instance.name());
        assertThat(restarted.isOtherIncarnation(a.instance.pod() + "x~1")).isFalse();
    }

    private void produce(JobAssigned assigned) throws Exception {
        Properties p = new Properties();
        p.putAll(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class.getName()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    assigned.builderId().toString(),
                                    RecordCodec.encode(assigned)))
                    .get();
        }
    }

    private static List<UUID> jobIds(List<ServerMessage> sent) {
        return sent.stream()
                .flatMap(m -> ((Jobs) m).jobs().stream())
                .map(JobAssignment::jobId)
                .toList();
    }

    private static JobAssigned assigned(
            UUID builder, String connection, String instance, UUID job) {
        return new JobAssigned(
                builder,
                connection,
                instance,
                new JobAssignment(
                        job,
                        1,
                        "serde",
                        "1.0.210",
                        "https://static.crates.example/crates/serde/serde-1.0.210.crate",
                        "b".repeat(64),
                        LINUX,
                        ArtifactKind.BINARY,
                        "http://artifacts.test/upload",
                        "token",
                        600,
                        null),
                Instant.now());
    }
}
