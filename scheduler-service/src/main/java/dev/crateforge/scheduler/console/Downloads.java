package dev.crateforge.scheduler.console;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.scheduler.api.JobView;
import java.util.Optional;

/**
 * Where a succeeded job's artifact and provenance are downloaded from the artifact service, by job
 * id so that they always name this build, and the commands that verify them as a user would, with
 * {@code ssh-keygen} and with the DSSE script of docs/operations.md.
 *
 * @param fileName the name the artifact is saved under
 */
public record Downloads(
        String artifact,
        String fileName,
        String envelope,
        String builderKey,
        String builderPem,
        String statement,
        String signature,
        String allowedSigners,
        String sshVerify,
        String dsseVerify) {

    /** The links of a succeeded job; empty for any other. */
    public static Optional<Downloads> of(JobView job, String artifactService) {
        if (job.state() != JobState.SUCCEEDED) {
            return Optional.empty();
        }
        String base = artifactService.replaceAll("/+$", "") + "/api/v1/jobs/" + job.id();
        String provenance = base + "/provenance/";
        String fileName =
                job.crate()
                        + "-"
                        + job.version()
                        + "-"
                        + job.target()
                        + "."
                        + job.kind().fileExtension();
        String sshVerify =
                String.join(
                        "\n",
                        "base=" + base,
                        "curl -fsS \"$base/artifacts/"
                                + job.kind().wireName()
                                + "\" -o "
                                + fileName,
                        "curl -fsS \"$base/provenance/statement\" -o statement",
                        "curl -fsS \"$base/provenance/signature\" -o statement.sig",
                        "curl -fsS \"$base/provenance/allowed_signers\" -o allowed_signers",
                        "ssh-keygen -Y verify -f allowed_signers -I builder -n "
                                + BuilderProtocol.BUILD_NAMESPACE
                                + " -s statement.sig < statement",
                        "grep sha256 statement; sha256sum " + fileName);
        String dsseVerify =
                String.join(
                        "\n",
                        "base=" + base,
                        "curl -fsS \"$base/provenance/intoto.jsonl\" -o provenance.intoto.jsonl",
                        "curl -fsS \"$base/provenance/builder-key.json\" -o builder-key.json",
                        "python3 verify_dsse.py provenance.intoto.jsonl builder-key.json");
        return Optional.of(
                new Downloads(
                        base + "/artifacts/" + job.kind().wireName(),
                        fileName,
                        provenance + "intoto.jsonl",
                        provenance + "builder-key.json",
                        provenance + "builder.pem",
                        provenance + "statement",
                        provenance + "signature",
                        provenance + "allowed_signers",
                        sshVerify,
                        dsseVerify));
    }
}
