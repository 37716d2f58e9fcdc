package dev.crateforge.scheduler.audit;

import dev.crateforge.protocol.job.Naming;
import dev.crateforge.scheduler.api.BadParameterException;
import dev.crateforge.scheduler.audit.OperatorAudit.TargetKind;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit of operator actions for admins, newest first, paged by id: {@code before} is the
 * smallest id of the page read last.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditResource {

    static final int LIMIT_MAX = 500;

    private final OperatorAudit audit;

    public AuditResource(OperatorAudit audit) {
        this.audit = audit;
    }

    @GET
    @RolesAllowed("admin")
    @Transactional(Transactional.TxType.SUPPORTS)
    @Operation(
            summary =
                    "Operator actions (who, what, old and new value, when), newest first; of one"
                            + " job or one crate when asked")
    public List<AuditEntry> newest(
            @QueryParam("job") String job,
            @QueryParam("crate") String crate,
            @QueryParam("before") Long before,
            @QueryParam("limit") Integer limit) {
        if (job != null && crate != null) {
            throw new BadParameterException("job", "give 'job' or 'crate', not both");
        }
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > LIMIT_MAX) {
            throw new BadParameterException(
                    "limit", "query parameter 'limit' must be between 1 and " + LIMIT_MAX);
        }
        if (before != null && before < 1) {
            throw new BadParameterException("before", "query parameter 'before' must be 1 or more");
        }
        long beforeId = before == null ? Long.MAX_VALUE : before;
        if (job != null) {
            return audit.newest(
                    Optional.of(TargetKind.JOB), Optional.of(jobId(job)), beforeId, max);
        }
        if (crate != null) {
            if (!Naming.isCrateName(crate)) {
                throw new BadParameterException(
                        "crate", "query parameter 'crate' is not a crate name");
            }
            return audit.newest(Optional.of(TargetKind.CRATE), Optional.of(crate), beforeId, max);
        }
        return audit.newest(Optional.empty(), Optional.empty(), beforeId, max);
    }

    private static String jobId(String value) {
        try {
            return UUID.fromString(value).toString();
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("job", "query parameter 'job' is not a UUID");
        }
    }
}
