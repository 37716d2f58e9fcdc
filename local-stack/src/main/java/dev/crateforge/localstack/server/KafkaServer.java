package dev.crateforge.localstack.server;

import dev.crateforge.localstack.KafkaAddress;
import dev.crateforge.localstack.child.KafkaMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * Starts Apache Kafka as a single-node KRaft broker and controller in a child JVM.
 *
 * <p>Tuned for tests: every internal topic has one replica, consumer groups rebalance at once, and
 * unknown topics are created on first use with four partitions.
 */
public final class KafkaServer {

    public static final String NAME = "Kafka";

    private KafkaServer() {}

    /** Starts the broker with its logs and config under {@code dataDir}/kafka. */
    public static Started<KafkaAddress> start(Path dataDir, int wantedPort) {
        int port = FreePort.pick(wantedPort);
        int controllerPort = FreePort.pick(0);
        Path home = dataDir.resolve("kafka");
        Path config = home.resolve("server.properties");
        writeConfig(config, home.resolve("data"), port, controllerPort);
        ServerProcess process =
                ChildJvm.named(NAME, port, dataDir.resolve("logs/kafka.log"))
                        .jvmOptions("-Xms64m", "-Xmx320m", "-XX:MaxDirectMemorySize=128m")
                        .classpath(
                                ServerClasspath.forRoots(
                                        "org.apache.kafka:kafka_2.13",
                                        "ch.qos.logback:logback-classic"))
                        .main(KafkaMain.class.getName(), clusterId(), config.toString())
                        .start();
        return new Started<>(process, new KafkaAddress("127.0.0.1:" + port));
    }

    /**
     * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. Never one that starts
     * with {@code -}: the storage tool would read it as an option (Kafka's own {@code
     * Uuid.randomUuid()} avoids those for the same reason).
     */
    static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            byte[] bytes =
                    java.nio.ByteBuffer.allocate(16)
                            .putLong(uuid.getMostSignificantBits())
                            .putLong(uuid.getLeastSignificantBits())
                            .array();
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private static void writeConfig(Path config, Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        // A static quorum; `--standalone` would conflict with it.
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "4");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Tests start consumers constantly; the default 3 s wait before the first rebalance
        // would be spent in every one of them.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Fewer threads: two cores, one broker, a handful of clients.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        try {
            Files.createDirectories(logDir);
            try (Writer out = Files.newBufferedWriter(config)) {
                p.store(out, "written by local-stack for this run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
