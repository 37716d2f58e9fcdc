package dev.crateforge.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.messaging.outbox.OutboxRelay;
import dev.crateforge.protocol.kafka.BuilderControl;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class OutboxTests extends SchedulerTest {

    @Inject EventPublisher publisher;
    @Inject OutboxRelay relay;
    @Inject MeterRegistry meters;

    private static List<BuilderControl.UnknownJob> of(
            List<Map.Entry<String, BuilderControl>> seen, UUID job) {
        return seen.stream()
                .map(Map.Entry::getValue)
                .filter(v -> v instanceof BuilderControl.UnknownJob u && u.jobId().equals(job))
                .map(BuilderControl.UnknownJob.class::cast)
                .toList();
    }

    @Test
    void aRecordIsPublishedOnlyIfItsTransactionCommitsAndItsRowIsDeletedOnceSent() {
        UUID builder = UUID.randomUUID();
        UUID committed = UUID.randomUUID();
        UUID rolledBack = UUID.randomUUID();
        double relayedBefore = meters.counter("crateforge.outbox.relayed").count();
        long delaysBefore = meters.timer("crateforge.outbox.delay").count();
        try (var control = kafka.reader(Topics.BUILDER_CONTROL, BuilderControl.class)) {
            try {
                QuarkusTransaction.requiringNew()
                        .run(
                                () -> {
                                    publisher.unknownJob(builder, rolledBack, 1, "rolled back");
                                    throw new IllegalStateException("roll back");
                                });
            } catch (IllegalStateException expected) {
                // The transaction rolled back, and its outbox row with it.
            }
            QuarkusTransaction.requiringNew()
                    .run(() -> publisher.unknownJob(builder, committed, 1, "committed"));
            var seen = control.until(WAIT, s -> !of(s, committed).isEmpty());
            assertThat(of(seen, committed)).hasSize(1);
            assertThat(of(control.drain(java.time.Duration.ofSeconds(1)), rolledBack)).isEmpty();
        }
        await().atMost(WAIT).until(() -> db.count("select count(*) from outbox") == 0);
        // The relay's metrics count what it sent (other tests' records may be counted too); they
        // are recorded just after the pass commits.
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(meters.counter("crateforge.outbox.relayed").count())
                                    .isGreaterThanOrEqualTo(relayedBefore + 1);
                            assertThat(meters.timer("crateforge.outbox.delay").count())
                                    .isGreaterThanOrEqualTo(delaysBefore + 1);
                            assertThat(meters.timer("crateforge.outbox.pass").count()).isPositive();
                        });
    }

    @Test
    void concurrentRelaysKeepEveryKeysRecordsInOrder() throws Exception {
        int keys = 8;
        int perKey = 50;
        UUID job = UUID.randomUUID();
        List<UUID> builders = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            builders.add(UUID.randomUUID());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (var control = kafka.reader(Topics.BUILDER_CONTROL, BuilderControl.class)) {
            List<Future<?>> work = new ArrayList<>();
            // Writers: one transaction per round, every key once per round.
            work.add(
                    pool.submit(
                            () -> {
                                for (int n = 1; n <= perKey; n++) {
                                    int attempt = n;
                                    QuarkusTransaction.requiringNew()
                                            .run(
                                                    () -> {
                                                        for (UUID b : builders) {
                                                            publisher.unknownJob(
                                                                    b, job, attempt, "order");
                                                        }
                                                    });
                                }
                            }));
            // Three extra relays, besides the application's own, as other replicas would.
            for (int r = 0; r < 3; r++) {
                work.add(
                        pool.submit(
                                () -> {
                                    for (int pass = 0; pass < 200; pass++) {
                                        relay.relayOnce();
                                    }
                                    return null;
                                }));
            }
            for (Future<?> each : work) {
                each.get();
            }
            var seen = control.until(WAIT, s -> of(s, job).size() >= keys * perKey);
            Map<UUID, List<Integer>> byKey =
                    of(seen, job).stream()
                            .collect(
                                    Collectors.groupingBy(
                                            BuilderControl.UnknownJob::builderId,
                                            Collectors.mapping(
                                                    BuilderControl.UnknownJob::attempt,
                                                    Collectors.toList())));
            assertThat(byKey).hasSize(keys);
            for (List<Integer> attempts : byKey.values()) {
                // No pass fails here, so each record arrives once, in the order written.
                assertThat(attempts)
                        .containsExactlyElementsOf(
                                java.util.stream.IntStream.rangeClosed(1, perKey).boxed().toList());
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(WAIT).until(() -> db.count("select count(*) from outbox") == 0);
    }
}
