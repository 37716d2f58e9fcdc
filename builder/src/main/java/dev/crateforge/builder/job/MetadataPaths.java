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
import java.util.Iterator;
import java.util.Map;

/**
 * Makes {@code cargo metadata} output independent of where the builder keeps its job directories.
 * Cargo writes absolute paths ({@code manifest_path}, {@code workspace_root}, {@code
 * target_directory}, {@code build_directory}, each target's {@code src_path}) and package ids that
 * embed them ({@code path+file:///…/src/demo-0.1.0#0.1.0}); left as they are, the same crate gives
 * different bytes, and so a different digest, on every builder and every attempt, and the artifact
 * would leak the builder's file layout.
 *
 * <p>Every mention of a job directory inside a string becomes its stable name ({@link
 * StablePaths}): {@code /crateforge/src/demo-0.1.0/Cargo.toml}, {@code /crateforge/target}, {@code
 * path+file:///crateforge/src/demo-0.1.0#0.1.0}, the same names the compiler writes into binaries.
 * Field order and everything else are kept.
 */
final class MetadataPaths {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataPaths() {}

    /** Rewrites the metadata JSON in {@code file} in place. */
    static void stabilise(Path file, StablePaths paths) throws JobFailure {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Files.write(file, JSON.writeValueAsBytes(rewrite(root, paths)));
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot rewrite cargo metadata output: " + JobFailure.describe(e),
                    e);
        }
    }

    private static JsonNode rewrite(JsonNode node, StablePaths paths) {
        if (node.isTextual()) {
            return TextNode.valueOf(paths.rewrite(node.asText()));
        }
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(rewrite(field.getValue(), paths));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, rewrite(array.get(i), paths));
            }
        }
        return node;
    }
}
