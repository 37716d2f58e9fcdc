package dev.crateforge.localstack.isolation;

import dev.crateforge.localstack.KafkaAddress;
import dev.crateforge.protocol.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates every CrateForge topic under a fresh prefix per test run, so that runs sharing one broker
 * never read each other's records. Topics are created up front (not on first use) so a consumer
 * that subscribes before the first record is produced gets partitions straight away.
 */
public final class TopicSets {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSets() {}

    /** Returns the prefix; {@code Topics.prefixed(prefix, topic)} names each created topic. */
    public static String create(KafkaAddress server) {
        String prefix = UniqueNames.next("run", '-') + ".";
        List<NewTopic> topics =
                Topics.ALL.stream()
                        .map(
                                t ->
                                        new NewTopic(
                                                Topics.prefixed(prefix, t),
                                                Optional.empty(),
                                                Optional.empty()))
                        .toList();
        try (Admin admin = Admin.create(config(server))) {
            admin.createTopics(topics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitListed(admin, topics.stream().map(NewTopic::name).toList());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topics with prefix "
                            + prefix
                            + " on "
                            + server.bootstrapServers(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return prefix;
    }

    /**
     * The controller has accepted the topics when createTopics returns, but the broker's metadata
     * may lag by a moment; a consumer that subscribes in that moment would wait for a rebalance.
     */
    private static void awaitListed(Admin admin, List<String> names)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!admin.listTopics()
                .names()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics not listed after " + TIMEOUT + ": " + names);
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, Object> config(KafkaAddress server) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                server.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "local-stack-topics",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis());
    }
}
