package dev.crateforge.scheduler.reproduction;

import static dev.crateforge.scheduler.api.Parameters.uuid;

import dev.crateforge.scheduler.api.BadParameterException;
import dev.crateforge.scheduler.api.JobView;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.job.JobNotFoundException;
import dev.crateforge.scheduler.job.JobRepository;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reproductions: what their builds came to, and the operator's release and extra build. */
@Path("/api/v1/reproductions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reproductions")
public class ReproductionResource {

    /** Which build of a disagreed reproduction to publish. */
    public record Release(String jobId) {}

    private final ReproductionService service;
    private final ReproductionRepository reproductions;
    private final JobRepository jobs;
    private final SecurityIdentity identity;

    public ReproductionResource(
            ReproductionService service,
            ReproductionRepository reproductions,
            JobRepository jobs,
            SecurityIdentity identity) {
        this.service = service;
        this.reproductions = reproductions;
        this.jobs = jobs;
        this.identity = identity;
    }

    @GET
    @Path("{group}")
    @PermitAll
    @Transactional
    @Operation(summary = "A reproduction's verdict and each build's outcome and digests")
    public ReproductionView get(@PathParam("group") String group) {
        return view(uuid("group", group));
    }

    @POST
    @Path("{group}/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(
            summary =
                    "Publish one succeeded build of a reproduction that did not agree (recorded in"
                            + " the operator audit)")
    public ReproductionView release(@PathParam("group") String group, Release release) {
        if (release == null || release.jobId() == null) {
            throw new BadParameterException("jobId", "field 'jobId' is missing");
        }
        UUID id = uuid("group", group);
        service.release(id, uuid("jobId", release.jobId()), actor());
        return view(id);
    }

    @POST
    @Path("{group}/builds")
    @RolesAllowed("admin")
    @Operation(
            summary =
                    "Queue one more build of a settled reproduction; the verdict is taken again"
                            + " over all builds")
    public JobView addBuild(@PathParam("group") String group) {
        return JobView.of(service.addBuild(uuid("group", group), actor()));
    }

    private ReproductionView view(UUID group) {
        List<Job> builds =
                jobs.list("reproductionGroup", group).stream()
                        .sorted(Comparator.comparingInt((Job b) -> b.replica))
                        .toList();
        if (builds.isEmpty()) {
            throw new JobNotFoundException(group);
        }
        Map<UUID, BuildOutcome> outcomes =
                reproductions.outcomes(group).stream()
                        .collect(Collectors.toMap(BuildOutcome::jobId, Function.identity()));
        Job first = builds.get(0);
        return new ReproductionView(
                group,
                first.reproduce,
                first.reproductionVerdict,
                builds.stream()
                        .filter(b -> b.reproductionReleased)
                        .map(b -> b.id)
                        .findFirst()
                        .orElse(null),
                builds.stream()
                        .map(
                                b ->
                                        new ReproductionView.BuildView(
                                                b.id,
                                                b.builderId,
                                                b.state.wireName(),
                                                b.failureCode,
                                                outcomes.get(b.id).digests(),
                                                b.reproductionReleased))
                        .toList());
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }
}
