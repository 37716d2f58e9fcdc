package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.list;

import java.util.List;

/** Jobs assigned to the builder, in answer to its {@link JobRequest}. */
public record Jobs(List<JobAssignment> jobs) implements ServerMessage {

    public Jobs {
        jobs = list(jobs, "jobs", 64);
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("field 'jobs' is empty");
        }
    }
}
