package dev.crateforge.gateway.service;

import dev.crateforge.gateway.repository.BuilderKeyPeriod;
import dev.crateforge.gateway.repository.BuilderKeyPeriodRepository;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every key a builder ever signed with, with the periods in which it was enabled, in the forms
 * verifiers read: an OpenSSH {@code allowed_signers} file (principal = builder id, limited to the
 * build namespace and to the period with {@code valid-after}/{@code valid-before}) and PEM.
 * Disabled and deleted builders stay listed: what they signed while enabled stays checkable.
 */
@ApplicationScoped
public class PublishedBuilderKeys {

    /** ssh-keygen's {@code YYYYMMDDHHMMSSZ}. */
    private static final DateTimeFormatter SSH_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BuilderKeyPeriodRepository periods;

    public PublishedBuilderKeys(BuilderKeyPeriodRepository periods) {
        this.periods = periods;
    }

    /**
     * One period of one key.
     *
     * @param keyid the DSSE key id: lowercase hex SHA-256 of the key blob
     * @param validUntil null while the key is enabled
     */
    public record PublishedKey(
            UUID builderId,
            String fingerprint,
            String keyid,
            String publicKey,
            Instant validFrom,
            Instant validUntil) {}

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PublishedKey> all() {
        return periods.history().stream().map(PublishedBuilderKeys::published).toList();
    }

    /**
     * The {@code allowed_signers} file: one line per period, oldest first. Verify old provenance
     * with {@code -Overify-time=<build time>}.
     */
    public String allowedSigners() {
        StringBuilder out = new StringBuilder();
        for (PublishedKey key : all()) {
            out.append(key.builderId())
                    .append(" namespaces=\"")
                    .append(BuilderProtocol.BUILD_NAMESPACE)
                    .append("\",valid-after=\"")
                    .append(SSH_TIME.format(key.validFrom().truncatedTo(ChronoUnit.SECONDS)))
                    .append('"');
            if (key.validUntil() != null) {
                // Rounded up: a signature made in the last fraction of a second stays valid.
                Instant until = key.validUntil().truncatedTo(ChronoUnit.SECONDS);
                if (until.isBefore(key.validUntil())) {
                    until = until.plusSeconds(1);
                }
                out.append(",valid-before=\"").append(SSH_TIME.format(until)).append('"');
            }
            out.append(' ').append(key.publicKey()).append('\n');
        }
        return out.toString();
    }

    /** The PEM of the key with this DSSE key id, if a builder ever had it. */
    public Optional<String> pem(String keyid) {
        return all().stream()
                .filter(k -> k.keyid().equals(keyid))
                .findFirst()
                .map(k -> RawSignatures.pem(parse(k.publicKey())));
    }

    private static PublishedKey published(BuilderKeyPeriod period) {
        return new PublishedKey(
                period.getBuilderId(),
                period.getFingerprint(),
                RawSignatures.keyId(parse(period.getPublicKey())),
                period.getPublicKey(),
                period.getValidFrom(),
                period.getValidUntil());
    }

    private static SshPublicKey parse(String line) {
        try {
            return SshPublicKey.parse(line);
        } catch (SshFormatException e) {
            // Parsed when the builder was registered: unreadable means a hand edit.
            throw new IllegalStateException("stored builder key is unreadable", e);
        }
    }
}
