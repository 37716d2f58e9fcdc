package dev.crateforge.artifact.config;

import dev.crateforge.protocol.job.ArtifactKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The artifact service's own settings. Token verification is configured with the standard {@code
 * mp.jwt.verify.*} keys in {@code application.properties}; everything here is specific to storing
 * artifacts.
 */
@ConfigMapping(prefix = "artifact")
public interface ArtifactConfig {

    /** Where artifacts are stored. */
    S3 s3();

    /** Upper bounds on what a builder may upload. */
    Limits limits();

    /** The stable download layout under {@code /dl/} (cargo-binstall and the per-crate index). */
    Downloads downloads();

    /** Bounds on comparing the outputs of builds that disagreed. */
    Comparisons comparisons();

    /**
     * Comparing disagreeing builds reads their artifacts back from S3; these bound what one
     * comparison may cost. Bytes read per artifact are bounded by {@link Limits#maxBytes} of its
     * kind (unpacked bytes for a binary).
     */
    interface Comparisons {
        /** Most tar entries listed per binary artifact; the listing stops there, marked cut. */
        @WithDefault("10000")
        int maxEntries();

        /** Longest one comparison may take; what is not read by then is marked cut. */
        @WithDefault("PT2M")
        Duration maxTime();

        /** Most differing JSON paths listed per metadata comparison. */
        @WithDefault("1000")
        int maxPaths();
    }

    /** Settings of the stable download layout. */
    interface Downloads {
        /**
         * The registry name in {@code /dl/{registry}/…}. Jobs carry no registry: every crate this
         * farm builds comes from one registry, and this names it in the URLs. Another name in a URL
         * is answered 404.
         */
        @WithDefault("crates-io")
        String registry();
    }

    /** S3 settings. */
    interface S3 {
        /** The bucket that holds every artifact; it must exist. */
        String bucket();

        /** Prefix of every object key the service writes. */
        @WithDefault("artifacts/")
        String keyPrefix();
    }

    /** Upload limits. */
    interface Limits {
        /** Largest {@code metadata} artifact accepted, in bytes (16 MiB). */
        @WithDefault("16777216")
        long metadataMaxBytes();

        /** Largest {@code binary} artifact accepted, in bytes (2 GiB). */
        @WithDefault("2147483648")
        long binaryMaxBytes();

        /**
         * Most entries a {@code binary} artifact's tar may hold (one per binary target of the
         * crate); more is refused as {@code invalid_artifact}.
         */
        @WithDefault("1000")
        int binaryMaxEntries();

        /**
         * Most bytes a {@code binary} artifact may unpack to (8 GiB): what bounds the time its
         * check takes against a gzip bomb. More is refused as {@code invalid_artifact}.
         */
        @WithDefault("8589934592")
        long binaryMaxUnpackedBytes();

        /**
         * Most large uploads (over 64 KiB) whose contents are checked at once, each on a thread of
         * its own while its body streams to the store; one more is answered 503 {@code unavailable}
         * before its body is read.
         */
        @WithDefault("32")
        int concurrentChecks();

        /** The cap for one kind. */
        default long maxBytes(ArtifactKind kind) {
            return switch (kind) {
                case METADATA -> metadataMaxBytes();
                case BINARY -> binaryMaxBytes();
            };
        }
    }
}
