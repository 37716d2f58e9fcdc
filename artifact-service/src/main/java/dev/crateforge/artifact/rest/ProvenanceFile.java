package dev.crateforge.artifact.rest;

import dev.crateforge.artifact.service.ProvenanceService.BuildProvenance;
import dev.crateforge.artifact.service.Rejection;
import dev.crateforge.protocol.json.ProtocolJson;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The files of a build's signed provenance, one table for every place that serves them: by job
 * ({@code …/jobs/{id}/provenance/<route name>}), by crate ({@code
 * …/crates/{name}/{version}/{target}/{kind}/provenance/<route name>}) and beside the archive in the
 * stable layout ({@code …/{name}-{version}-{target}.tgz<suffix>}). Each has the name the verify
 * commands expect when saved, and answers with an ETag (the SHA-256 of its bytes) and {@code 304}.
 */
enum ProvenanceFile {
    /** The SSHSIG build statement, the message {@code ssh-keygen -Y verify} reads. */
    STATEMENT("statement", "statement", ".statement", "text/plain"),
    /**
     * The armored SSHSIG over the statement; {@code .sig} beside its message, as ssh-keygen names
     * it.
     */
    SIGNATURE("signature", "build.sig", ".statement.sig", "text/plain"),
    /** One {@code allowed_signers} line binding the builder's key to the build namespace. */
    ALLOWED_SIGNERS("allowed_signers", "allowed_signers", ".allowed_signers", "text/plain"),
    /**
     * The DSSE envelope as in-toto's JSON Lines bundle: one envelope per line ({@code
     * .intoto.jsonl}, the name in-toto tools and SLSA verifiers look for beside an artifact).
     */
    ENVELOPE("intoto.jsonl", "provenance.intoto.jsonl", ".intoto.jsonl", "application/jsonl"),
    /** The builder's key for securesystemslib ({@code SSlibKey.from_dict}). */
    BUILDER_KEY("builder-key.json", "builder-key.json", ".builder-key.json", "application/json"),
    /** The builder's key as a PEM {@code PUBLIC KEY}. */
    BUILDER_PEM("builder.pem", "builder.pem", ".builder.pem", "application/x-pem-file");

    private final String routeName;
    private final String fileName;
    private final String archiveSuffix;
    private final String mediaType;

    ProvenanceFile(String routeName, String fileName, String archiveSuffix, String mediaType) {
        this.routeName = routeName;
        this.fileName = fileName;
        this.archiveSuffix = archiveSuffix;
        this.mediaType = mediaType;
    }

    /** The last segment of its URL under {@code …/provenance/}. */
    String routeName() {
        return routeName;
    }

    /** The name it is saved under from a by-job or by-crate URL. */
    String fileName() {
        return fileName;
    }

    /** What follows {@code {name}-{version}-{target}.tgz} in its stable-layout file name. */
    String archiveSuffix() {
        return archiveSuffix;
    }

    /**
     * The file a {@code …/provenance/<name>} URL names.
     *
     * @throws Rejection 404 listing the files there are
     */
    static ProvenanceFile ofRoute(String name) {
        return Arrays.stream(values())
                .filter(f -> f.routeName.equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                Rejection.notFound(
                                        (name.length() <= 32
                                                        ? "there is no provenance file '"
                                                                + name
                                                                + "'"
                                                        : "there is no such provenance file")
                                                + ": the files are "
                                                + Arrays.stream(values())
                                                        .map(ProvenanceFile::routeName)
                                                        .collect(Collectors.joining(", "))));
    }

    /** The file whose stable-layout name ends with the archive name and {@code suffix}. */
    static Optional<ProvenanceFile> ofArchiveSuffix(String suffix) {
        return Arrays.stream(values()).filter(f -> f.archiveSuffix.equals(suffix)).findFirst();
    }

    /**
     * The answer to a GET (or, with {@code head}, a HEAD) of this file of a build.
     *
     * @param savedAs the {@code Content-Disposition} file name
     * @param cacheControl the {@code Cache-Control}, or null for none
     * @throws Rejection 404 when the build has no such file (no envelope; a key securesystemslib
     *     cannot read)
     */
    Response answer(
            BuildProvenance p,
            String savedAs,
            String cacheControl,
            String ifNoneMatch,
            boolean head) {
        return CacheableAnswers.small(
                text(p).getBytes(StandardCharsets.UTF_8),
                mediaType + "; charset=utf-8",
                null,
                cacheControl,
                savedAs,
                ifNoneMatch,
                head);
    }

    private String text(BuildProvenance p) {
        return switch (this) {
            case STATEMENT -> p.statement();
            case SIGNATURE -> p.signature();
            case ALLOWED_SIGNERS -> p.allowedSigners();
            case ENVELOPE -> p.requireEnvelope() + "\n";
            case BUILDER_KEY -> {
                if (p.builderKey() == null) {
                    throw Rejection.notFound(
                            "securesystemslib has no scheme for this builder's key type; use"
                                    + " builder.pem");
                }
                yield ProtocolJson.encode(p.builderKey()) + "\n";
            }
            case BUILDER_PEM -> p.builderPem();
        };
    }
}
