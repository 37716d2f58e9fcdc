package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.assignment.JobClaimRepository;
import dev.crateforge.scheduler.lifecycle.JobFacts;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Jobs, with the few statements that must be single SQL statements to stay correct across replicas:
 * the idempotent insert and the sweep (the claim is {@link JobClaimRepository}).
 */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<Job, UUID> {

    /**
     * Inserts a queued job unless one with the same identity exists. The crate's turn is the later
     * of "one after its last queued job" and "the turn being served now", which interleaves crates
     * round-robin without a window function in the claim.
     *
     * @return true if this call created the job
     */
    public boolean insertIfAbsent(Job job) {
        int rows =
                getEntityManager()
                        .createNativeQuery(
                                """
                                insert into job (id, crate, version, source_url, source_sha256,
                                    target, kind, priority, fair_turn, state, attempt, max_attempts,
                                    reproduce)
                                values (:id, :crate, :version, :sourceUrl, :sha, :target, :kind,
                                    :priority,
                                    greatest(
                                      coalesce((select max(fair_turn) + 1 from job
                                                where crate = :crate and state = 'queued'), 0),
                                      coalesce((select min(fair_turn) from job
                                                where state = 'queued'), 0)),
                                    'queued', 1, :maxAttempts, :reproduce)
                                on conflict on constraint job_identity do nothing
                                """)
                        .setParameter("id", job.id)
                        .setParameter("crate", job.crate)
                        .setParameter("version", job.version)
                        .setParameter("sourceUrl", job.sourceUrl)
                        .setParameter("sha", job.sourceSha256)
                        .setParameter("target", job.target)
                        .setParameter("kind", job.kind.wireName())
                        .setParameter("priority", job.priority)
                        .setParameter("maxAttempts", job.maxAttempts)
                        .setParameter("reproduce", job.reproduce)
                        .executeUpdate();
        return rows == 1;
    }

    public Optional<Job> findByIdentity(
            String crate, String version, String sourceSha256, String target, ArtifactKind kind) {
        return find(
                        "crate = :crate and version = :version and sourceSha256 = :sha"
                                + " and target = :target and kind = :kind and replica = 0",
                        Parameters.with("crate", crate)
                                .and("version", version)
                                .and("sha", sourceSha256)
                                .and("target", target)
                                .and("kind", kind))
                .firstResultOptional();
    }

    /**
     * Locks a batch of live jobs whose lease ran out, whose builder stayed away past the grace
     * period, or whose completion waited too long for its artifacts (while a completion waits, only
     * that wait can run out: the same rule as {@code JobLifecycle}'s, so that rows it would leave
     * alone are not picked again and again). Rows another replica is sweeping are skipped.
     */
    @SuppressWarnings("unchecked")
    public List<Job> lockOverdue(Duration disconnectGrace, Duration completionWait, int limit) {
        List<Object> ids =
                getEntityManager()
                        .createNativeQuery(
                                """
                                select id from job
                                where state in ('assigned', 'running')
                                  and (completion_seen_at < now() - make_interval(secs => :wait)
                                       or (completion_seen_at is null
                                           and (lease_expires_at < now()
                                                or disconnected_at
                                                   < now() - make_interval(secs => :grace))))
                                order by lease_expires_at
                                limit :limit
                                for update skip locked
                                """)
                        .setParameter("grace", (double) disconnectGrace.toMillis() / 1000.0)
                        .setParameter("wait", (double) completionWait.toMillis() / 1000.0)
                        .setParameter("limit", limit)
                        .getResultList();
        List<Job> jobs = new ArrayList<>(ids.size());
        for (Object id : ids) {
            jobs.add(findById((UUID) id));
        }
        return jobs;
    }

    /** A job's attempt holder, read without a lock. */
    public record Holder(JobState state, int attempt, UUID builderId) {

        /** The facts of job {@code id} that say who holds which attempt. */
        public JobFacts facts(UUID id) {
            return JobFacts.holder(id, state, attempt, builderId);
        }
    }

    /**
     * Who holds the job now, without locking the row. Records of stale attempts are turned away on
     * this, so that they never lock a queued job that a concurrent claim would then skip.
     */
    @SuppressWarnings("unchecked")
    public Optional<Holder> holder(UUID id) {
        List<Object[]> rows =
                getEntityManager()
                        .createNativeQuery(
                                "select state, attempt, builder_id from job where id = :id")
                        .setParameter("id", id)
                        .getResultList();
        return rows.stream()
                .findFirst()
                .map(
                        r ->
                                new Holder(
                                        JobState.fromWireName((String) r[0]),
                                        ((Number) r[1]).intValue(),
                                        (UUID) r[2]));
    }

    /** The job, locked for the rest of the transaction. */
    public Optional<Job> lock(UUID id) {
        return findByIdOptional(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** Ids of the live jobs held through one connection. */
    @SuppressWarnings("unchecked")
    public List<UUID> liveOnConnection(String connectionId) {
        return getEntityManager()
                .createNativeQuery(
                        "select id from job where connection_id = :c"
                                + " and state in ('assigned', 'running') order by id")
                .setParameter("c", connectionId)
                .getResultList();
    }

    /** Ids of the live jobs held through any connection of one gateway process. */
    @SuppressWarnings("unchecked")
    public List<UUID> liveOnGateway(String gatewayInstance) {
        return getEntityManager()
                .createNativeQuery(
                        "select id from job where gateway_instance = :g"
                                + " and state in ('assigned', 'running') order by id")
                .setParameter("g", gatewayInstance)
                .getResultList();
    }

    /** One page of jobs, newest first, filtered by whatever is present. */
    public List<Job> search(
            Optional<JobState> state,
            Optional<String> crate,
            Optional<UUID> builder,
            int pageIndex,
            int pageSize) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        state.ifPresent(
                s -> {
                    where.append(" and state = :state");
                    params.and("state", s);
                });
        crate.ifPresent(
                c -> {
                    where.append(" and crate = :crate");
                    params.and("crate", c);
                });
        builder.ifPresent(
                b -> {
                    where.append(" and builderId = :builder");
                    params.and("builder", b);
                });
        return find(where.toString(), Sort.descending("createdAt").and("id"), params)
                .page(Page.of(pageIndex, pageSize))
                .list();
    }

    /**
     * Live jobs (queued, assigned, running) per (state, target), for the queue-depth gauges. Only
     * live states: finished jobs accumulate forever, and counting them made this query grow with
     * the job history (180 ms at 100,000 jobs) where it now reads the small {@code
     * job_live_state_target_idx}. Still, a deep queue means a scan of every queued job: it runs
     * without parallel workers, which would take every core of the database for a background gauge
     * and stall the assignments waiting behind it (a 100,000-job queue: ~40 ms on one core instead
     * of ~90 ms on all of them, seen as 100-200 ms assignment stalls every 15 s).
     */
    @SuppressWarnings("unchecked")
    public Map<List<String>, Long> countLiveByStateAndTarget() {
        getEntityManager()
                .createNativeQuery(
                        "select set_config('max_parallel_workers_per_gather', '0', true)")
                .getSingleResult();
        List<Object[]> rows =
                getEntityManager()
                        .createNativeQuery(
                                "select state, target, count(*) from job"
                                        + " where state in ('queued', 'assigned', 'running')"
                                        + " group by state, target")
                        .getResultList();
        Map<List<String>, Long> counts = new java.util.HashMap<>();
        for (Object[] row : rows) {
            counts.put(List.of((String) row[0], (String) row[1]), ((Number) row[2]).longValue());
        }
        return counts;
    }

    /**
     * Whether a build of this source is assigned or running now: the source proxy serves a signed
     * URL only then. Reads the identity index, whose prefix this is.
     */
    public boolean isBeingBuilt(String crate, String version, String sourceSha256) {
        return count(
                        "crate = ?1 and version = ?2 and sourceSha256 = ?3 and state in ?4",
                        crate,
                        version,
                        sourceSha256,
                        java.util.List.of(JobState.ASSIGNED, JobState.RUNNING))
                > 0;
    }

    /**
     * Queued jobs whose backoff ended in (since, now]: they can be claimed again. Only requeued
     * jobs have {@code not_before} after their creation; the condition lets the query use the small
     * {@code job_backoff_idx} (new jobs are announced when they are submitted).
     */
    public boolean anyBecameEligibleSince(java.time.Instant since) {
        return getEntityManager()
                        .createNativeQuery(
                                "select 1 from job where state = 'queued' and not_before > :since"
                                        + " and not_before <= now() and not_before > created_at"
                                        + " limit 1")
                        .setParameter("since", since)
                        .getResultList()
                        .size()
                > 0;
    }
}
