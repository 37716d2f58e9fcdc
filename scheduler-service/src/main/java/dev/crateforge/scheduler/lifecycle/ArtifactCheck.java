package dev.crateforge.scheduler.lifecycle;

import dev.crateforge.protocol.job.ArtifactDigest;
import java.util.List;
import java.util.Objects;

/**
 * How the artifacts a completion reports compare with what the artifact service says it stored for
 * the attempt. The scheduler reads the stored records; {@link JobLifecycle} decides what follows.
 */
public sealed interface ArtifactCheck {

    /** No completion waits for artifacts. */
    record NothingPending() implements ArtifactCheck {}

    /** Every reported artifact is stored with the reported digest and size. */
    record AllStored() implements ArtifactCheck {}

    /** Some reported artifacts have no record yet; none differs. */
    record Missing(List<String> kinds) implements ArtifactCheck {
        public Missing {
            kinds = List.copyOf(kinds);
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("nothing missing");
            }
        }
    }

    /** An artifact was stored with another digest or size than the builder reported. */
    record Mismatch(ArtifactDigest reported, ArtifactDigest stored) implements ArtifactCheck {
        public Mismatch {
            Objects.requireNonNull(reported);
            Objects.requireNonNull(stored);
        }
    }

    /** The waiting completion, as stored, cannot be read back. */
    record Unreadable() implements ArtifactCheck {}

    /** Compares the reported artifacts with the stored ones. */
    public static ArtifactCheck compare(
            List<ArtifactDigest> reported, List<ArtifactDigest> stored) {
        List<String> missing = new java.util.ArrayList<>();
        for (ArtifactDigest report : reported) {
            ArtifactDigest actual =
                    stored.stream().filter(s -> s.kind() == report.kind()).findFirst().orElse(null);
            if (actual == null) {
                missing.add(report.kind().wireName());
            } else if (!actual.equals(report)) {
                return new Mismatch(report, actual);
            }
        }
        return missing.isEmpty() ? new AllStored() : new Missing(missing);
    }
}
