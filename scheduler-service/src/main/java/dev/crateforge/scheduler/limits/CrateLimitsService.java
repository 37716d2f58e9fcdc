package dev.crateforge.scheduler.limits;

import dev.crateforge.protocol.job.JobLimitsOverride;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Per-crate limits set by operators: every change is written with its audit row in one transaction
 * and logged, and from the next claim on, every assignment of the crate carries them ({@code
 * AssignmentService}); attempts already running keep the limits they started with.
 */
@ApplicationScoped
@Transactional
public class CrateLimitsService {

    private final CrateLimitsRepository repository;

    public CrateLimitsService(CrateLimitsRepository repository) {
        this.repository = repository;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public CrateLimits get(String crate) {
        return repository.find(crate).orElseThrow(() -> new CrateLimitsNotFoundException(crate));
    }

    public CrateLimits set(String crate, JobLimitsOverride limits, String actor) {
        repository.upsert(crate, limits, actor);
        Log.infof("crate limits of %s set by %s: %s", crate, actor, limits);
        return get(crate);
    }

    public void remove(String crate, String actor) {
        if (!repository.delete(crate, actor)) {
            throw new CrateLimitsNotFoundException(crate);
        }
        Log.infof("crate limits of %s removed by %s", crate, actor);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CrateLimits.Change> history(String crate) {
        return repository.changes(crate);
    }
}
