package dev.crateforge.protocol.provenance;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.required;
import static dev.crateforge.protocol.json.Fields.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-toto Statement v1 (in-toto/attestation spec/v1/statement.md) whose predicate is SLSA
 * Provenance v1 (slsa.dev/provenance/v1): which artifacts (by SHA-256) a builder made from which
 * crate source, with which toolchain, sandbox and limits, and when. Field names are those of the
 * specifications; the records only bound sizes, the meaning is checked by {@link
 * ProvenanceEnvelopes}.
 */
public record BuildProvenanceStatement(
        @JsonProperty("_type") String type,
        List<ResourceDescriptor> subject,
        String predicateType,
        SlsaProvenance predicate) {

    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

    /** The build type of every CrateForge build: a crate's source built by a CrateForge builder. */
    public static final String BUILD_TYPE = "https://crateforge.dev/build-types/crate/v1";

    /** The prefix of a builder's id; the rest is the builder's key id (see RawSignatures). */
    public static final String BUILDER_ID_PREFIX = "https://crateforge.dev/builders/";

    public BuildProvenanceStatement {
        nonBlank(type, "_type", 256);
        subject = list(subject, "subject", 16);
        nonBlank(predicateType, "predicateType", 256);
        required(predicate, "predicate");
    }

    /** An artifact, dependency or source, named and identified by its digests. */
    public record ResourceDescriptor(String name, String uri, Map<String, String> digest) {
        public ResourceDescriptor {
            if (name != null) {
                text(name, "name", 512);
            }
            if (uri != null) {
                text(uri, "uri", 2048);
            }
            digest = Map.copyOf(required(digest, "digest"));
            if (digest.size() > 4) {
                throw new IllegalArgumentException("field 'digest' has more than 4 entries");
            }
        }
    }

    /** The SLSA v1 predicate. */
    public record SlsaProvenance(BuildDefinition buildDefinition, RunDetails runDetails) {
        public SlsaProvenance {
            required(buildDefinition, "buildDefinition");
            required(runDetails, "runDetails");
        }
    }

    /** What was built: the parameters a user chose, those the builder chose, and the inputs. */
    public record BuildDefinition(
            String buildType,
            ExternalParameters externalParameters,
            InternalParameters internalParameters,
            List<ResourceDescriptor> resolvedDependencies) {
        public BuildDefinition {
            nonBlank(buildType, "buildType", 256);
            required(externalParameters, "externalParameters");
            required(internalParameters, "internalParameters");
            resolvedDependencies = list(resolvedDependencies, "resolvedDependencies", 16);
        }
    }

    /** The job as it was submitted. */
    public record ExternalParameters(
            String crate, String version, String target, String kind, Source source) {
        public ExternalParameters {
            nonBlank(crate, "crate", 64);
            nonBlank(version, "version", 128);
            nonBlank(target, "target", 100);
            nonBlank(kind, "kind", 32);
            required(source, "source");
        }
    }

    /** Where the crate's {@code .crate} came from and what it hashed to. */
    public record Source(String url, String sha256) {
        public Source {
            nonBlank(url, "url", 2048);
            nonBlank(sha256, "sha256", 64);
        }
    }

    /**
     * What the builder chose: its toolchain, its sandbox and its limits.
     *
     * @param sandbox {@code bubblewrap} or {@code none}
     * @param network whether cargo could use the network
     * @param limits the builder's caps, by name (bytes, entries, seconds)
     */
    public record InternalParameters(
            Toolchain toolchain, String sandbox, Boolean network, Map<String, Long> limits) {
        public InternalParameters {
            required(toolchain, "toolchain");
            nonBlank(sandbox, "sandbox", 64);
            required(network, "network");
            // Sorted, so that the serialized payload is the same on every run.
            limits = Collections.unmodifiableMap(new TreeMap<>(required(limits, "limits")));
            if (limits.size() > 32) {
                throw new IllegalArgumentException("field 'limits' has more than 32 entries");
            }
        }
    }

    /**
     * The toolchain, as it describes itself.
     *
     * @param rustc the output of {@code rustc -vV}
     * @param cargo the output of {@code cargo -V}
     */
    public record Toolchain(String rustc, String cargo) {
        public Toolchain {
            text(rustc, "rustc", 4096);
            text(cargo, "cargo", 1024);
        }
    }

    /** Who built it and when. */
    public record RunDetails(Builder builder, BuildMetadata metadata) {
        public RunDetails {
            required(builder, "builder");
            required(metadata, "metadata");
        }
    }

    /** The builder, by id. */
    public record Builder(String id) {
        public Builder {
            nonBlank(id, "id", 512);
        }
    }

    /**
     * @param invocationId {@code <jobId>/<attempt>}
     */
    public record BuildMetadata(String invocationId, Instant startedOn, Instant finishedOn) {
        public BuildMetadata {
            nonBlank(invocationId, "invocationId", 128);
            required(startedOn, "startedOn");
            required(finishedOn, "finishedOn");
        }
    }
}
