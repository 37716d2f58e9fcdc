package dev.crateforge.protocol.kafka;

import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.required;

import dev.crateforge.protocol.job.Naming;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A registry yanked or unyanked a crate version ({@link Topics#VERSION_YANKS}, key {@link #key()}:
 * registry and crate, so that one crate's changes stay in order). The scheduler's registry intake
 * publishes it through its outbox in the transaction that moves the registry's cursor; the artifact
 * service marks (or unmarks) the artifacts of that version. Artifacts stay downloadable either way:
 * a yank only says that the registry advises against new use of the version.
 *
 * @param changedAt when the scheduler recorded the change; a consumer that already holds a later
 *     change of the same version ignores an earlier one (a resent or replayed record)
 */
public record VersionYankChanged(
        String registry, String crate, String version, Boolean yanked, Instant changedAt) {

    /** A registry name as the intake configures it and the download paths carry it. */
    public static final Pattern REGISTRY_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public VersionYankChanged {
        matching(registry, "registry", REGISTRY_NAME, "a registry name ([a-z0-9_-], ≤ 64)");
        matching(crate, "crate", Naming.CRATE_NAME, "a crate name");
        required(version, "version");
        if (!Naming.isVersion(version)) {
            throw new IllegalArgumentException("field 'version' is not a semantic version");
        }
        required(yanked, "yanked");
        required(changedAt, "changedAt");
    }

    /** The record key: {@code registry/crate}. */
    public String key() {
        return registry + "/" + crate;
    }
}
