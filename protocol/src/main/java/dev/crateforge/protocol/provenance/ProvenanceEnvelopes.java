package dev.crateforge.protocol.provenance;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.BuildDefinition;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.BuildMetadata;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Builder;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.ExternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.ResourceDescriptor;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.RunDetails;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.SlsaProvenance;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Source;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.protocol.ssh.SshPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes, signs, opens and checks the SLSA provenance of a build: an in-toto Statement v1 in a DSSE
 * envelope signed with the builder's own SSH key ({@link RawSignatures}), so that in-toto tooling
 * and securesystemslib verify it against the builder's published key.
 */
public final class ProvenanceEnvelopes {

    private ProvenanceEnvelopes() {}

    /** The statement a builder makes for a succeeded attempt. */
    public static BuildProvenanceStatement statement(
            BuildFacts build,
            SshPublicKey builderKey,
            InternalParameters internal,
            Instant startedOn,
            Instant finishedOn) {
        List<ResourceDescriptor> subjects =
                build.artifacts().stream()
                        .sorted(Comparator.comparing((ArtifactDigest a) -> a.kind().wireName()))
                        .map(
                                a ->
                                        new ResourceDescriptor(
                                                build.subjectName(a.kind()),
                                                null,
                                                Map.of("sha256", a.sha256())))
                        .toList();
        ExternalParameters external =
                new ExternalParameters(
                        build.crate(),
                        build.version(),
                        build.target(),
                        build.kind().wireName(),
                        new Source(build.sourceUrl(), build.sourceSha256()));
        List<ResourceDescriptor> dependencies =
                List.of(
                        new ResourceDescriptor(
                                null, build.sourceUrl(), Map.of("sha256", build.sourceSha256())));
        return new BuildProvenanceStatement(
                BuildProvenanceStatement.STATEMENT_TYPE,
                subjects,
                BuildProvenanceStatement.SLSA_PROVENANCE_V1,
                new SlsaProvenance(
                        new BuildDefinition(
                                BuildProvenanceStatement.BUILD_TYPE,
                                external,
                                internal,
                                dependencies),
                        new RunDetails(
                                new Builder(builderId(builderKey)),
                                new BuildMetadata(build.invocationId(), startedOn, finishedOn))));
    }

    /** The builder's SLSA {@code builder.id}: a URI naming its key. */
    public static String builderId(SshPublicKey key) {
        return BuildProvenanceStatement.BUILDER_ID_PREFIX + RawSignatures.keyId(key);
    }

    /** Serializes the statement and signs {@code PAE(type, payload)} with the builder's key. */
    public static DsseEnvelope sign(SshPrivateKey key, BuildProvenanceStatement statement) {
        byte[] payload = ProtocolJson.encodeBytes(statement);
        byte[] signature = RawSignatures.sign(key, Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        Base64.Encoder b64 = Base64.getEncoder();
        return new DsseEnvelope(
                Dsse.IN_TOTO_PAYLOAD_TYPE,
                b64.encodeToString(payload),
                List.of(
                        new DsseEnvelope.Signature(
                                RawSignatures.keyId(key.publicKey()),
                                b64.encodeToString(signature))));
    }

    /**
     * Checks that one of the envelope's signatures is {@code key}'s over its payload and returns
     * the statement it carries.
     *
     * @throws ProvenanceException naming what is wrong: the payload type, the base64, the
     *     signature, or the statement's form
     */
    public static BuildProvenanceStatement open(DsseEnvelope envelope, SshPublicKey key)
            throws ProvenanceException {
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
            throw new ProvenanceException("payloadType is not " + Dsse.IN_TOTO_PAYLOAD_TYPE);
        }
        byte[] payload = base64(envelope.payload(), "payload");
        byte[] pae = Dsse.pae(envelope.payloadType(), payload);
        boolean signed = false;
        for (DsseEnvelope.Signature signature : envelope.signatures()) {
            // keyid is an unauthenticated hint (DSSE): every signature is tried against the key.
            if (RawSignatures.verify(key, pae, base64(signature.sig(), "signature"))) {
                signed = true;
                break;
            }
        }
        if (!signed) {
            throw new ProvenanceException(
                    "no signature verifies with the builder's registered key");
        }
        BuildProvenanceStatement statement;
        try {
            statement = ProtocolJson.decode(payload, BuildProvenanceStatement.class);
        } catch (ProtocolDecodeException e) {
            throw new ProvenanceException("payload is not a build statement: " + e.getMessage());
        }
        if (!BuildProvenanceStatement.STATEMENT_TYPE.equals(statement.type())) {
            throw new ProvenanceException(
                    "_type is not " + BuildProvenanceStatement.STATEMENT_TYPE);
        }
        if (!BuildProvenanceStatement.SLSA_PROVENANCE_V1.equals(statement.predicateType())) {
            throw new ProvenanceException(
                    "predicateType is not " + BuildProvenanceStatement.SLSA_PROVENANCE_V1);
        }
        return statement;
    }

    /**
     * What differs between a statement and the build it must describe, as "field 'x' differs", or
     * empty when it describes exactly that build by exactly this builder.
     */
    public static Optional<String> mismatch(
            BuildProvenanceStatement statement, BuildFacts build, SshPublicKey builderKey) {
        BuildDefinition definition = statement.predicate().buildDefinition();
        ExternalParameters external = definition.externalParameters();
        BuildMetadata metadata = statement.predicate().runDetails().metadata();
        String field = null;
        if (!BuildProvenanceStatement.BUILD_TYPE.equals(definition.buildType())) {
            field = "buildType";
        } else if (!build.crate().equals(external.crate())) {
            field = "crate";
        } else if (!build.version().equals(external.version())) {
            field = "version";
        } else if (!build.target().equals(external.target())) {
            field = "target";
        } else if (!build.kind().wireName().equals(external.kind())) {
            field = "kind";
        } else if (!build.sourceUrl().equals(external.source().url())) {
            field = "source.url";
        } else if (!build.sourceSha256().equals(external.source().sha256())) {
            field = "source.sha256";
        } else if (!build.invocationId().equals(metadata.invocationId())) {
            field = "invocationId";
        } else if (!builderId(builderKey)
                .equals(statement.predicate().runDetails().builder().id())) {
            field = "builder.id";
        } else if (metadata.finishedOn().isBefore(metadata.startedOn())) {
            field = "finishedOn";
        } else if (!subjects(statement).equals(expectedSubjects(build))) {
            field = "subject";
        }
        return field == null
                ? Optional.empty()
                : Optional.of("field '" + field + "' differs from the job");
    }

    private static Set<String> subjects(BuildProvenanceStatement statement) {
        Set<String> out = new HashSet<>();
        for (ResourceDescriptor d : statement.subject()) {
            if (d.digest().size() != 1 || !d.digest().containsKey("sha256")) {
                // Only sha256 is checked: another digest would be an unchecked claim.
                out.add("unchecked digest");
            }
            out.add(d.name() + " sha256:" + d.digest().get("sha256"));
        }
        if (out.size() != statement.subject().size()) {
            out.add("duplicate subject");
        }
        return out;
    }

    private static Set<String> expectedSubjects(BuildFacts build) {
        Set<String> out = new HashSet<>();
        for (ArtifactDigest a : build.artifacts()) {
            out.add(build.subjectName(a.kind()) + " sha256:" + a.sha256());
        }
        return out;
    }

    private static byte[] base64(String text, String what) throws ProvenanceException {
        try {
            // DSSE allows standard and URL-safe base64.
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ProvenanceException(what + " is not valid base64");
        }
    }
}
