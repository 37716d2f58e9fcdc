package dev.crateforge.messaging.outbox;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

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
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    public Outbox(
            AgroalDataSource dataSource,
            TransactionSynchronizationRegistry transactions,
            OutboxRelay relay) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.relay = relay;
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
        if (transactions.getResource(WAKE_REGISTERED) != null) {
            return;
        }
        transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
        transactions.registerInterposedSynchronization(
                new Synchronization() {
                    @Override
                    public void beforeCompletion() {}

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            relay.wake();
                        }
                    }
                });
    }
}
