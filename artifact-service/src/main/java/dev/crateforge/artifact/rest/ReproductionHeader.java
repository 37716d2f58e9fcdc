package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.protocol.kafka.Reproduction;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code CrateForge-Reproduction: <verdict>; released=<true|false>; group=<uuid>; builds=<n>} on
 * every by-job answer of a job that is one of several builds that must agree. The by-job paths
 * serve a withheld build's files to investigators; the header says so, so that nobody takes them
 * for a published build. Absent for a job built once.
 */
final class ReproductionHeader {

    static final String NAME = "CrateForge-Reproduction";

    private ReproductionHeader() {}

    /** The header's value for a build of a reproduction. */
    static String value(Reproduction r) {
        return r.verdict().wireName()
                + "; released="
                + r.released()
                + "; group="
                + r.group()
                + "; builds="
                + r.builds();
    }

    /** {@code answer} with the header if {@code job} is part of a reproduction. */
    static Response on(Response answer, Optional<JobAttempt> job) {
        Optional<Reproduction> reproduction = job.flatMap(JobAttempt::reproduction);
        if (reproduction.isEmpty()) {
            return answer;
        }
        return Response.fromResponse(answer).header(NAME, value(reproduction.get())).build();
    }
}
