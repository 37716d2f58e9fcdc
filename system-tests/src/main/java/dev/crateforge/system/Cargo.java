package dev.crateforge.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine's real Rust toolchain, used to make test crates exactly the way crate authors do:
 * {@code cargo package} writes the {@code .crate} archive a registry would serve.
 */
public final class Cargo {

    private final Path cargo;

    private Cargo(Path cargo) {
        this.cargo = cargo;
    }

    /** The cargo on PATH or in {@code ~/.cargo/bin}, if there is one. */
    public static Optional<Cargo> find() {
        List<Path> candidates = new ArrayList<>();
        for (String dir :
                System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "cargo"));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Cargo::new);
    }

    public Path executable() {
        return cargo;
    }

    /** The triple this machine builds for by default, from {@code rustc -vV}. */
    public String hostTarget() {
        Path rustc = cargo.resolveSibling("rustc");
        String output =
                run(
                        cargo.getParent(),
                        List.of(Files.isExecutable(rustc) ? rustc.toString() : "rustc", "-vV"));
        return output.lines()
                .filter(line -> line.startsWith("host: "))
                .map(line -> line.substring("host: ".length()).strip())
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("rustc -vV printed no host: " + output));
    }

    /** Writes a binary crate whose {@code main} is {@code mainRs}; returns its directory. */
    public static Path writeBinaryCrate(Path parent, String name, String version, String mainRs) {
        return writeCrate(parent, name, version, "src/main.rs", mainRs);
    }

    /** Writes a library crate whose {@code lib.rs} is {@code libRs}; returns its directory. */
    public static Path writeLibraryCrate(Path parent, String name, String version, String libRs) {
        return writeCrate(parent, name, version, "src/lib.rs", libRs);
    }

    /** Runs {@code cargo package} in {@code crateDir}; returns the {@code .crate} file. */
    public Path pack(Path crateDir, String name, String version) {
        run(
                crateDir,
                List.of(
                        cargo.toString(),
                        "package",
                        "--allow-dirty",
                        "--no-verify",
                        "--offline",
                        "--quiet"));
        Path crate = crateDir.resolve("target/package/" + name + "-" + version + ".crate");
        if (!Files.isRegularFile(crate)) {
            throw new IllegalStateException("cargo package wrote no " + crate);
        }
        return crate;
    }

    private static Path writeCrate(
            Path parent, String name, String version, String source, String code) {
        Path dir = parent.resolve(name + "-" + version);
        String manifest =
                "[package]\n"
                        + "name = \""
                        + name
                        + "\"\n"
                        + "version = \""
                        + version
                        + "\"\n"
                        + "edition = \"2021\"\n"
                        + "description = \"A crate made by the CrateForge system tests\"\n"
                        + "license = \"MIT\"\n";
        try {
            Files.createDirectories(dir.resolve("src"));
            Files.writeString(dir.resolve("Cargo.toml"), manifest);
            Files.writeString(dir.resolve(source), code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static String run(Path dir, List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .start();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
