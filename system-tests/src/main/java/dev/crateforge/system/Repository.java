package dev.crateforge.system;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the packaged applications of this repository: each Quarkus module's {@code
 * target/quarkus-app/quarkus-run.jar}, which the reactor builds before the system tests run.
 */
final class Repository {

    /** System property with the repository root; the build sets it. */
    static final String ROOT_PROPERTY = "crateforge.root";

    private Repository() {}

    static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        if (!Files.exists(root.resolve("mvnw"))) {
            throw new IllegalStateException(
                    "cannot find the repository root (set -D" + ROOT_PROPERTY + "): " + root);
        }
        return root;
    }

    /** The runnable jar of {@code module}, or an error that says how to build it. */
    static Path quarkusApp(String module) {
        Path jar = root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    module
                            + " is not packaged ("
                            + jar
                            + "): run ./mvnw -DskipTests package first");
        }
        return jar;
    }
}
