package dev.crateforge.messaging.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends the outbox's rows to Kafka, at least once, and deletes each row only after the broker
 * acknowledged it ({@code acks=all}, idempotent producer). One thread per replica; it runs when a
 * local transaction that wrote rows commits, and every {@code poll-interval} for rows another
 * replica left behind. Each pass locks the shards that have rows ({@code FOR UPDATE SKIP LOCKED}),
 * so several replicas relay at once without ever sending one key's records out of order, and
 * everything a pass claimed is sent, acknowledged, deleted and committed together. A pass that
 * fails rolls back and is tried again: a record may then be sent twice, which the idempotent
 * consumers absorb.
 */
@ApplicationScoped
public class OutboxRelay {

    /**
     * Locks the shards that have rows. A statement of its own: the rows are read by the next
     * statement, whose snapshot is taken after the locks were granted, so rows another relay
     * deleted just before releasing a shard are not read (and sent) again.
     */
    private static final String LOCK_SHARDS =
            """
            select shard from outbox_shard
            where shard in (select distinct shard from outbox)
            for update skip locked
            """;

    private static final String READ =
            "select id, topic, key, payload, created_at from outbox where shard = any (?)"
                    + " order by id limit ?";

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;
    private final Map<String, Object> kafka;
    private final String application;
    private final Timer passes;
    private final Timer delays;
    private final Counter relayed;
    private final Counter failedPasses;
    private final BlockingQueue<Boolean> wakeups = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private KafkaProducer<String, byte[]> producer;
    private Thread worker;

    public OutboxRelay(
            AgroalDataSource dataSource,
            OutboxConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "quarkus.application.name") String application,
            MeterRegistry registry) {
        this.passes =
                Timer.builder("crateforge.outbox.pass")
                        .description("Relay passes that sent records: claim, send, ack, delete")
                        .register(registry);
        this.delays =
                Timer.builder("crateforge.outbox.delay")
                        .description(
                                "From the start of the transaction that wrote a record to the"
                                        + " broker's acknowledgement of it")
                        .register(registry);
        this.relayed =
                Counter.builder("crateforge.outbox.relayed")
                        .description("Records sent, acknowledged and deleted")
                        .register(registry);
        this.failedPasses =
                Counter.builder("crateforge.outbox.failed.passes")
                        .description(
                                "Relay passes that failed (broker or database unreachable); their"
                                        + " rows stay and are sent later")
                        .register(registry);
        this.dataSource = dataSource;
        this.config = config;
        this.kafka = kafka;
        this.application = application;
    }

    void start(@Observes StartupEvent event) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A builder waits for its assignment, the scheduler for an artifact: send at once; a pass's
        // records still share requests.
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "crateforge-" + application + "-outbox");
        settings.put(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.sendTimeout().toMillis());
        // A send that waits for the topic's metadata (a broker that does not answer) gives up
        // within the same bound as one that waits for its acknowledgement.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.sendTimeout().toMillis());
        settings.put(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(config.sendTimeout().toMillis(), 30_000));
        producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        running = true;
        worker = new Thread(this::work, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(config.sendTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks for a pass now (called after a transaction that wrote rows committed). */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void work() {
        while (running) {
            try {
                wakeups.poll(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                while (running && relayOnce() == config.batchSize()) {
                    // A full pass: there may be more.
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                failedPasses.increment();
                Log.warnf(
                        "Outbox relay pass failed (%s); the rows stay and are sent on the next try",
                        e.toString());
                try {
                    Thread.sleep(config.retryPause().toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /**
     * One pass: claim, send, wait for the acknowledgements, delete, commit. Public so that a test
     * can run passes beside the relay thread, as other replicas would.
     */
    public int relayOnce() throws Exception {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Long> ids = new ArrayList<>();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                List<Short> shards = new ArrayList<>();
                List<Timestamp> written = new ArrayList<>();
                try (PreparedStatement lock = connection.prepareStatement(LOCK_SHARDS);
                        ResultSet locked = lock.executeQuery()) {
                    while (locked.next()) {
                        shards.add(locked.getShort(1));
                    }
                }
                if (shards.isEmpty()) {
                    connection.commit();
                    return 0;
                }
                try (PreparedStatement claim = connection.prepareStatement(READ)) {
                    claim.setArray(1, connection.createArrayOf("int2", shards.toArray()));
                    claim.setInt(2, config.batchSize());
                    try (ResultSet rows = claim.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getLong(1));
                            written.add(rows.getTimestamp(5));
                            acks.add(
                                    producer.send(
                                            new ProducerRecord<>(
                                                    rows.getString(2),
                                                    rows.getString(3),
                                                    rows.getBytes(4))));
                        }
                    }
                }
                long deadline = System.nanoTime() + config.sendTimeout().toNanos();
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                long acknowledged = System.currentTimeMillis();
                if (!ids.isEmpty()) {
                    delete(connection, ids);
                }
                connection.commit();
                if (!ids.isEmpty()) {
                    passes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    relayed.increment(ids.size());
                    for (Timestamp at : written) {
                        delays.record(
                                Math.max(0, acknowledged - at.getTime()), TimeUnit.MILLISECONDS);
                    }
                }
                return ids.size();
            } catch (Exception e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static void delete(Connection connection, List<Long> ids) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("delete from outbox where id = any (?)")) {
            delete.setArray(1, connection.createArrayOf("int8", ids.toArray(Long[]::new)));
            delete.executeUpdate();
        }
    }
}
