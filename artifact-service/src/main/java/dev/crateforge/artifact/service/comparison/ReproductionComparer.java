package dev.crateforge.artifact.service.comparison;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.crateforge.artifact.config.ArtifactConfig;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.StoredArtifact;
import dev.crateforge.artifact.service.BoundedRead;
import dev.crateforge.artifact.service.Deadline;
import dev.crateforge.artifact.service.DownloadService;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.artifact.service.ReproductionMember;
import dev.crateforge.artifact.service.comparison.OutputsComparison.KindComparison;
import dev.crateforge.artifact.service.comparison.OutputsComparison.Member;
import dev.crateforge.artifact.service.comparison.OutputsComparison.MissingEntry;
import dev.crateforge.artifact.service.comparison.OutputsComparison.Output;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.ReproductionVerdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Compares what the builds of a reproduction stored, reading their artifacts back from S3 as
 * streams: for a binary the listing of each archive (names, types, sizes, SHA-256 of contents) and
 * which entries differ or are missing; for metadata the JSON paths whose values differ. Bounded in
 * entries, bytes and time ({@link ArtifactConfig.Comparisons}); a bound reached marks the output
 * cut instead of failing the comparison. Holds no database connection while reading.
 */
@ApplicationScoped
public class ReproductionComparer {

    private final DownloadService downloads;
    private final ArtifactConfig config;
    private final ObjectMapper json;

    public ReproductionComparer(
            DownloadService downloads, ArtifactConfig config, ObjectMapper json) {
        this.downloads = downloads;
        this.config = config;
        this.json = json;
    }

    /** The comparison of {@code members}, the known builds of {@code group}. */
    public OutputsComparison compare(UUID group, List<ReproductionMember> members) {
        Deadline deadline = Deadline.in(config.comparisons().maxTime());
        Set<ArtifactKind> kinds = new LinkedHashSet<>();
        for (ReproductionMember m : members) {
            m.artifacts().forEach(a -> ArtifactKind.fromWireName(a.kind).ifPresent(kinds::add));
        }
        List<KindComparison> artifacts = new ArrayList<>();
        for (ArtifactKind kind : kinds) {
            artifacts.add(compare(kind, members, deadline));
        }
        JobAttempt any = members.get(0).job();
        return new OutputsComparison(
                group,
                "computed",
                ReproductionVerdict.DISAGREED.wireName(),
                any.reproductionBuilds,
                Instant.now(),
                members.stream()
                        .map(
                                m ->
                                        new Member(
                                                m.job().jobId,
                                                m.job().attempt,
                                                m.job().state,
                                                m.builderKeyFingerprint()))
                        .toList(),
                artifacts);
    }

    private KindComparison compare(
            ArtifactKind kind, List<ReproductionMember> members, Deadline deadline) {
        List<Optional<StoredArtifact>> stored =
                members.stream().map(m -> m.artifact(kind)).toList();
        boolean identical =
                stored.stream().allMatch(Optional::isPresent)
                        && stored.stream().map(a -> a.get().sha256).distinct().count() == 1;
        return kind == ArtifactKind.BINARY
                ? compareArchives(members, identical, deadline)
                : compareDocuments(members, identical, deadline);
    }

    /** Each build's output of a kind: {@code read} for those that stored one. */
    private static List<Output> outputs(
            List<ReproductionMember> members,
            ArtifactKind kind,
            BiFunction<UUID, StoredArtifact, Output> read) {
        return members.stream()
                .map(
                        m ->
                                m.artifact(kind)
                                        .map(a -> read.apply(m.job().jobId, a))
                                        .orElseGet(
                                                () ->
                                                        new Output(
                                                                m.job().jobId,
                                                                null,
                                                                null,
                                                                null,
                                                                null)))
                .toList();
    }

