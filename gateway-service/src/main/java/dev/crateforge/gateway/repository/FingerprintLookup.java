package dev.crateforge.gateway.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads one builder by key fingerprint: a single indexed query over plain JDBC, outside any
 * transaction. This is the handshake's registry read, and after a gateway restart every builder
 * that reconnects misses the cache; Hibernate with a JTA transaction around it cost several times
 * the query itself.
 */
@ApplicationScoped
public class FingerprintLookup {

    private static final String QUERY =
            "select id, name, public_key, key_type, fingerprint, enabled, allowed_targets,"
                    + " max_concurrent_jobs, created_at, owner from gateway.builder"
                    + " where fingerprint = ?";

    private final DataSource dataSource;

    public FingerprintLookup(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The registered builder with this fingerprint, as a detached row. Blocking. */
    public Optional<Builder> find(String fingerprint) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, fingerprint);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(builder(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("looking up a builder by fingerprint failed", e);
        }
    }

    private static Builder builder(ResultSet row) throws SQLException {
        Array targets = row.getArray("allowed_targets");
        try {
            Builder builder =
                    new Builder(
                            row.getObject("id", UUID.class),
                            row.getString("name"),
                            row.getString("public_key"),
                            row.getString("key_type"),
                            row.getString("fingerprint"),
                            row.getBoolean("enabled"),
                            List.of((String[]) targets.getArray()),
                            row.getInt("max_concurrent_jobs"),
                            row.getObject("created_at", OffsetDateTime.class).toInstant());
            builder.setOwner(row.getString("owner"));
            return builder;
        } finally {
            targets.free();
        }
    }
}
