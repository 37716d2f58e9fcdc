package dev.crateforge.artifact.service.comparison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.crateforge.artifact.service.Deadline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Where several JSON documents differ: the JSON Pointers (RFC 6901) of the values that are not the
 * same in all of them. Objects are compared member by member, arrays element by element; anything
 * else (another type, another scalar, a member or element one of them lacks) is a difference at its
 * path, which is not descended further.
 *
 * @param paths in document order, at most the bound asked for
 * @param cut why the list stopped early, or null when it is whole
 */
public record JsonDiff(List<String> paths, String cut) {

    /** The paths at which {@code documents} differ, at most {@code maxPaths} of them. */
    static JsonDiff of(List<JsonNode> documents, int maxPaths, Deadline deadline) {
        Walk walk = new Walk(maxPaths, deadline);
        walk.compare("", documents);
        return new JsonDiff(walk.paths, walk.cut);
    }

    private static final class Walk {
        private final int maxPaths;
        private final Deadline deadline;
        private final List<String> paths = new ArrayList<>();
        private String cut;

        Walk(int maxPaths, Deadline deadline) {
            this.maxPaths = maxPaths;
            this.deadline = deadline;
        }

        void compare(String path, List<JsonNode> nodes) {
            if (cut != null) {
                return;
            }
            if (deadline.passed()) {
                cut = "the comparison ran out of time";
                return;
            }
            if (nodes.stream().allMatch(n -> n.equals(nodes.get(0)))) {
                return;
            }
            if (nodes.stream().allMatch(JsonNode::isObject)) {
                TreeSet<String> names = new TreeSet<>();
                for (JsonNode n : nodes) {
                    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                        names.add(it.next());
                    }
                }
                for (String name : names) {
                    compare(
                            path + '/' + escape(name),
                            nodes.stream().map(n -> at(n, name)).toList());
                }
                return;
            }
            if (nodes.stream().allMatch(JsonNode::isArray)) {
                int longest = nodes.stream().mapToInt(JsonNode::size).max().orElse(0);
                for (int i = 0; i < longest; i++) {
                    int index = i;
                    compare(path + '/' + i, nodes.stream().map(n -> at(n, index)).toList());
                }
                return;
            }
            if (paths.size() == maxPaths) {
                cut = "more than " + maxPaths + " differing paths";
                return;
            }
            paths.add(path);
        }

        private static JsonNode at(JsonNode node, String name) {
            JsonNode value = node.get(name);
            return value == null ? MissingNode.getInstance() : value;
        }

        private static JsonNode at(JsonNode node, int index) {
            JsonNode value = node.get(index);
            return value == null ? MissingNode.getInstance() : value;
        }

        /** RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
        private static String escape(String name) {
            return name.replace("~", "~0").replace("/", "~1");
        }
    }
}
