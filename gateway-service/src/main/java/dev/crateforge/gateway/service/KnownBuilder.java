package dev.crateforge.gateway.service;

import dev.crateforge.gateway.repository.Builder;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import java.util.List;
import java.util.UUID;

/**
 * An immutable snapshot of a registry row, with its key already parsed: what the WebSocket side
 * needs, safe to cache and to share between threads.
 */
public record KnownBuilder(
        UUID id,
        String name,
        SshPublicKey publicKey,
        boolean enabled,
        List<String> allowedTargets,
        int maxConcurrentJobs,
        String owner) {

    static KnownBuilder of(Builder row) {
        try {
            return new KnownBuilder(
                    row.getId(),
                    row.getName(),
                    SshPublicKey.parse(row.getPublicKey()),
                    row.isEnabled(),
                    row.getAllowedTargets(),
                    row.getMaxConcurrentJobs(),
                    row.getOwner());
        } catch (SshFormatException e) {
            // Only keys that parsed are ever stored; a row that no longer parses is corrupt.
            throw new IllegalStateException("stored key of builder " + row.getId() + " is invalid");
        }
    }

    /** The targets of a request this builder may build; all of them when no list is set. */
    public List<String> permittedTargets(List<String> requested) {
        if (allowedTargets.isEmpty()) {
            return requested;
        }
        return requested.stream().filter(allowedTargets::contains).toList();
    }
}
