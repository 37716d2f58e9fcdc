package dev.crateforge.builder.job;

import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.LogStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one job attempt from source URL to uploaded artifact: fetch and verify, extract, build,
 * pack, upload. Each step is its own class; this one only orders them, reports stages and turns
 * every failure into a {@link JobOutcome} with a readable reason and a {@link FailureCode} that
 * says whose fault it was. The job directory is private to the attempt and removed afterwards.
 */
public final class JobRunner {

    private final Path workDir;
    private final JobLimits limits;
    private final SourceFetcher fetcher;
    private final CrateArchiveExtractor extractor;
    private final CargoRunner cargo;
    private final ArtifactPacker packer;
    private final ArtifactUploader uploader;
    private final boolean keepWorkDirs;

    public JobRunner(
            Path workDir,
            JobLimits limits,
            SourceFetcher fetcher,
            CrateArchiveExtractor extractor,
            CargoRunner cargo,
            ArtifactPacker packer,
            ArtifactUploader uploader,
            boolean keepWorkDirs) {
        this.workDir = workDir;
        this.limits = limits;
        this.fetcher = fetcher;
        this.extractor = extractor;
        this.cargo = cargo;
        this.packer = packer;
        this.uploader = uploader;
        this.keepWorkDirs = keepWorkDirs;
    }

    /**
     * The runner the settings describe.
     *
     * @param sourceClient fetches sources (follows redirects, as registries use them)
     * @param uploadClient uploads with the job token (never follows a redirect with it)
     * @param alarm where a fault that only a person can fix is told loudly
     */
    public static JobRunner create(
            BuilderSettings settings,
            HttpClient sourceClient,
            HttpClient uploadClient,
            Sandbox sandbox,
            Consumer<String> alarm) {
        JobLimits limits = settings.limits();
        return new JobRunner(
                settings.workDir(),
                limits,
                new SourceFetcher(sourceClient, limits.maxSourceBytes()),
                new CrateArchiveExtractor(limits.maxExtractedBytes(), limits.maxEntries()),
                new CargoRunner(
                        settings.cargo(),
                        sandbox,
                        settings.allowNetwork(),
                        limits,
                        ProcessLimits.detect()),
                new ArtifactPacker(limits.maxArtifactBytes()),
                new ArtifactUploader(uploadClient, settings.uploadRetryBudget(), alarm),
                settings.keepWorkDirs());
    }

    /** True when builds run inside the bubblewrap sandbox. */
    public boolean sandboxed() {
        return cargo.sandboxed();
    }

    /** The cargo executable builds run with. */
    public Path cargo() {
        return cargo.cargo();
    }

    /** Which kernel mechanism bounds the memory, CPU time and file size of builds. */
    public ProcessLimits processLimits() {
        return cargo.processLimits();
    }

    /** The builder's own caps: those of an attempt without an override, and their maxima. */
    public JobLimits limits() {
        return limits;
    }

    /** The caps {@code job} runs under: the builder's own with the assignment's override. */
    public JobLimits limitsFor(JobAssignment job) {
        return limits.forJob(job.limits(), capped -> {});
    }

    /**
     * Runs the attempt.
     *
     * @throws JobAbandoned when it was cancelled or its upload was refused as no longer this
     *     builder's: nothing more is to be sent for it
     */
    public JobOutcome run(JobAssignment job, JobReporter reporter, JobControl control)
            throws JobAbandoned, InterruptedException {
        control.attach(Thread.currentThread());
        Path jobDir = workDir.resolve("jobs").resolve(job.jobId() + "-" + job.attempt());
        try {
            deleteTree(jobDir);
            Files.createDirectories(jobDir);
            return steps(job, jobDir, reporter, control);
        } catch (JobFailure e) {
            control.checkNotCancelled();
            reporter.log(LogStream.BUILDER, "failed (" + e.code() + "): " + e.getMessage());
            return JobOutcome.failed(e);
        } catch (IOException e) {
            control.checkNotCancelled();
            // the job directory, the disk or the file system: this machine's fault
            String reason = "builder I/O error: " + JobFailure.describe(e);
            reporter.log(
                    LogStream.BUILDER, "failed (" + FailureCode.INFRASTRUCTURE + "): " + reason);
            return JobOutcome.failed(FailureCode.INFRASTRUCTURE, reason);
        } catch (InterruptedException e) {
            control.checkNotCancelled();
            throw e;
        } finally {
            control.detach();
            Thread.interrupted(); // a cancel may have interrupted us after the last blocking call
            if (!keepWorkDirs) {
                try {
                    deleteTree(jobDir);
                } catch (IOException e) {
                    // a later attempt with the same directory deletes it first
                }
            }
        }
    }

