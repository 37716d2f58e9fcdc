package dev.crateforge.scheduler.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.protocol.job.Naming;
import java.util.Locale;

/**
 * One version of a crate as a registry's index lists it (Cargo book, "Registry index": one JSON
 * object per line). Only the fields the intake uses are kept; the others (dependencies, features,
 * …) are ignored, as cargo ignores fields it does not know, so that the index format can grow.
 *
 * @param cksum the SHA-256 of the {@code .crate} file, lowercase hex
 */
public record IndexLine(String name, String vers, String cksum, boolean yanked) {

    /** The longest line accepted; real lines are a few kilobytes at most. */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of parsing one line: a version, or why the line is refused. */
    public sealed interface Parsed {}

    public record Valid(IndexLine line) implements Parsed {}

    /**
     * @param reason what is wrong, never the line's text (it may be huge or hostile)
     */
    public record Invalid(String reason) implements Parsed {}

    /**
     * Parses a line of the index file of {@code fileCrate} (the file's name, which a line must
     * match case-insensitively, as crate names do).
     */
    public static Parsed parse(String text, int utf8Length, String fileCrate) {
        if (utf8Length > MAX_LINE_BYTES) {
            return new Invalid("line of " + utf8Length + " bytes is over " + MAX_LINE_BYTES);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Invalid("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            return new Invalid("not a JSON object");
        }
        String name = text(node, "name");
        String vers = text(node, "vers");
        String cksum = text(node, "cksum");
        if (name == null || vers == null || cksum == null) {
            return new Invalid("field 'name', 'vers' or 'cksum' is missing or not a string");
        }
        JsonNode yanked = node.get("yanked");
        if (yanked != null && !yanked.isBoolean()) {
            return new Invalid("field 'yanked' is not a boolean");
        }
        if (!Naming.isCrateName(name)) {
            return new Invalid("field 'name' is not a crate name");
        }
        if (!name.toLowerCase(Locale.ROOT).equals(fileCrate.toLowerCase(Locale.ROOT))) {
            return new Invalid("field 'name' does not match the file's crate");
        }
        if (!Naming.isVersion(vers)) {
            return new Invalid("field 'vers' is not a semantic version");
        }
        if (!Naming.isSha256Hex(cksum)) {
            return new Invalid("field 'cksum' is not 64 lowercase hexadecimal digits");
        }
        return new Valid(new IndexLine(name, vers, cksum, yanked != null && yanked.booleanValue()));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