    private KindComparison compareArchives(
            List<ReproductionMember> members, boolean identical, Deadline deadline) {
        List<Output> outputs =
                outputs(
                        members,
                        ArtifactKind.BINARY,
                        (jobId, artifact) -> {
                            TarListing listing = list(artifact, deadline);
                            return new Output(
                                    jobId,
                                    artifact.sha256,
                                    artifact.size,
                                    listing.entries(),
                                    listing.cut());
                        });
        List<Output> listed = outputs.stream().filter(o -> o.entries() != null).toList();
        Map<String, List<Optional<TarListing.Entry>>> byName = new LinkedHashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            for (TarListing.Entry e : listed.get(i).entries()) {
                List<Optional<TarListing.Entry>> row =
                        byName.computeIfAbsent(e.name(), n -> emptyRow(listed.size()));
                if (row.get(i).isEmpty()) {
                    row.set(i, Optional.of(e));
                }
            }
        }
        List<String> differing = new ArrayList<>();
        List<MissingEntry> missing = new ArrayList<>();
        byName.forEach(
                (name, row) -> {
                    List<UUID> lacking = new ArrayList<>();
                    for (int i = 0; i < row.size(); i++) {
                        if (row.get(i).isEmpty()) {
                            lacking.add(listed.get(i).jobId());
                        }
                    }
                    if (!lacking.isEmpty()) {
                        missing.add(new MissingEntry(name, lacking));
                    } else if (row.stream().map(e -> sameness(e.get())).distinct().count() > 1) {
                        differing.add(name);
                    }
                });
        return new KindComparison(
                ArtifactKind.BINARY.wireName(), identical, outputs, differing, missing, null, null);
    }

    private TarListing list(StoredArtifact artifact, Deadline deadline) {
        try (InputStream bytes = downloads.open(artifact, Optional.empty())) {
            return TarListing.read(
                    bytes,
                    config.comparisons().maxEntries(),
                    config.limits().binaryMaxBytes(),
                    deadline);
        } catch (IOException e) {
            return new TarListing(List.of(), "not readable from the store");
        } catch (Rejection e) {
            return new TarListing(List.of(), "missing from the store");
        }
    }

    private static List<Optional<TarListing.Entry>> emptyRow(int size) {
        List<Optional<TarListing.Entry>> row = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            row.add(Optional.empty());
        }
        return row;
    }

    private static List<Object> sameness(TarListing.Entry e) {
        return Arrays.asList(e.type(), e.size(), e.sha256());
    }

    private KindComparison compareDocuments(
            List<ReproductionMember> members, boolean identical, Deadline deadline) {
        // Only documents read whole are compared; the others say why on their output.
        List<JsonNode> documents = new ArrayList<>();
        List<Output> outputs =
                outputs(
                        members,
                        ArtifactKind.METADATA,
                        (jobId, artifact) -> {
                            String cut;
                            try (InputStream bytes =
                                    new BoundedRead(
                                            downloads.open(artifact, Optional.empty()),
                                            config.limits().metadataMaxBytes(),
                                            deadline)) {
                                documents.add(
                                        Objects.requireNonNullElse(
                                                json.readTree(bytes), MissingNode.getInstance()));
                                cut = null;
                            } catch (BoundedRead.Cut e) {
                                cut = e.getMessage();
                            } catch (JsonProcessingException e) {
                                cut = "not readable as JSON";
                            } catch (IOException e) {
                                cut = "not readable from the store";
                            } catch (Rejection e) {
                                cut = "missing from the store";
                            }
                            return new Output(jobId, artifact.sha256, artifact.size, null, cut);
                        });
        JsonDiff diff =
                documents.isEmpty()
                        ? new JsonDiff(List.of(), null)
                        : JsonDiff.of(documents, config.comparisons().maxPaths(), deadline);
        return new KindComparison(
                ArtifactKind.METADATA.wireName(),
                identical,
                outputs,
                null,
                null,
                diff.paths(),
                diff.cut());
    }
}
