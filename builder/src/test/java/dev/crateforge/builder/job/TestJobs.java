package dev.crateforge.builder.job;

import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.message.JobAssignment;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** Runners and assignments for whole job attempts against a loopback {@link HttpFixture}. */
final class TestJobs {

    static final String TARGET = "x86_64-unknown-linux-gnu";
    static final String TOKEN = "job-token-for-tests";

    private TestJobs() {}

    static JobRunner runner(
            HttpClient client, Path cargo, Sandbox sandbox, Path workDir, JobLimits limits)
            throws Exception {
        Path work = Files.createDirectories(workDir);
        return new JobRunner(
                work,
                limits,
                new SourceFetcher(client, limits.maxSourceBytes()),
                new CrateArchiveExtractor(limits.maxExtractedBytes(), limits.maxEntries()),
                new CargoRunner(cargo, sandbox, false, limits, ProcessLimits.detect()),
                new ArtifactPacker(limits.maxArtifactBytes()),
                new ArtifactUploader(client, Duration.ofSeconds(5), message -> {}),
                false);
    }

    /** An attempt of {@code crate@version} served by {@code http}, with a 600 s budget. */
    static JobAssignment job(
            HttpFixture http, String crate, String version, byte[] source, ArtifactKind kind) {
        UUID jobId = UUID.randomUUID();
        return new JobAssignment(
                jobId,
                1,
                crate,
                version,
                http.serve(crate + "-" + version + ".crate", source).toString(),
                SourceFetcherTests.sha256(source),
                TARGET,
                kind,
                http.url("/upload/" + jobId + "/" + kind.wireName()).toString(),
                TOKEN,
                600,
                null);
    }
}
