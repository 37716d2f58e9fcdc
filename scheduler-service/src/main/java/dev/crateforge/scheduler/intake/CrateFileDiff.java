package dev.crateforge.scheduler.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed in one crate's index file between two commits: versions added, yanked and unyanked,
 * and the lines that could not be read. A bad line is reported once, in the commit that added it,
 * not again whenever a later version changes the same file.
 */
final class CrateFileDiff {

    /** A change of one version; {@code number} is its line in the new file, from 1. */
    sealed interface Change {
        IndexLine line();

        int number();
    }

    /** A version that was not in the file before (it may arrive already yanked). */
    record Added(IndexLine line, int number) implements Change {}

    /** A version whose {@code yanked} flag changed. */
    record YankChanged(IndexLine line, int number) implements Change {}

    /** A line that was refused; {@code number} counts from 1 in the new file. */
    record BadLine(String file, int number, String reason) {}

    /** The changes of one file, and its bad lines. */
    record Result(List<Change> changes, List<BadLine> badLines) {}

    private CrateFileDiff() {}

    /** Compares the file's old and new contents (an absent side is null: a new or deleted file). */
    static Result compare(String path, String crate, byte[] before, byte[] after) {
        Map<String, IndexLine> old = new HashMap<>();
        Set<String> oldText = new HashSet<>();
        if (before != null) {
            for (String text : lines(before)) {
                if (text.isBlank()) {
                    continue;
                }
                oldText.add(text);
                if (IndexLine.parse(text, utf8Length(text), crate)
                        instanceof IndexLine.Valid valid) {
                    old.put(valid.line().vers(), valid.line());
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        List<BadLine> bad = new ArrayList<>();
        if (after == null) {
            return new Result(changes, bad);
        }
        Set<String> seen = new HashSet<>();
        List<String> lines = lines(after);
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            IndexLine.Parsed parsed = IndexLine.parse(text, utf8Length(text), crate);
            if (parsed instanceof IndexLine.Invalid invalid) {
                if (!oldText.contains(text)) {
                    bad.add(new BadLine(path, i + 1, invalid.reason()));
                }
                continue;
            }
            IndexLine line = ((IndexLine.Valid) parsed).line();
            if (!seen.add(line.vers())) {
                if (!oldText.contains(text)) {
                    bad.add(new BadLine(path, i + 1, "version listed twice in the file"));
                }
                continue;
            }
            IndexLine previous = old.get(line.vers());
            if (previous == null) {
                changes.add(new Added(line, i + 1));
            } else if (previous.yanked() != line.yanked()) {
                changes.add(new YankChanged(line, i + 1));
            }
        }
        return new Result(changes, bad);
    }

    /** The file's lines in order (blank ones too, so that numbers are the file's). */
    private static List<String> lines(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i < bytes.length || i > start) {
                    lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static int utf8Length(String text) {
        // A UTF-8 character takes at most three bytes per UTF-16 unit: only a line that could be
        // over the limit pays for encoding it again.
        return text.length() <= IndexLine.MAX_LINE_BYTES / 3
                ? text.length()
                : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
