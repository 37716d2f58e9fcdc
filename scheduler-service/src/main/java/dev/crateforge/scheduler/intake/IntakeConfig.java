package dev.crateforge.scheduler.intake;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registries the scheduler follows, under {@code crateforge.intake}: one entry per registry
 * name in {@code crateforge.intake.registries.<name>.*}. No registry is followed by default.
 */
@ConfigMapping(prefix = "crateforge.intake")
public interface IntakeConfig {

    /** Turns every watcher of this replica off (pause and resume per registry are in the API). */
    @WithDefault("true")
    boolean enabled();

    /** How often this replica looks whether a registry is due for a poll. */
    @WithDefault("1s")
    String tick();

    /** Where the local clones of the indexes live; a temporary directory when absent. */
    Optional<String> workDirectory();

    /** The longest one poll (fetch, diff and its one transaction) may take. */
    @WithDefault("PT10M")
    Duration pollTimeout();

    /**
     * The scheduler's base URL as builders reach it ({@code https://…}), for the source proxy of
     * registries with a {@link Registry#token()}: their jobs' source URLs point there instead of at
     * the registry, so that builders never hold a registry's token.
     */
    Optional<String> sourceProxyUrl();

    /**
     * The key (at least 32 characters, the same on every replica) that signs source-proxy URLs, so
     * that the proxy serves only the files the intake turned into jobs. Set it from a Secret; a new
     * key invalidates the source URLs of jobs queued before.
     */
    Optional<String> sourceProxyKey();

    Map<String, Registry> registries();

    /** One followed registry. */
    interface Registry {

        /** Follow it at all. */
        @WithDefault("true")
        boolean enabled();

        /** The git index: a URL git can fetch from, or a local path. */
        String index();

        /**
         * The registry's sparse index ({@code https://…/}, without cargo's {@code sparse+} prefix),
         * for looking up one crate at a time; absent, look-ups are refused.
         */
        Optional<String> sparseIndex();

        /** The pause between polls. */
        @WithDefault("PT30S")
        Duration pollInterval();

        /**
         * Targets to build every version for; each must be in {@code crateforge.scheduler.targets}.
         */
        List<String> targets();

        /**
         * The registry's auth token, for a private registry: sent verbatim as the {@code
         * Authorization} header (as cargo sends a registry token) on sparse index requests and,
         * through the source proxy, on {@code .crate} downloads. Never logged, never stored; set it
         * from a Secret (environment variable {@code CRATEFORGE_INTAKE_REGISTRIES_<NAME>_TOKEN}).
         */
        Optional<String> token();

        /**
         * The user name for a private git index over HTTP(S) (basic authentication, e.g. a git
         * host's deploy-token name); with {@link #indexPassword()}. Default {@code crateforge},
         * which hosts that only read the password (a personal access token) accept.
         */
        @WithDefault("crateforge")
        String indexUsername();

        /**
         * The password or access token for a private git index over HTTP(S), sent only to the
         * index's host when it asks (HTTP 401). Never logged; set it from a Secret (environment
         * variable {@code CRATEFORGE_INTAKE_REGISTRIES_<NAME>_INDEX_PASSWORD}).
         */
        Optional<String> indexPassword();

        /**
         * How many independent builds on different builders must agree before an artifact of this
         * registry is published (1..5; 1 builds once).
         */
        @WithDefault("1")
        int reproduce();

        /** Artifact kinds to build ({@code ArtifactKind} wire names). */
        @WithDefault("metadata")
        List<String> kinds();

        /** When present, only these crates become jobs. */
        Optional<List<String>> allow();

        /** These crates never become jobs. */
        Optional<List<String>> deny();

        /**
         * The rate limit: a poll stops after the index commit at which this many jobs were created
         * and continues with the next commit at the next poll (one commit is never split).
         */
        @WithDefault("10000")
        int maxJobsPerPoll();

        /**
         * On the very first poll, submit every version already in the index (at {@link
         * #backfillPriority()}); otherwise the first poll only remembers the head.
         */
        @WithDefault("false")
        boolean backfill();

        /** Priority of jobs for new versions. */
        @WithDefault("0")
        int priority();

        /** Priority of backfilled versions, below new ones. */
        @WithDefault("-100")
        int backfillPriority();

        /**
         * Lets the {@code dl} template point at loopback and private addresses (a registry on this
         * machine or the local network). Off: such download URLs are refused as bad input.
         */
        @WithDefault("false")
        boolean allowPrivateAddresses();
    }
}
