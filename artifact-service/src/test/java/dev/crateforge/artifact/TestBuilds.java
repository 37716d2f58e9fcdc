package dev.crateforge.artifact;

import dev.crateforge.artifact.service.ArtifactCatalog;
import dev.crateforge.protocol.job.ArtifactKind;
import java.util.UUID;

/**
 * Successful builds as the download tests need them ({@link TestJobs#uploadAndSucceed}), and crate
 * names of their own.
 */
public final class TestBuilds {

    private TestBuilds() {}

    /** A crate name no other test uses: {@code prefix} and eight random hex digits. */
    public static String newCrate(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A succeeded build that stored {@code bytes}, with SSHSIG provenance only. */
    public static TestJobs succeeded(
            ArtifactCatalog catalog,
            String crate,
            String version,
            ArtifactKind kind,
            byte[] bytes) {
        return succeeded(catalog, crate, version, kind, bytes, false);
    }

    /**
     * A succeeded build that stored {@code bytes}, with SSHSIG provenance and, if {@code
     * withEnvelope}, SLSA provenance in a DSSE envelope.
     */
    public static TestJobs succeeded(
            ArtifactCatalog catalog,
            String crate,
            String version,
            ArtifactKind kind,
            byte[] bytes,
            boolean withEnvelope) {
        return new TestJobs(catalog, crate, version, kind).uploadAndSucceed(bytes, withEnvelope);
    }
}
