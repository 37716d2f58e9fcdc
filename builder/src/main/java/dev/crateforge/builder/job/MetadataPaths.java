package dev.crateforge.builder.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Makes {@code cargo metadata} output independent of where the builder keeps its job directories.
 * Cargo writes absolute paths ({@code manifest_path}, {@code workspace_root}, {@code
 * target_directory}, {@code build_directory}, each target's {@code src_path}) and package ids that
 * embed them ({@code path+file:///…/src/demo-0.1.0#0.1.0}); left as they are, the same crate gives
 * different bytes, and so a different digest, on every builder and every attempt, and the artifact
 * would leak the builder's file layout.
 *
 * <p>Every string that is a path inside the job directory becomes a path relative to the crate root
 * ({@code Cargo.toml}, {@code src/main.rs}, {@code ../../target}, {@code .} for the root itself);
 * every other mention of the crate root or the job directory inside a string (the package ids) is
 * replaced the same way. Field order and everything else are kept.
 */
final class MetadataPaths {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataPaths() {}

    /** Rewrites the metadata JSON in {@code file} in place. */
    static void relativise(Path file, Path crateDir, Path jobDir) throws JobFailure {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<Prefix> prefixes = prefixes(crateDir, jobDir);
            JsonNode rewritten = rewrite(root, prefixes);
            Files.write(file, JSON.writeValueAsBytes(rewritten));
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot rewrite cargo metadata output: " + JobFailure.describe(e),
                    e);
        }
    }

    /** A directory as cargo may print it, and what it stands for relative to the crate root. */
    private record Prefix(String absolute, String relative) {}

    /**
     * The crate root and the job directory, each as given and as resolved (cargo prints the
     * resolved current directory when the work dir is behind a symbolic link); longest first so
     * that the crate root wins over the job directory that contains it.
     */
    private static List<Prefix> prefixes(Path crateDir, Path jobDir) throws IOException {
        List<Prefix> prefixes = new ArrayList<>();
        for (Path crate : List.of(crateDir.toAbsolutePath().normalize(), crateDir.toRealPath())) {
            prefixes.add(new Prefix(crate.toString(), "."));
        }
        String jobRelative =
                crateDir.toAbsolutePath().relativize(jobDir.toAbsolutePath()).toString();
        for (Path job : List.of(jobDir.toAbsolutePath().normalize(), jobDir.toRealPath())) {
            prefixes.add(new Prefix(job.toString(), jobRelative));
        }
        prefixes.sort((a, b) -> b.absolute.length() - a.absolute.length());
        return prefixes;
    }

    private static JsonNode rewrite(JsonNode node, List<Prefix> prefixes) {
        if (node.isTextual()) {
            return TextNode.valueOf(rewrite(node.asText(), prefixes));
        }
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(rewrite(field.getValue(), prefixes));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, rewrite(array.get(i), prefixes));
            }
        }
        return node;
    }

    /** A path under a prefix becomes relative; other mentions of a prefix are replaced. */
    private static String rewrite(String text, List<Prefix> prefixes) {
        for (Prefix prefix : prefixes) {
            if (text.equals(prefix.absolute)) {
                return prefix.relative;
            }
            if (text.startsWith(prefix.absolute + "/")) {
                String rest = text.substring(prefix.absolute.length() + 1);
                return prefix.relative.equals(".") ? rest : prefix.relative + "/" + rest;
            }
        }
        String result = text;
        for (Prefix prefix : prefixes) {
            result = replaceDirectory(result, prefix);
        }
        return result;
    }

    /**
     * Replaces {@code prefix} where it stands as a whole directory (not {@code /a/b} in {@code
     * /a/bc}).
     */
    private static String replaceDirectory(String text, Prefix prefix) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = text.indexOf(prefix.absolute, from)) >= 0) {
            int end = at + prefix.absolute.length();
            boolean whole = end == text.length() || "/#?".indexOf(text.charAt(end)) >= 0;
            out.append(text, from, at).append(whole ? prefix.relative : prefix.absolute);
            from = end;
        }
        return out.append(text.substring(from)).toString();
    }
}
