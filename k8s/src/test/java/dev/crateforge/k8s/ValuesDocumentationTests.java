package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value a user can set is documented with a {@code # --} comment (the helm-docs convention),
 * on the key itself or on the map it belongs to. Needs no helm.
 */
class ValuesDocumentationTests {

    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");

    @Test
    void everyValueCarriesADashDashComment() throws IOException {
        List<String> undocumented = undocumentedKeys(Chart.DIR.resolve("values.yaml"));

        assertThat(undocumented).as("keys of values.yaml without a `# --` comment").isEmpty();
    }

    @Test
    void checkerFlagsAnUndocumentedValue() throws IOException {
        Path file = Files.createTempFile("values-", ".yaml");
        try {
            Files.writeString(
                    file,
                    """
                    gateway:
                      # -- Pods when autoscaling is off
                      replicaCount: 2
                      # -- Resources, documented as a whole
                      resources:
                        requests:
                          cpu: 250m
                      timeout: 30
                    """);

            assertThat(undocumentedKeys(file)).containsExactly("gateway.timeout");
        } finally {
            Files.delete(file);
        }
    }

    /** A leaf key is documented when it, or a map above it, has a {@code # --} comment. */
    private static List<String> undocumentedKeys(Path valuesFile) throws IOException {
        List<String> undocumented = new ArrayList<>();
        Deque<Entry> parents = new ArrayDeque<>();
        boolean commentPending = false;
        for (String line : Files.readAllLines(valuesFile)) {
            String stripped = line.strip();
            if (stripped.startsWith("# --")) {
                commentPending = true;
                continue;
            }
            if (stripped.startsWith("#")) {
                continue; // continuation of a comment keeps what came before
            }
            if (stripped.isEmpty() || stripped.startsWith("- ")) {
                if (stripped.isEmpty()) {
                    commentPending = false;
                }
                continue;
            }
            Matcher key = KEY.matcher(line);
            if (!key.matches()) {
                continue;
            }
            int indent = key.group(1).length();
            while (!parents.isEmpty() && parents.peek().indent >= indent) {
                parents.pop();
            }
            boolean inherited = parents.stream().anyMatch(Entry::documented);
            Entry entry =
                    new Entry(
                            indent,
                            (parents.isEmpty() ? "" : parents.peek().path + ".") + key.group(2),
                            commentPending || inherited);
            String value = key.group(3).strip();
            boolean leaf = !value.isEmpty() && !value.startsWith("#");
            if (leaf && !entry.documented) {
                undocumented.add(entry.path);
            }
            parents.push(entry);
            commentPending = false;
        }
        return undocumented;
    }

    private record Entry(int indent, String path, boolean documented) {}
}
