package dev.crateforge.scheduler.limits;

import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.scheduler.job.JobHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code crate_limits} table and its audit trail {@code crate_limits_change}, through the
 * entity manager of the caller's transaction so that a change and its audit row commit together.
 */
@ApplicationScoped
public class CrateLimitsRepository {

    private static final String COLUMNS =
            "crate, memory_bytes, cpu_seconds, processes, disk_bytes, log_bytes,"
                    + " no_output_seconds, updated_by, updated_at";

    private final EntityManager em;

    public CrateLimitsRepository(EntityManager em) {
        this.em = em;
    }

    @SuppressWarnings("unchecked")
    public Optional<CrateLimits> find(String crate) {
        List<Object[]> rows =
                em.createNativeQuery(
                                "select " + COLUMNS + " from crate_limits where crate = :crate")
                        .setParameter("crate", crate)
                        .getResultList();
        return rows.stream().findFirst().map(CrateLimitsRepository::limits);
    }

    /** The limits of those of {@code crates} that have any, with one primary-key look-up. */
    @SuppressWarnings("unchecked")
    public Map<String, JobLimitsOverride> forCrates(Collection<String> crates) {
        Map<String, JobLimitsOverride> found = new HashMap<>();
        if (crates.isEmpty()) {
            return found;
        }
        List<Object[]> rows =
                em.createNativeQuery(
                                "select " + COLUMNS + " from crate_limits where crate in (:crates)")
                        .setParameter("crates", crates)
                        .getResultList();
        for (Object[] row : rows) {
            CrateLimits limits = limits(row);
            found.put(limits.crate(), limits.limits());
        }
        return found;
    }

    public void upsert(String crate, JobLimitsOverride limits, String actor) {
        em.createNativeQuery(
                        "insert into crate_limits (crate, memory_bytes, cpu_seconds, processes,"
                                + " disk_bytes, log_bytes, no_output_seconds, updated_by)"
                                + " values (:crate, cast(:memory as bigint), cast(:cpu as bigint),"
                                + " cast(:processes as integer), cast(:disk as bigint),"
                                + " cast(:log as bigint), cast(:silence as bigint), :actor)"
                                + " on conflict (crate) do update set"
                                + " memory_bytes = excluded.memory_bytes,"
                                + " cpu_seconds = excluded.cpu_seconds,"
                                + " processes = excluded.processes,"
                                + " disk_bytes = excluded.disk_bytes,"
                                + " log_bytes = excluded.log_bytes,"
                                + " no_output_seconds = excluded.no_output_seconds,"
                                + " updated_by = excluded.updated_by, updated_at = now()")
                .setParameter("crate", crate)
                .setParameter("memory", limits.memoryBytes())
                .setParameter("cpu", limits.cpuSeconds())
                .setParameter("processes", limits.processes())
                .setParameter("disk", limits.diskBytes())
                .setParameter("log", limits.logBytes())
                .setParameter("silence", limits.noOutputSeconds())
                .setParameter("actor", actor)
                .executeUpdate();
        recordChange(crate, actor, "set", ProtocolJson.encode(limits));
    }

    /** Removes the crate's limits; false when it had none. */
    public boolean delete(String crate, String actor) {
        int deleted =
                em.createNativeQuery("delete from crate_limits where crate = :crate")
                        .setParameter("crate", crate)
                        .executeUpdate();
        if (deleted > 0) {
            recordChange(crate, actor, "removed", null);
        }
        return deleted > 0;
    }

    /** The crate's changes, oldest first. */
    @SuppressWarnings("unchecked")
    public List<CrateLimits.Change> changes(String crate) {
        List<Object[]> rows =
                em.createNativeQuery(
                                "select crate, actor, action, limits, changed_at"
                                        + " from crate_limits_change where crate = :crate"
                                        + " order by id")
                        .setParameter("crate", crate)
                        .getResultList();
        return rows.stream()
                .map(
                        r ->
                                new CrateLimits.Change(
                                        (String) r[0],
                                        (String) r[1],
                                        (String) r[2],
                                        r[3] == null ? null : decode((String) r[3]),
                                        JobHistory.instant(r[4])))
                .toList();
    }

    private void recordChange(String crate, String actor, String action, String limits) {
        em.createNativeQuery(
                        "insert into crate_limits_change (crate, actor, action, limits)"
                                + " values (:crate, :actor, :action, :limits)")
                .setParameter("crate", crate)
                .setParameter("actor", actor)
                .setParameter("action", action)
                .setParameter("limits", limits)
                .executeUpdate();
    }

    private static CrateLimits limits(Object[] r) {
        return new CrateLimits(
                (String) r[0],
                new JobLimitsOverride(
                        number(r[1]),
                        number(r[2]),
                        r[3] == null ? null : ((Number) r[3]).intValue(),
                        number(r[4]),
                        number(r[5]),
                        number(r[6])),
                (String) r[7],
                JobHistory.instant(r[8]));
    }

    private static Long number(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    private static JobLimitsOverride decode(String json) {
        try {
            return ProtocolJson.decode(json, JobLimitsOverride.class);
        } catch (ProtocolDecodeException e) {
            throw new IllegalStateException("crate_limits_change holds unreadable limits", e);
        }
    }
}
