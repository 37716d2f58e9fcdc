package dev.crateforge.scheduler.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.protocol.job.JobLimitsOverride;
import dev.crateforge.scheduler.api.Parameters;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The operator API of per-crate limits: reading is public, setting and removing need the role
 * {@code admin}. The body is read field by field so that a misspelt limit is refused by name
 * instead of being silently dropped.
 */
@Path("/api/v1/crate-limits/{crate}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "crate limits")
public class CrateLimitsResource {

    private static final Set<String> FIELDS =
            Set.of(
                    "memoryBytes",
                    "cpuSeconds",
                    "processes",
                    "diskBytes",
                    "logBytes",
                    "noOutputSeconds");

    private final CrateLimitsService limits;
    private final SecurityIdentity identity;

    public CrateLimitsResource(CrateLimitsService limits, SecurityIdentity identity) {
        this.limits = limits;
        this.identity = identity;
    }

    @GET
    @PermitAll
    @Operation(summary = "The limits an operator set for the crate (404 when none)")
    public CrateLimits get(@PathParam("crate") String crate) {
        return limits.get(crateName(crate));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    @Operation(
            summary = "Set the crate's limits (replacing any before); later assignments carry them")
    public CrateLimits set(@PathParam("crate") String crate, JsonNode body) {
        return limits.set(crateName(crate), override(body), identity.getPrincipal().getName());
    }

    @DELETE
    @RolesAllowed("admin")
    @Operation(summary = "Remove the crate's limits: builders' defaults apply again")
    public void remove(@PathParam("crate") String crate) {
        limits.remove(crateName(crate), identity.getPrincipal().getName());
    }

    @GET
    @Path("history")
    @PermitAll
    @Operation(summary = "Who changed the crate's limits, to what and when, oldest first")
    public List<CrateLimits.Change> history(@PathParam("crate") String crate) {
        return limits.history(crateName(crate));
    }

    private static String crateName(String crate) {
        return Parameters.crateName("crate", crate);
    }

    /** The body as limits, refusing anything but an object of known integer fields in range. */
    static JobLimitsOverride override(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidCrateLimitsException("body", "request body must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!FIELDS.contains(field.getKey())) {
                throw new InvalidCrateLimitsException(
                        field.getKey(),
                        "unknown field '"
                                + field.getKey().substring(0, Math.min(64, field.getKey().length()))
                                + "'; known: "
                                + String.join(", ", FIELDS.stream().sorted().toList()));
            }
            JsonNode value = field.getValue();
            if (!value.isNull() && !(value.isIntegralNumber() && value.canConvertToLong())) {
                throw new InvalidCrateLimitsException(
                        field.getKey(), "field '" + field.getKey() + "' must be an integer");
            }
        }
        JobLimitsOverride override;
        try {
            override =
                    new JobLimitsOverride(
                            number(body, "memoryBytes"),
                            number(body, "cpuSeconds"),
                            processes(body),
                            number(body, "diskBytes"),
                            number(body, "logBytes"),
                            number(body, "noOutputSeconds"));
        } catch (IllegalArgumentException e) {
            throw new InvalidCrateLimitsException(fieldOf(e.getMessage()), e.getMessage());
        }
        if (override.setsNothing()) {
            throw new InvalidCrateLimitsException(
                    "body", "no limit is set; to remove the crate's limits, DELETE them");
        }
        return override;
    }

    private static Long number(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.longValue();
    }

    private static Integer processes(JsonNode body) {
        Long value = number(body, "processes");
        if (value != null && (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE)) {
            throw new InvalidCrateLimitsException(
                    "processes",
                    "field 'processes' must be between 1 and " + JobLimitsOverride.MAX_PROCESSES);
        }
        return value == null ? null : value.intValue();
    }

    /** The field a record's check named ("field 'x' must be …"). */
    private static String fieldOf(String message) {
        int start = message.indexOf('\'');
        int end = message.indexOf('\'', start + 1);
        return start >= 0 && end > start ? message.substring(start + 1, end) : "body";
    }
}
