package dev.crateforge.system;

import dev.crateforge.localstack.child.ChildMain;
import dev.crateforge.localstack.server.ChildJvm;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reference builder ({@code crateforge-builder run}) in a child JVM with a key of its own, as an
 * operator would run it on a build machine. Its terminal output goes to a log file.
 */
public final class BuilderProcess implements AutoCloseable {

    private final String name;
    private final SshPrivateKey key;
    private final Process process;
    private final Path logFile;

    private BuilderProcess(String name, SshPrivateKey key, Process process, Path logFile) {
        this.name = name;
        this.key = key;
        this.process = process;
        this.logFile = logFile;
    }

    /** A fresh Ed25519 key written where {@code crateforge-builder run --key} reads it. */
    public static SshPrivateKey newKey(Path file) {
        SshPrivateKey key = SshPrivateKey.generateEd25519();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, key.toOpenSsh());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return key;
    }

    /**
     * Starts {@code crateforge-builder run} against {@code gateway} with the key in {@code
     * keyFile}.
     */
    public static BuilderProcess start(
            String name,
            URI gateway,
            Path keyFile,
            List<String> targets,
            Path workDir,
            String... extraArgs) {
        SshPrivateKey key;
        try {
            key = SshPrivateKey.parse(Files.readString(keyFile));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read builder key " + keyFile, e);
        }
        Path logFile = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(ChildJvm.ownSession());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dcrateforge.system.builder=" + name);
        command.add("-Xmx192m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(Repository.quarkusApp("builder") + File.pathSeparator + watchdogClasspath());
        command.add(ChildMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add("io.quarkus.bootstrap.runner.QuarkusEntryPoint");
        command.add("run");
        command.add("--gateway=" + gateway);
        command.add("--key=" + keyFile);
        command.add("--targets=" + String.join(",", targets));
        command.add("--work-dir=" + workDir.resolve(name));
        command.addAll(List.of(extraArgs));
        try {
            Files.createDirectories(workDir);
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(logFile.toFile())
                            .start();
            return new BuilderProcess(name, key, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start builder " + name, e);
        }
    }

    public String name() {
        return name;
    }

    /** The OpenSSH public key line to register. */
    public String publicKeyLine() {
        return key.publicKey().openSshLine();
    }

    public Path logFile() {
        return logFile;
    }

    /** What the builder printed so far. */
    public String output() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "";
        }
    }

    /** The builder's JVM; its builds are among its {@code descendants()}. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the builder and its builds at once, as a lost machine would ({@code kill -9}). */
    public void kill() {
        List<ProcessHandle> tree = process.toHandle().descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM: the builder finishes or hands back its jobs and exits. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    static String watchdogClasspath() {
        try {
            return Path.of(
                            ChildMain.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the local-stack classes", e);
        }
    }
}
