package dev.crateforge.scheduler.audit;

import dev.crateforge.scheduler.job.JobHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The audit of operator actions ({@code operator_action}): written by the service methods that
 * carry the actions out, through the same entity manager and so in the same transaction as the
 * change itself; an action that is refused or rolled back leaves no row, and no change goes
 * unrecorded, whether it came from the console or from the API.
 */
@ApplicationScoped
public class OperatorAudit {

    /** What an action was done to. */
    public enum TargetKind {
        JOB("job"),
        CRATE("crate"),
        BUILDER("builder");

        private final String column;

        TargetKind(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    private final EntityManager em;

    public OperatorAudit(EntityManager em) {
        this.em = em;
    }

    /** Records an action on a job. */
    public void job(UUID job, String actor, String action, String oldValue, String newValue) {
        record(actor, action, TargetKind.JOB, job.toString(), oldValue, newValue);
    }

    /** Records an action on a crate. */
    public void crate(String crate, String actor, String action, String oldValue, String newValue) {
        record(actor, action, TargetKind.CRATE, crate, oldValue, newValue);
    }

    /** Records an action on a builder. */
    public void builder(
            UUID builder, String actor, String action, String oldValue, String newValue) {
        record(actor, action, TargetKind.BUILDER, builder.toString(), oldValue, newValue);
    }

    private void record(
            String actor,
            String action,
            TargetKind kind,
            String target,
            String oldValue,
            String newValue) {
        em.createNativeQuery(
                        "insert into operator_action (actor, action, target_kind, target,"
                                + " old_value, new_value)"
                                + " values (:actor, :action, :kind, :target, :old, :new)")
                .setParameter("actor", actor)
                .setParameter("action", action)
                .setParameter("kind", kind.column())
                .setParameter("target", target)
                .setParameter("old", oldValue)
                .setParameter("new", newValue)
                .executeUpdate();
    }

    /** The actions on one job, oldest first. */
    public List<AuditEntry> ofJob(UUID job) {
        return read(
                Optional.of(TargetKind.JOB),
                Optional.of(job.toString()),
                false,
                Long.MAX_VALUE,
                500);
    }

    /**
     * Actions newest first, before the id {@code beforeId} (for the next page), of one kind of
     * target or one target when given.
     */
    public List<AuditEntry> newest(
            Optional<TargetKind> kind, Optional<String> target, long beforeId, int limit) {
        return read(kind, target, true, beforeId, limit);
    }

    @SuppressWarnings("unchecked")
    private List<AuditEntry> read(
            Optional<TargetKind> kind,
            Optional<String> target,
            boolean newestFirst,
            long beforeId,
            int limit) {
        StringBuilder sql =
                new StringBuilder(
                        "select id, at, actor, action, target_kind, target, old_value, new_value"
                                + " from operator_action where id < :before");
        kind.ifPresent(k -> sql.append(" and target_kind = :kind"));
        target.ifPresent(t -> sql.append(" and target = :target"));
        sql.append(newestFirst ? " order by id desc" : " order by id").append(" limit :limit");
        Query query =
                em.createNativeQuery(sql.toString())
                        .setParameter("before", beforeId)
                        .setParameter("limit", limit);
        kind.ifPresent(k -> query.setParameter("kind", k.column()));
        target.ifPresent(t -> query.setParameter("target", t));
        List<Object[]> rows = query.getResultList();
        return rows.stream()
                .map(
                        r ->
                                new AuditEntry(
                                        ((Number) r[0]).longValue(),
                                        JobHistory.instant(r[1]),
                                        (String) r[2],
                                        (String) r[3],
                                        (String) r[4],
                                        (String) r[5],
                                        (String) r[6],
                                        (String) r[7]))
                .toList();
    }
}
