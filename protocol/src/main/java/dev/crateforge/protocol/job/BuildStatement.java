package dev.crateforge.protocol.job;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.matching;
import static dev.crateforge.protocol.json.Fields.nonBlank;
import static dev.crateforge.protocol.json.Fields.range;
import static dev.crateforge.protocol.json.Fields.required;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The canonical statement a builder signs when it reports a job: which job and attempt, which
 * source it built, what it produced, and who built it.
 *
 * <p>It is plain text so that anyone can read it and check it with {@code ssh-keygen -Y verify -n
 * build@crateforge.dev}: the first line is {@value #HEADER}, then one {@code key: value} line per
 * field in a fixed order, one {@code artifact:} line per artifact sorted by kind, each line ending
 * in a single LF. {@link #render()} and {@link #parse(String)} are exact inverses, so the text that
 * was signed is the text that is kept.
 */
public record BuildStatement(
        UUID jobId,
        Integer attempt,
        String builderFingerprint,
        String crate,
        String version,
        String target,
        ArtifactKind kind,
        String sourceSha256,
        JobResult result,
        List<ArtifactDigest> artifacts) {

    /** The first line of every statement of this format. */
    public static final String HEADER = "crateforge-build-statement/v1";

    /** The longest statement accepted. */
    public static final int MAX_LENGTH = 16 * 1024;

    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
    private static final Pattern ARTIFACT_LINE =
            Pattern.compile("([a-z0-9-]+) sha256:([0-9a-f]{64}) size:(0|[1-9][0-9]{0,18})");

    public BuildStatement {
        required(jobId, "jobId");
        range(attempt, "attempt", 1, 1000);
        matching(
                builderFingerprint, "builderFingerprint", FINGERPRINT, "an SSH SHA256 fingerprint");
        matching(crate, "crate", Naming.CRATE_NAME, "a crate name");
        if (!Naming.isVersion(version)) {
            throw new IllegalArgumentException("field 'version' is not a semantic version");
        }
        if (!Naming.isTarget(target)) {
            throw new IllegalArgumentException("field 'target' is not a target triple");
        }
        required(kind, "kind");
        matching(sourceSha256, "sourceSha256", Naming.SHA256_HEX, "64 lowercase hex digits");
        required(result, "result");
        List<ArtifactDigest> sorted = new ArrayList<>(list(artifacts, "artifacts", 16));
        sorted.sort(Comparator.comparing(a -> a.kind().wireName()));
        artifacts = List.copyOf(sorted);
    }

    /** The exact text that is signed. */
    public String render() {
        StringBuilder text = new StringBuilder(512);
        text.append(HEADER).append('\n');
        line(text, "job", jobId.toString());
        line(text, "attempt", attempt.toString());
        line(text, "builder", builderFingerprint);
        line(text, "crate", crate);
        line(text, "version", version);
        line(text, "target", target);
        line(text, "kind", kind.wireName());
        line(text, "source-sha256", sourceSha256);
        line(text, "result", result.wireName());
        for (ArtifactDigest artifact : artifacts) {
            line(
                    text,
                    "artifact",
                    artifact.kind().wireName()
                            + " sha256:"
                            + artifact.sha256()
                            + " size:"
                            + artifact.size());
        }
        return text.toString();
    }

    /** The UTF-8 bytes of {@link #render()}: the message of the build signature. */
    public byte[] signedBytes() {
        return render().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a statement; accepts exactly the text {@link #render()} produces.
     *
     * @throws IllegalArgumentException naming the first thing that is wrong
     */
    public static BuildStatement parse(String text) {
        nonBlank(text, "statement", MAX_LENGTH);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("statement must end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 10 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("statement does not start with " + HEADER);
        }
        List<ArtifactDigest> artifacts = new ArrayList<>();
        for (int i = 10; i < lines.length; i++) {
            artifacts.add(parseArtifact(value(lines[i], "artifact")));
        }
        BuildStatement statement;
        try {
            statement =
                    new BuildStatement(
                            UUID.fromString(value(lines[1], "job")),
                            Integer.valueOf(value(lines[2], "attempt")),
                            value(lines[3], "builder"),
                            value(lines[4], "crate"),
                            value(lines[5], "version"),
                            value(lines[6], "target"),
                            ArtifactKind.fromWireName(value(lines[7], "kind"))
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "statement names an unknown kind")),
                            value(lines[8], "source-sha256"),
                            JobResult.fromJson(value(lines[9], "result")),
                            artifacts);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("statement has a malformed number", e);
        }
        if (!statement.render().equals(text)) {
            throw new IllegalArgumentException("statement is not in canonical form");
        }
        return statement;
    }

    private static ArtifactDigest parseArtifact(String value) {
        var matcher = ARTIFACT_LINE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("statement has a malformed artifact line");
        }
        ArtifactKind kind =
                ArtifactKind.fromWireName(matcher.group(1))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "statement names an unknown kind"));
        return new ArtifactDigest(kind, matcher.group(2), Long.valueOf(matcher.group(3)));
    }

    private static String value(String line, String key) {
        String prefix = key + ": ";
        if (!line.startsWith(prefix)) {
            throw new IllegalArgumentException(
                    "statement line '" + key + "' missing or out of order");
        }
        return line.substring(prefix.length());
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append(": ").append(value).append('\n');
    }
}
