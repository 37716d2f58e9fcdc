package dev.crateforge.scheduler.api;

import dev.crateforge.scheduler.queue.QueueService;
import dev.crateforge.scheduler.queue.QueueSummary;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The queue at a glance: depth per target, priority and kind, slots and drain estimates. */
@Path("/api/v1/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class QueueResource {

    private final QueueService queue;

    public QueueResource(QueueService queue) {
        this.queue = queue;
    }

    @GET
    @PermitAll
    @Operation(summary = "Queue depth per target, priority and kind, with slots and estimates")
    public QueueSummary summary() {
        return queue.summary();
    }
}
