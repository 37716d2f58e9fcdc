package dev.crateforge.protocol.provenance;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A build, its facts and the committed SSH key fixtures, for the provenance tests. */
final class ProvenanceFixtures {

    static final BuildFacts BUILD =
            new BuildFacts(
                    UUID.fromString("3f1c9a52-0d4e-4c77-9a8e-5b2f6c1d7e90"),
                    2,
                    "ripgrep",
                    "14.1.0",
                    "x86_64-unknown-linux-gnu",
                    ArtifactKind.BINARY,
                    "https://static.example/crates/ripgrep/ripgrep-14.1.0.crate",
                    "a".repeat(64),
                    List.of(new ArtifactDigest(ArtifactKind.BINARY, "b".repeat(64), 1234L)));

    static final InternalParameters INTERNAL =
            new InternalParameters(
                    new Toolchain(
                            "rustc 1.83.0 (90b35a623 2024-11-26)\nhost: x86_64-unknown-linux-gnu\n",
                            "cargo 1.83.0 (5ffbef321 2024-10-29)\n"),
                    "bubblewrap",
                    false,
                    Map.of("maxArtifactBytes", 1L << 30, "maxJobSeconds", 7200L));

    static final Instant STARTED = Instant.parse("2026-12-05T10:00:00Z");
    static final Instant FINISHED = Instant.parse("2026-12-05T10:03:20.5Z");

    private ProvenanceFixtures() {}

    static SshPrivateKey key(String name) {
        try (InputStream in = ProvenanceFixtures.class.getResourceAsStream("/ssh/" + name)) {
            return SshPrivateKey.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SshFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    static BuildProvenanceStatement statement(SshPrivateKey key) {
        return ProvenanceEnvelopes.statement(BUILD, key.publicKey(), INTERNAL, STARTED, FINISHED);
    }

    static DsseEnvelope envelope(SshPrivateKey key) {
        return ProvenanceEnvelopes.sign(key, statement(key));
    }
}
