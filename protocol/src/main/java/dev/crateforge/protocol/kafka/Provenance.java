package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;

import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.provenance.DsseEnvelope;

/**
 * What lets anyone check a build: the statement, the builder's SSHSIG over it, and the builder's
 * public key. Verify with {@code ssh-keygen -Y verify -n build@crateforge.dev}.
 *
 * @param envelope the SLSA provenance (an in-toto statement in a DSSE envelope signed with the same
 *     key), when the builder sent one; already verified and checked against the job by the
 *     scheduler
 */
public record Provenance(
        String statement, String signature, String builderPublicKey, DsseEnvelope envelope) {

    /** Provenance of a builder that sent no DSSE envelope. */
    public Provenance(String statement, String signature, String builderPublicKey) {
        this(statement, signature, builderPublicKey, null);
    }

    public Provenance {
        nonBlank(statement, "statement", BuildStatement.MAX_LENGTH);
        nonBlank(signature, "signature", 8192);
        nonBlank(builderPublicKey, "builderPublicKey", 8192);
    }
}
