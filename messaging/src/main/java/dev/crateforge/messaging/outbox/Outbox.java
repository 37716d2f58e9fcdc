package dev.crateforge.messaging.outbox;

import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.kafka.Topics;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The writing side of the transactional outbox: records to publish are inserted into the {@code
 * outbox} table in the caller's transaction, so they exist exactly when the change that caused them
 * committed, and {@link OutboxRelay} sends them afterwards. Many records cost one insert. The rows
 * are spread over {@link #SHARDS} shards by key; the relay takes a shard at a time, so that the
 * records of one key leave in the order they were written, whatever the number of replicas.
 */
@ApplicationScoped
public class Outbox {

    /** Shards of the outbox (rows in {@code outbox_shard}, see the migration). */
    public static final int SHARDS = 16;

    private static final String INSERT =
            """
            insert into outbox (shard, topic, key, payload)
            select * from unnest(?::smallint[], ?::text[], ?::text[], ?::bytea[])
            """;

    private static final Object WAKE_REGISTERED = new Object();

    private final AgroalDataSource dataSource;
    private final AfterCommit afterCommit;
    private final OutboxRelay relay;
    private final String topicPrefix;

    public Outbox(
            AgroalDataSource dataSource,
            AfterCommit afterCommit,
            OutboxRelay relay,
            @ConfigProperty(name = "crateforge.kafka.topic-prefix") Optional<String> topicPrefix) {
        this.dataSource = dataSource;
        this.afterCommit = afterCommit;
        this.relay = relay;
        this.topicPrefix = topicPrefix.orElse("");
    }

    /**
     * The outbox record of a contract record ({@link RecordCodec}) for one of {@link Topics}'
     * topics, behind this run's topic prefix.
     */
    public OutboxRecord record(String topic, String key, Object value) {
        return new OutboxRecord(
                Topics.prefixed(topicPrefix, topic), key, RecordCodec.encode(value));
    }

    /** Adds one contract record to the current transaction, as {@link #record} builds it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(String topic, String key, Object value) {
        add(List.of(record(topic, key, value)));
    }

    /** Adds the records to the current transaction; they are relayed once it commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(List<OutboxRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        int n = records.size();
        Short[] shards = new Short[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            OutboxRecord record = records.get(i);
            shards[i] = shardOf(record.key());
            topics[i] = record.topic();
            keys[i] = record.key();
            values[i] = record.value();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setArray(1, connection.createArrayOf("int2", shards));
            statement.setArray(2, connection.createArrayOf("text", topics));
            statement.setArray(3, connection.createArrayOf("text", keys));
            statement.setArray(4, connection.createArrayOf("bytea", values));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("writing to the outbox failed", e);
        }
        wakeRelayAfterCommit();
    }

    /** The shard of a key: records of one key always land in one shard. */
    public static short shardOf(String key) {
        return (short) Math.floorMod(key == null ? 0 : key.hashCode(), SHARDS);
    }

    /** This replica's relay sends the rows as soon as they are visible: no poll on the hot path. */
    private void wakeRelayAfterCommit() {
        afterCommit.runOnce(WAKE_REGISTERED, relay::wake);
    }
}
