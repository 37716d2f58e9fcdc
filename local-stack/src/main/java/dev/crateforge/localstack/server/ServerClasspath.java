package dev.crateforge.localstack.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The class path of one server's child JVM: the jars its own roots need, plus this module's
 * classes.
 *
 * <p>Why not one class path for all three: one Maven module mediates one version of each artifact,
 * so separate files could not fix a version clash, but the union of everything local-stack resolves
 * also holds the Quarkus test framework (with a second SLF4J binding), Kafka's Scala runtime next
 * to S3Proxy's cloud SDKs, and so on. Each server gets only the transitive closure of its roots,
 * taken from the verbose dependency graph that the build writes next to the resolved jar list (see
 * the module's pom). The verbose graph keeps the "omitted for duplicate" edges, so a jar that two
 * servers share is in both closures.
 */
public final class ServerClasspath {

    private static final String JARS = "dependencies.classpath";
    private static final String GRAPH = "dependencies.tgf";

    private ServerClasspath() {}

    /**
     * The class path for a child whose main needs the given roots ({@code groupId:artifactId}).
     *
     * @throws IllegalStateException when the build did not resolve one of the roots
     */
    public static String forRoots(String... roots) {
        List<String> jars = resolvedJars();
        Graph graph = Graph.parse(read(GRAPH));
        List<String> entries = new ArrayList<>();
        entries.add(ownClasses());
        for (Coordinates artifact : graph.closure(roots)) {
            entries.add(artifact.findIn(jars));
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static List<String> resolvedJars() {
        return List.of(read(JARS).trim().split(java.io.File.pathSeparator));
    }

    private static String read(String name) {
        try (InputStream in = ServerClasspath.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        name
                                + " is missing next to "
                                + ServerClasspath.class.getName()
                                + "; the local-stack build writes it (generate-resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory or jar this class came from: the child mains live there too. */
    private static String ownClasses() {
        try {
            var source = ServerClasspath.class.getProtectionDomain().getCodeSource();
            if (source != null && "file".equals(source.getLocation().getProtocol())) {
                return Path.of(source.getLocation().toURI()).toString();
            }
            // Some class loaders (e.g. Quarkus's) give no file code source; the class file's URL
            // still says where it lives: file:/.../classes/dev/... or jar:file:/...jar!/dev/...
            String self = ServerClasspath.class.getName().replace('.', '/') + ".class";
            String url = ServerClasspath.class.getClassLoader().getResource(self).toString();
            if (url.startsWith("jar:file:")) {
                return Path.of(new java.net.URI(url.substring(4, url.indexOf("!/")))).toString();
            }
            if (url.startsWith("file:")) {
                String dir = url.substring(0, url.length() - self.length());
                return Path.of(new java.net.URI(dir)).toString();
            }
            throw new IllegalStateException("cannot tell where local-stack's classes are: " + url);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A resolved artifact as the graph names it. */
    record Coordinates(
            String key,
            String groupId,
            String artifactId,
            String classifier,
            String version,
            String type) {

        /** Parses {@code g:a:type[:classifier]:version[:scope]}, the label of a graph node. */
        static Coordinates parse(String label) {
            String[] p = label.split(":");
            boolean classified = p.length == 6;
            String classifier = classified ? p[3] : "";
            String version = classified ? p[4] : p[3];
            String key = p[0] + ":" + p[1] + (classified ? ":" + classifier : "");
            return new Coordinates(key, p[0], p[1], classifier, version, p[2]);
        }

        /** This artifact's file among the resolved ones, by the local repository's layout. */
        String findIn(List<String> jars) {
            String file =
                    artifactId
                            + "-"
                            + version
                            + (classifier.isEmpty() ? "" : "-" + classifier)
                            + "."
                            + type;
            String tail = String.join("/", groupId.replace('.', '/'), artifactId, version, file);
            for (String jar : jars) {
                if (jar.replace('\\', '/').endsWith("/" + tail)) {
                    return jar;
                }
            }
            throw new IllegalStateException(key + ":" + version + " was not resolved by the build");
        }
    }

    /** The verbose dependency graph in Trivial Graph Format: nodes, a '#' line, then edges. */
    static final class Graph {
        private final Map<String, Coordinates> winners = new HashMap<>();
        private final Map<String, Set<String>> children = new HashMap<>();

        static Graph parse(String tgf) {
            Graph graph = new Graph();
            Map<String, String> keyOfNode = new HashMap<>();
            boolean edges = false;
            for (String line : tgf.split("\n")) {
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.equals("#")) {
                    edges = true;
                    continue;
                }
                String[] parts = line.split(" ", 3);
                if (edges) {
                    graph.children
                            .computeIfAbsent(keyOfNode.get(parts[0]), k -> new LinkedHashSet<>())
                            .add(keyOfNode.get(parts[1]));
                    continue;
                }
                // "(g:a:...:scope - omitted for duplicate)" marks a node that lost mediation:
                // its edge still counts, but its file is the winner's.
                boolean omitted = parts[1].startsWith("(");
                Coordinates coordinates = Coordinates.parse(parts[1].replace("(", ""));
                keyOfNode.put(parts[0], coordinates.key());
                if (!omitted) {
                    graph.winners.putIfAbsent(coordinates.key(), coordinates);
                }
            }
            return graph;
        }

        /** Every resolved artifact reachable from the roots, roots first. */
        Set<Coordinates> closure(String... roots) {
            Set<String> seen = new HashSet<>();
            Set<Coordinates> result = new LinkedHashSet<>();
            Deque<String> queue = new ArrayDeque<>(List.of(roots));
            for (String root : roots) {
                if (!winners.containsKey(root)) {
                    throw new IllegalStateException(root + " is not a dependency of local-stack");
                }
            }
            while (!queue.isEmpty()) {
                String key = queue.poll();
                if (!seen.add(key)) {
                    continue;
                }
                // An edge to an artifact that no path resolved (optional, excluded) adds nothing.
                Coordinates winner = winners.get(key);
                if (winner != null) {
                    result.add(winner);
                }
                queue.addAll(children.getOrDefault(key, Set.of()));
            }
            return result;
        }
    }
}
