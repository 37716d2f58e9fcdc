package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stack of its own (crashing the shared one would break the other tests): each server crashes and
 * comes back on the same port with its data, a paused Kafka answers again once resumed, and closing
 * the stack leaves none of the processes behind, the restarted ones included.
 */
class ServerControlTest {

    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(LocalStackOptions.defaults());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void crashedPostgresComesBackOnTheSamePortWithItsCommittedRows() throws Exception {
        Database database = stack.newDatabase();
        try (Connection c = connect(database);
                Statement s = c.createStatement()) {
            s.execute("create table jobs (id int primary key)");
            s.execute("insert into jobs values (1), (2)");
        }
        ProcessHandle postmaster = postmaster();
        int port = stack.postgres().port();

        stack.postgres().crash();

        assertThat(postmaster.isAlive()).isFalse();
        assertThatThrownBy(() -> connect(database).close()).isInstanceOf(SQLException.class);

        stack.postgres().restart();

        assertThat(stack.postgres().port()).isEqualTo(port);
        assertThat(postmaster().pid()).isNotEqualTo(postmaster.pid());
        // The port answers while crash recovery still refuses logins (57P03); clients retry.
        // The rows were committed the instant before the crash: synchronous_commit must be on.
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptionsInstanceOf(SQLException.class)
                .untilAsserted(
                        () -> {
                            try (Connection c = connect(database);
                                    Statement s = c.createStatement();
                                    ResultSet rs = s.executeQuery("select count(*) from jobs")) {
                                rs.next();
                                assertThat(rs.getInt(1)).isEqualTo(2);
                            }
                        });
        assertThat(Files.readString(stack.postgres().process().logFile()))
                .as("crash recovery ran, in the same log file as the first start")
                .contains("database system was interrupted");
    }

    @Test
    void killedKafkaComesBackWithItsRecordsAndAPausedOneAnswersOnceResumed() throws Exception {
        String topic = stack.newTopicPrefix() + "faults";
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "k", "before")).get(30, TimeUnit.SECONDS);

            stack.kafka().crash();
            assertThat(stack.kafka().process().isAlive()).isFalse();
            stack.kafka().restart();

            // The producer reconnects to the same address on its own.
            producer.send(new ProducerRecord<>(topic, "k", "after")).get(120, TimeUnit.SECONDS);

            stack.kafka().pause();
            Future<RecordMetadata> paused;
            try {
                paused = producer.send(new ProducerRecord<>(topic, "k", "paused"));
                assertThatThrownBy(() -> paused.get(3, TimeUnit.SECONDS))
                        .isInstanceOf(TimeoutException.class);
            } finally {
                stack.kafka().resume();
            }
            paused.get(120, TimeUnit.SECONDS);
        }
        assertThat(values(topic)).containsExactly("before", "after", "paused");
    }

    @Test
    void closingAStackEndsEveryServerItRestarted() throws Exception {
        LocalStack other = LocalStack.start(LocalStackOptions.defaults());
        List<ProcessHandle> processes = new ArrayList<>();
        try {
            other.s3().crash();
            other.s3().restart();
            other.postgres().crash();
            other.postgres().restart();
            other.kafka().pause();
            other.processes().forEach(p -> processes.add(p.handle()));
            processes.add(postmasterOf(other.dataDir()));
        } finally {
            other.close();
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(processes).noneMatch(ProcessHandle::isAlive));
    }

    private static ProcessHandle postmaster() throws Exception {
        return postmasterOf(stack.dataDir());
    }

    private static ProcessHandle postmasterOf(Path data) throws Exception {
        String pid = Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).strip();
        return ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
    }

    private static Connection connect(Database database) throws SQLException {
        return DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.addresses().kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        180_000,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        120_000),
                new StringSerializer(),
                new StringSerializer());
    }

    private static List<String> values(String topic) throws ExecutionException {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.addresses().kafka().bootstrapServers()),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200))
                                        .forEach(r -> values.add(r.value()));
                                return partitions.stream()
                                        .allMatch(p -> consumer.position(p) >= ends.get(p));
                            });
        }
        return values;
    }
}
