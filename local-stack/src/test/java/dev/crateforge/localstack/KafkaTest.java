package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.protocol.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The shared Kafka carries records, and every run gets its own set of topics. */
class KafkaTest {

    @Test
    void everyTopicExistsUnderANewPrefix() throws Exception {
        LocalStack stack = LocalStack.shared();
        String first = stack.newTopicPrefix();
        String second = stack.newTopicPrefix();
        assertThat(first).isNotEqualTo(second);

        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.addresses().kafka().bootstrapServers()))) {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String topic : Topics.ALL) {
                assertThat(names)
                        .contains(Topics.prefixed(first, topic), Topics.prefixed(second, topic));
            }
            var description =
                    admin.describeTopics(List.of(Topics.prefixed(first, Topics.JOB_EVENTS)))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS);
            assertThat(description.values().iterator().next().partitions()).hasSize(4);
        }
    }

    @Test
    void producedRecordIsConsumed() {
        LocalStack stack = LocalStack.shared();
        String topic = Topics.prefixed(stack.newTopicPrefix(), Topics.JOB_EVENTS);
        String bootstrap = stack.addresses().kafka().bootstrapServers();

        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true),
                        new StringSerializer(),
                        new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "job-1", "hello")).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-test",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                                return !received.isEmpty();
                            });
        }
        assertThat(received)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.key()).isEqualTo("job-1");
                            assertThat(r.value()).isEqualTo("hello");
                        });
    }
}
