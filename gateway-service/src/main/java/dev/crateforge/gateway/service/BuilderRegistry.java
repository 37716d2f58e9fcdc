package dev.crateforge.gateway.service;

import dev.crateforge.gateway.messaging.BuilderControlEvents;
import dev.crateforge.gateway.repository.Builder;
import dev.crateforge.gateway.repository.BuilderKeyPeriod;
import dev.crateforge.gateway.repository.BuilderKeyPeriodRepository;
import dev.crateforge.gateway.repository.BuilderRepository;
import dev.crateforge.protocol.job.Naming;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPublicKey;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The operator's view of the builder registry: register, change and remove builders. Every input is
 * validated here so that the WebSocket side can trust what it reads back.
 */
@ApplicationScoped
@Transactional
public class BuilderRegistry {

    /** Most targets one builder may be limited to. */
    public static final int MAX_TARGETS = 32;

    /** Range of the concurrent-job limit; the protocol caps a request at 64 slots. */
    public static final int MAX_CONCURRENT_JOBS = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final BuilderRepository builders;
    private final BuilderDirectory directory;
    private final BuilderControlEvents control;
    private final BuilderKeyPeriodRepository keyPeriods;

    public BuilderRegistry(
            BuilderRepository builders,
            BuilderDirectory directory,
            BuilderControlEvents control,
            BuilderKeyPeriodRepository keyPeriods) {
        this.builders = builders;
        this.directory = directory;
        this.control = control;
        this.keyPeriods = keyPeriods;
    }

    /** Registers a builder and answers with the stored row (its fingerprint identifies it). */
    public Builder register(
            String name,
            String publicKeyLine,
            List<String> allowedTargets,
            Integer maxConcurrentJobs,
            Boolean enabled,
            String owner) {
        checkName(name);
        if (owner != null && !NAME.matcher(owner).matches()) {
            throw new InvalidBuilderException(
                    "owner: must be 1 to 128 characters of letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit");
        }
        SshPublicKey key;
        try {
            key = SshPublicKey.parse(publicKeyLine);
        } catch (SshFormatException e) {
            throw new InvalidBuilderException("publicKey: " + e.getMessage());
        }
        String fingerprint = key.fingerprint();
        if (builders.findByFingerprint(fingerprint).isPresent()) {
            throw new DuplicateKeyException(fingerprint);
        }
        Builder builder =
                new Builder(
                        UUID.randomUUID(),
                        name,
                        key.openSshLine(),
                        key.type().wireName(),
                        fingerprint,
                        enabled == null || enabled,
                        checkTargets(allowedTargets == null ? List.of() : allowedTargets),
                        checkMaxJobs(maxConcurrentJobs == null ? 1 : maxConcurrentJobs),
                        Instant.now());
        builder.setOwner(owner);
        builders.persist(builder);
        if (builder.isEnabled()) {
            openKeyPeriod(builder);
        }
        // A racing registration of the same key fails on the unique constraint at this flush.
        builders.flush();
        directory.invalidate(builder.getId(), fingerprint);
        Log.infof(
                "registered builder %s (%s) with %s key %s",
                builder.getId(), name, key.type().wireName(), fingerprint);
        return builder;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Builder> list() {
        return builders.listByName();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Builder get(UUID id) {
        return builders.findByIdOptional(id).orElseThrow(() -> new BuilderNotFoundException(id));
    }

    /** Applies the fields that are present; absent fields stay as they are. */
    public Builder update(
            UUID id, String name, List<String> allowedTargets, Integer maxConcurrentJobs) {
        Builder builder = get(id);
        if (name != null) {
            checkName(name);
            builder.setName(name);
        }
        if (allowedTargets != null) {
            builder.setAllowedTargets(checkTargets(allowedTargets));
        }
        if (maxConcurrentJobs != null) {
            builder.setMaxConcurrentJobs(checkMaxJobs(maxConcurrentJobs));
        }
        directory.invalidate(id, builder.getFingerprint());
        Log.infof("updated builder %s", id);
        return builder;
    }

    /**
     * Enables or disables a builder. Disabling revokes it: its {@code Disconnect} record is written
     * in this transaction, so every replica closes it and its job tokens stop working once the
     * change commits.
     */
    public Builder setEnabled(UUID id, boolean enabled) {
        Builder builder = get(id);
        if (enabled && !builder.isEnabled()) {
            openKeyPeriod(builder);
        } else if (!enabled && builder.isEnabled()) {
            closeKeyPeriod(id);
        }
        builder.setEnabled(enabled);
        if (!enabled) {
            control.revoked(id, "disabled by an operator");
        }
        directory.invalidate(id, builder.getFingerprint());
        Log.infof("%s builder %s", enabled ? "enabled" : "disabled", id);
        return builder;
    }

    /** Deletes a builder and revokes it, as {@link #setEnabled} does when disabling. */
    public void delete(UUID id) {
        Builder builder = get(id);
        closeKeyPeriod(id);
        builders.delete(builder);
        control.revoked(id, "deleted by an operator");
        directory.invalidate(id, builder.getFingerprint());
        Log.infof("deleted builder %s", id);
    }

    /** The key is published as valid from now on (see {@code PublishedBuilderKeys}). */
    private void openKeyPeriod(Builder builder) {
        keyPeriods.persist(
                new BuilderKeyPeriod(
                        builder.getId(),
                        builder.getPublicKey(),
                        builder.getFingerprint(),
                        Instant.now()));
    }

    /** The key stays published, valid until now. */
    private void closeKeyPeriod(UUID id) {
        keyPeriods.open(id).ifPresent(period -> period.close(Instant.now()));
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidBuilderException(
                    "name: must be 1 to 128 characters of letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit");
        }
    }

    private static List<String> checkTargets(List<String> targets) {
        if (targets.size() > MAX_TARGETS) {
            throw new InvalidBuilderException(
                    "allowedTargets: at most " + MAX_TARGETS + " targets");
        }
        for (String target : targets) {
            if (target == null || !Naming.isTarget(target)) {
                throw new InvalidBuilderException(
                        "allowedTargets: '"
                                + (target == null
                                        ? "null"
                                        : target.substring(0, Math.min(64, target.length())))
                                + "' is not a target triple");
            }
        }
        return List.copyOf(new LinkedHashSet<>(targets));
    }

    private static int checkMaxJobs(int maxConcurrentJobs) {
        if (maxConcurrentJobs < 1 || maxConcurrentJobs > MAX_CONCURRENT_JOBS) {
            throw new InvalidBuilderException(
                    "maxConcurrentJobs: must be between 1 and " + MAX_CONCURRENT_JOBS);
        }
        return maxConcurrentJobs;
    }
}
