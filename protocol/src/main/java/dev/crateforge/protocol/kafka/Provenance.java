package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.nonBlank;

import dev.crateforge.protocol.job.BuildStatement;

/**
 * What lets anyone check a build: the statement, the builder's SSHSIG over it, and the builder's
 * public key. Verify with {@code ssh-keygen -Y verify -n build@crateforge.dev}.
 */
public record Provenance(String statement, String signature, String builderPublicKey) {

    public Provenance {
        nonBlank(statement, "statement", BuildStatement.MAX_LENGTH);
        nonBlank(signature, "signature", 8192);
        nonBlank(builderPublicKey, "builderPublicKey", 8192);
    }
}
