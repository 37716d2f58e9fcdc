package dev.crateforge.builder.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directories of one job under names that are the same on every builder: the job directory is
 * {@value #JOB}, the extracted sources {@value #SOURCES}, the job's {@code CARGO_HOME} {@value
 * #CARGO_HOME} and the toolchain's sysroot {@value #SYSROOT}.
 *
 * <p>Where the builder keeps its jobs, which attempt this is and where rustup installed the
 * toolchain differ from machine to machine; left in an artifact (panic locations, debug info, the
 * {@code OUT_DIR} of a build script, {@code cargo metadata}), they would make two honest builders
 * disagree on its digest. The compiler is told to write the stable names instead ({@link
 * #remapFlags}), and the builder rewrites its own {@code cargo metadata} output the same way
 * ({@link #rewrite}), so both artifacts name the same places.
 */
final class StablePaths {

    static final String JOB = "/crateforge";
    static final String SOURCES = "/crateforge/src";
    static final String CARGO_HOME = "/cargo";
    static final String SYSROOT = "/rustc/sysroot";

    /** A directory as it may be printed, and its stable name. */
    record Mapping(String absolute, String stable) {}

    /** From the most general directory to the most specific one, as rustc wants them. */
    private final List<Mapping> mappings;

    /** The same, and each directory as a file URL spells it, for text. */
    private final List<Mapping> textMappings;

    private StablePaths(List<Mapping> mappings) {
        this.mappings = mappings;
        List<Mapping> text = new ArrayList<>(mappings);
        for (Mapping mapping : mappings) {
            String encoded = urlPath(mapping.absolute());
            if (!encoded.equals(mapping.absolute())) {
                text.add(new Mapping(encoded, mapping.stable()));
            }
        }
        text.sort(Comparator.comparingInt(m -> m.absolute().length()));
        this.textMappings = List.copyOf(text);
    }

    /**
     * The stable names of one job's directories, each as given and as resolved (a work dir behind a
     * symbolic link is printed resolved by cargo).
     *
     * @param sourceRoot where the {@code .crate} was extracted (its crate directory is inside)
     * @param cargoHome the job's {@code CARGO_HOME}
     * @param sysroot the toolchain's sysroot, when known
     */
    static StablePaths of(Path jobDir, Path sourceRoot, Path cargoHome, Optional<Path> sysroot) {
        Map<String, String> byPath = new LinkedHashMap<>();
        sysroot.ifPresent(dir -> put(byPath, dir, SYSROOT));
        put(byPath, jobDir, JOB);
        put(byPath, sourceRoot, SOURCES);
        put(byPath, cargoHome, CARGO_HOME);
        List<Mapping> mappings = new ArrayList<>();
        byPath.forEach((absolute, stable) -> mappings.add(new Mapping(absolute, stable)));
        // a directory inside another comes after it: rustc applies the last mapping that matches
        mappings.sort(Comparator.comparingInt(m -> m.absolute().length()));
        return new StablePaths(List.copyOf(mappings));
    }

    private static void put(Map<String, String> byPath, Path dir, String stable) {
        Path given = dir.toAbsolutePath().normalize();
        byPath.put(given.toString(), stable);
        try {
            if (Files.exists(given)) {
                byPath.put(given.toRealPath().toString(), stable);
            }
        } catch (IOException e) {
            // the given path is the one the build sees then
        }
    }

    List<Mapping> mappings() {
        return mappings;
    }

    /** {@code --remap-path-prefix=FROM=TO} for each directory, the most specific last. */
    List<String> remapFlags() {
        return mappings.stream()
                .map(m -> "--remap-path-prefix=" + m.absolute() + "=" + m.stable())
                .toList();
    }

    /**
     * {@code text} with every mention of a directory replaced by its stable name, the most specific
     * directory first, also where a file URL spells it with percent escapes ({@code
     * path+file:///work%20dir/…}, as cargo writes package ids). A mention counts only as a whole
     * directory: {@code /a/b} is replaced in {@code /a/b/c}, {@code /a/b#1.0.0} and {@code /a/b
     * and}, not in {@code /a/bc}.
     */
    String rewrite(String text) {
        String result = text;
        for (int i = textMappings.size() - 1; i >= 0; i--) {
            result = replaceDirectory(result, textMappings.get(i));
        }
        return result;
    }

    /**
     * A path as the path of a file URL: UTF-8, with control characters, space, {@code " # % < > ? `
     * { }} and every non-ASCII byte percent-encoded, as cargo's URLs do.
     */
    static String urlPath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"#%<>?`{}".indexOf(c) >= 0) {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static String replaceDirectory(String text, Mapping mapping) {
        String prefix = mapping.absolute();
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = text.indexOf(prefix, from)) >= 0) {
            int end = at + prefix.length();
            boolean whole = end == text.length() || !continuesName(text.charAt(end));
            out.append(text, from, at).append(whole ? mapping.stable() : prefix);
            from = end;
        }
        return out.append(text.substring(from)).toString();
    }

    /** True for a character that would make the text a longer file name than the directory. */
    private static boolean continuesName(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '+';
    }
}
