package dev.crateforge.localstack.quarkus;

import dev.crateforge.localstack.LocalStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * {@code @WithTestResource(KafkaTestResource.class)}: the shared local Kafka, with every CrateForge
 * topic created under a new prefix for each test run ({@code crateforge.kafka.topic-prefix}).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** The config key under which services read the prefix of every topic name. */
    public static final String TOPIC_PREFIX = "crateforge.kafka.topic-prefix";

    @Override
    public Map<String, String> start() {
        LocalStack stack = LocalStack.shared();
        String prefix = stack.newTopicPrefix();
        return Map.of(
                "kafka.bootstrap.servers",
                stack.addresses().kafka().bootstrapServers(),
                TOPIC_PREFIX,
                prefix);
    }

    /** The prefixed topics are left behind: nothing else uses that prefix. */
    @Override
    public void stop() {}
}
