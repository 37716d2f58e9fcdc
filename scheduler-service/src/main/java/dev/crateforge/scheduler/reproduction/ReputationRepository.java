package dev.crateforge.scheduler.reproduction;

import dev.crateforge.scheduler.job.TransactionSql;
import dev.crateforge.scheduler.reproduction.Judgement.Standing;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Builders' records in reproductions, and their quarantine (read by the claim). */
@ApplicationScoped
public class ReputationRepository {

    private static final String COLUMNS =
            "builder_id, agreed, disagreed, no_result, quarantined_at, quarantine_reason,"
                    + " cleared_at, cleared_by";

    private final TransactionSql sql;

    public ReputationRepository(TransactionSql sql) {
        this.sql = sql;
    }

    /**
     * Counts each builder's standing in one reproduction, and quarantines the builders whose
     * disagreements since their last clearing reached {@code quarantineAfter}.
     *
     * @return the builders quarantined by this call
     */
    public List<UUID> count(Map<UUID, Standing> standings, int quarantineAfter, String reason) {
        List<UUID> quarantined = new ArrayList<>();
        for (Map.Entry<UUID, Standing> entry : standings.entrySet()) {
            Standing standing = entry.getValue();
            if (standing == Standing.UNDECIDED) {
                continue;
            }
            String column =
                    switch (standing) {
                        case AGREED -> "agreed";
                        case DISAGREED -> "disagreed";
                        default -> "no_result";
                    };
            boolean nowQuarantined =
                    sql.execute(
                            "counting a builder's reproduction",
                            """
                            insert into builder_reputation (builder_id, %1$s) values (?, 1)
                            on conflict (builder_id) do update
                                set %1$s = builder_reputation.%1$s + 1, updated_at = now()
                            returning disagreed, quarantined_at is not null
                            """
                                    .formatted(column),
                            (connection, statement) -> {
                                statement.setObject(1, entry.getKey());
                                try (ResultSet row = statement.executeQuery()) {
                                    row.next();
                                    return row.getInt(1) >= quarantineAfter && !row.getBoolean(2);
                                }
                            });
            if (nowQuarantined) {
                sql.execute(
                        "quarantining a builder",
                        """
                        update builder_reputation set quarantined_at = now(),
                            quarantine_reason = ?, updated_at = now()
                        where builder_id = ?
                        """,
                        (connection, statement) -> {
                            statement.setString(1, reason);
                            statement.setObject(2, entry.getKey());
                            return statement.executeUpdate();
                        });
                quarantined.add(entry.getKey());
            }
        }
        return quarantined;
    }

    /**
     * Lets a quarantined builder build again; its disagreements start from zero, so that the next
     * quarantine takes as many as the first.
     *
     * @return the record after clearing; empty when the builder has none
     */
    public Optional<BuilderReputation> clear(UUID builderId, String by) {
        return sql.execute(
                "clearing a builder's quarantine",
                """
                update builder_reputation set quarantined_at = null, quarantine_reason = null,
                    disagreed = 0, cleared_at = now(), cleared_by = ?, updated_at = now()
                where builder_id = ?
                returning %s
                """
                        .formatted(COLUMNS),
                (connection, statement) -> {
                    statement.setString(1, by);
                    statement.setObject(2, builderId);
                    return one(statement);
                });
    }

    public Optional<BuilderReputation> find(UUID builderId) {
        return sql.execute(
                "reading a builder's reputation",
                "select %s from builder_reputation where builder_id = ?".formatted(COLUMNS),
                (connection, statement) -> {
                    statement.setObject(1, builderId);
                    return one(statement);
                });
    }

    /** Every builder with a record, quarantined ones first, then by disagreements. */
    public List<BuilderReputation> all(int limit) {
        return sql.execute(
                "listing builders' reputations",
                ("select %s from builder_reputation"
                                + " order by quarantined_at is null, disagreed desc, builder_id"
                                + " limit ?")
                        .formatted(COLUMNS),
                (connection, statement) -> {
                    statement.setInt(1, limit);
                    List<BuilderReputation> all = new ArrayList<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            all.add(reputation(row));
                        }
                    }
                    return all;
                });
    }

    /**
     * Succeeded jobs of the builder whose artifacts no other build confirmed: built once, or in a
     * reproduction that did not agree. Flagged once the builder is quarantined.
     */
    public List<UUID> unconfirmedJobs(UUID builderId, int limit) {
        return sql.execute(
                "listing a builder's unconfirmed jobs",
                """
                select id from job
                where builder_id = ? and state = 'succeeded'
                  and (reproduction_group is null or reproduction_verdict <> 'reproduced')
                order by finished_at desc
                limit ?
                """,
                (connection, statement) -> {
                    statement.setObject(1, builderId);
                    statement.setInt(2, limit);
                    List<UUID> ids = new ArrayList<>();
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            ids.add(row.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                });
    }

    /** How many builders are quarantined now, for the gauge. */
    public long quarantinedCount() {
        return sql.execute(
                "counting quarantined builders",
                "select count(*) from builder_reputation where quarantined_at is not null",
                (connection, statement) -> {
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        return row.getLong(1);
                    }
                });
    }

    private static Optional<BuilderReputation> one(java.sql.PreparedStatement statement)
            throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            return row.next() ? Optional.of(reputation(row)) : Optional.empty();
        }
    }

    private static BuilderReputation reputation(ResultSet row) throws SQLException {
        Timestamp quarantined = row.getTimestamp(5);
        Timestamp cleared = row.getTimestamp(7);
        return new BuilderReputation(
                row.getObject(1, UUID.class),
                row.getInt(2),
                row.getInt(3),
                row.getInt(4),
                quarantined == null ? null : quarantined.toInstant(),
                row.getString(6),
                cleared == null ? null : cleared.toInstant(),
                row.getString(8));
    }
}