    private JobOutcome steps(
            JobAssignment job, Path jobDir, JobReporter reporter, JobControl control)
            throws JobFailure, JobAbandoned, InterruptedException, IOException {
        Duration budget = Duration.ofSeconds(job.timeoutSeconds());
        if (budget.compareTo(limits.maxJobTime()) > 0) {
            budget = limits.maxJobTime();
        }
        Instant deadline = Instant.now().plus(budget);
        JobLimits jobLimits =
                limits.forJob(job.limits(), capped -> reporter.log(LogStream.BUILDER, capped));
        CargoRunner cargo = this.cargo;
        if (job.limits() != null) {
            cargo = cargo.withLimits(jobLimits);
            reporter.log(LogStream.BUILDER, "limits of this crate: " + job.limits());
        }

        reporter.stage(BuildStage.FETCHING);
        Path source = jobDir.resolve("source.crate");
        URI sourceUrl = uri(job.sourceUrl(), "source", FailureCode.SOURCE_MISMATCH);
        long size = fetcher.fetch(sourceUrl, job.sourceSha256(), source, remaining(deadline));
        reporter.log(
                LogStream.BUILDER,
                "fetched " + size + " bytes, SHA-256 " + job.sourceSha256() + " verified");
        control.checkNotCancelled();

        reporter.stage(BuildStage.EXTRACTING);
        Path sourceRoot = jobDir.resolve("src");
        CrateArchiveExtractor.Extracted extracted = extractor.extract(source, sourceRoot);
        Path crateDir = sourceRoot.resolve(job.crate() + "-" + job.version());
        if (!Files.isRegularFile(crateDir.resolve("Cargo.toml"))) {
            throw new JobFailure(
                    FailureCode.SOURCE_MISMATCH,
                    "source archive has no "
                            + job.crate()
                            + "-"
                            + job.version()
                            + "/Cargo.toml (not a .crate file?)");
        }
        long sourceDateEpoch = extracted.sourceDateEpoch();
        reporter.log(
                LogStream.BUILDER,
                "extracted "
                        + extracted.entries()
                        + " entries; SOURCE_DATE_EPOCH="
                        + sourceDateEpoch
                        + " (the newest entry's time)");
        control.checkNotCancelled();

        reporter.stage(BuildStage.BUILDING);
        Path out = Files.createDirectories(jobDir.resolve("out"));
        Path metadata = out.resolve("metadata.json");
        cargo.metadata(crateDir, jobDir, metadata, sourceDateEpoch, deadline, reporter, control);
        Path artifact;
        if (job.kind() == ArtifactKind.METADATA) {
            artifact = metadata;
        } else if (job.kind() == ArtifactKind.BINARY) {
            List<String> binaries = CargoRunner.binaryNames(metadata);
            if (binaries.isEmpty()) {
                throw new JobFailure(FailureCode.BUILD_FAILED, "the crate has no binary target");
            }
            Path releaseDir =
                    cargo.build(
                            crateDir,
                            jobDir,
                            job.target(),
                            sourceDateEpoch,
                            deadline,
                            reporter,
                            control);
            reporter.stage(BuildStage.PACKAGING);
            artifact = out.resolve("binary.tar.gz");
            List<String> packed = packer.pack(releaseDir, binaries, artifact, sourceDateEpoch);
            reporter.log(LogStream.BUILDER, "packed " + String.join(", ", packed));
        } else {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE, "this builder cannot build kind " + job.kind());
        }
        control.checkNotCancelled();

        ArtifactDigest digest =
                new ArtifactDigest(job.kind(), Sha256.ofFile(artifact), Files.size(artifact));
        reporter.stage(BuildStage.UPLOADING);
        uploader.upload(
                uri(job.uploadUrl(), "upload", FailureCode.INFRASTRUCTURE),
                job.jobToken(),
                artifact,
                digest,
                job.kind().mediaType(),
                deadline,
                sent -> reporter.uploadProgress(sent, digest.size()),
                note -> reporter.log(LogStream.BUILDER, note));
        reporter.log(
                LogStream.BUILDER,
                "uploaded " + job.kind() + " sha256:" + digest.sha256() + " size:" + digest.size());
        return JobOutcome.succeeded(List.of(digest));
    }

    private static Duration remaining(Instant deadline) throws JobFailure {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new JobFailure(FailureCode.TIMEOUT, "the job's time budget ran out");
        }
        return left;
    }

    /**
     * @param fault whose fault a bad URL is: the submitter's for the source, CrateForge's for the
     *     upload URL it made
     */
    private static URI uri(String value, String what, FailureCode fault) throws JobFailure {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new JobFailure(fault, what + " URL is not a valid absolute URL");
        }
    }

    /** Removes a directory tree without following links out of it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e)
                            throws IOException {
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
