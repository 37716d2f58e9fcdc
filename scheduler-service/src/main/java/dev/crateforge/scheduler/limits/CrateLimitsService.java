package dev.crateforge.scheduler.limits;

import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.scheduler.audit.OperatorAudit;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/**
 * Per-crate limits set by operators: every change is written with its change row and its operator
 * audit row ({@link OperatorAudit}) in one transaction and logged, and from the next claim on,
 * every assignment of the crate carries them ({@code AssignmentService}); attempts already running
 * keep the limits they started with.
 */
@ApplicationScoped
@Transactional
public class CrateLimitsService {

    private final CrateLimitsRepository repository;
    private final OperatorAudit audit;

    public CrateLimitsService(CrateLimitsRepository repository, OperatorAudit audit) {
        this.repository = repository;
        this.audit = audit;
    }

    /** The crate's limits, when an operator set some. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<CrateLimits> find(String crate) {
        return repository.find(crate);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public CrateLimits get(String crate) {
        return repository.find(crate).orElseThrow(() -> new CrateLimitsNotFoundException(crate));
    }

    public CrateLimits set(String crate, JobLimitsOverride limits, String actor) {
        String before =
                repository.find(crate).map(l -> ProtocolJson.encode(l.limits())).orElse(null);
        repository.upsert(crate, limits, actor);
        audit.crate(crate, actor, "set-limits", before, ProtocolJson.encode(limits));
        Log.infof("crate limits of %s set by %s: %s", crate, actor, limits);
        return get(crate);
    }

    public void remove(String crate, String actor) {
        Optional<CrateLimits> before = repository.find(crate);
        if (before.isEmpty() || !repository.delete(crate, actor)) {
            throw new CrateLimitsNotFoundException(crate);
        }
        audit.crate(crate, actor, "clear-limits", ProtocolJson.encode(before.get().limits()), null);
        Log.infof("crate limits of %s removed by %s", crate, actor);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CrateLimits.Change> history(String crate) {
        return repository.changes(crate);
    }
}
