package dev.crateforge.artifact.rest;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * cargo-binstall's rules, written from its documentation (SUPPORT.md) and the template engine it
 * uses (leon), so that the stable layout is tested against them where cargo-binstall itself cannot
 * be installed: {@code { key }} is replaced by the key's value, the key being the brace's contents
 * with surrounding whitespace trimmed; {@code \{}, {@code \}} and {@code \\} are literal; any other
 * backslash, an unknown key or an unmatched brace is an error. And the bin-dir binstall infers when
 * a crate sets none: the first of its eight candidate directories that the archive holds, then
 * {@code /{ bin }{ binary-ext }}; with none of them, {@code { bin }{ binary-ext }} at the top
 * level.
 */
final class BinstallTemplate {

    /** binstall's candidate directories, in its order (binstalk-bins infer_bin_dir_template). */
    static final List<String> DEFAULT_BIN_DIRS =
            List.of(
                    "{ name }-{ target }-v{ version }",
                    "{ name }-{ target }-{ version }",
                    "{ name }-{ version }-{ target }",
                    "{ name }-v{ version }-{ target }",
                    "{ name }-{ target }",
                    "{ name }-{ version }",
                    "{ name }-v{ version }",
                    "{ name }");

    static final String FLAT_BIN_DIR = "{ bin }{ binary-ext }";

    private BinstallTemplate() {}

    /** The variables binstall gives a template for a crate, version, target and binary. */
    static Map<String, String> variables(String name, String version, String target, String bin) {
        String binaryExt = target.contains("windows") ? ".exe" : "";
        return Map.of(
                "name", name,
                "version", version,
                "target", target,
                "bin", bin,
                "binary-ext", binaryExt,
                "archive-suffix", ".tgz",
                "archive-format", "tgz",
                "repo", "");
    }

    /** Renders {@code template} as leon does. */
    static String render(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '\\') {
                if (i + 1 >= template.length() || "\\{}".indexOf(template.charAt(i + 1)) < 0) {
                    throw new IllegalArgumentException("bad escape at " + i + " in " + template);
                }
                out.append(template.charAt(i + 1));
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed brace in " + template);
                }
                String key = template.substring(i + 1, end).strip();
                String value = values.get(key);
                if (value == null) {
                    throw new IllegalArgumentException("unknown key '" + key + "'");
                }
                out.append(value);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("unmatched } in " + template);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * The bin-dir template binstall uses for an extracted archive when the crate sets none; {@code
     * isDirectory} says whether the archive holds a directory at a relative path.
     */
    static String inferBinDir(Map<String, String> values, Predicate<String> isDirectory) {
        for (String candidate : DEFAULT_BIN_DIRS) {
            String dir = render(candidate, values);
            if (isDirectory.test(dir)) {
                return dir + "/" + FLAT_BIN_DIR;
            }
        }
        return FLAT_BIN_DIR;
    }
}
