package dev.crateforge.scheduler.support;

import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;

/** Fresh reads and direct writes for tests, each in its own transaction. */
@ApplicationScoped
public class Db {

    private final JobRepository jobs;
    private final EntityManager em;

    public Db(JobRepository jobs, EntityManager em) {
        this.jobs = jobs;
        this.em = em;
    }

    public Job job(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> jobs.findById(id));
    }

    public long count(String sql) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery(sql).getSingleResult()).longValue());
    }

    /** The one value the query answers. */
    public Object single(String sql) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(sql).getSingleResult());
    }

    /** Every row's first value. */
    public List<?> list(String sql) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(sql).getResultList());
    }

    public int execute(String sql) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(sql).executeUpdate());
    }
}
