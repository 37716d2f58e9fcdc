package dev.crateforge.localstack.server;

import dev.crateforge.localstack.child.ChildMain;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a server in a child JVM under {@link ChildMain} and waits until its port answers.
 *
 * <p>Each child logs (stdout and stderr) to its own file, so a failure can point at one file. The
 * JVM options keep children small: the machine runs three servers next to the tests.
 */
public final class ChildJvm {

    /** System property naming the server in each child JVM's command line. */
    public static final String SERVER_PROPERTY = "crateforge.local-stack.server";

    /** System property with extra JVM options for every server child, space-separated. */
    public static final String EXTRA_OPTIONS_PROPERTY = "crateforge.local-stack.child-jvm-options";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final long POLL_MILLIS = 50;
    private static final String LOGBACK_CONFIG =
            "dev/crateforge/localstack/child/logback-child.xml";

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final String name;
    private final int port;
    private final Path logFile;
    private final List<String> jvmOptions = new ArrayList<>();
    private String classpath;
    private String mainClass;
    private final List<String> args = new ArrayList<>();

    private ChildJvm(String name, int port, Path logFile) {
        this.name = name;
        this.port = port;
        this.logFile = logFile;
    }

    /** A child named {@code name} that will be ready when 127.0.0.1:{@code port} accepts. */
    public static ChildJvm named(String name, int port, Path logFile) {
        return new ChildJvm(name, port, logFile);
    }

    public ChildJvm jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public ChildJvm classpath(String classpath) {
        this.classpath = classpath;
        return this;
    }

    public ChildJvm main(String mainClass, String... args) {
        this.mainClass = mainClass;
        this.args.addAll(List.of(args));
        return this;
    }

    /** Starts the child and returns once its port answers; throws naming server, port and log. */
    public ServerProcess start() {
        return launch(Redirect.to(logFile.toFile()));
    }

    /**
     * Starts the same child again, on the same port with the same arguments (so the same data),
     * once the previous one is gone; its output goes on at the end of the same log file, so that
     * the log tells the whole story of a server that crashed and came back.
     */
    ServerProcess relaunch() {
        return launch(Redirect.appendTo(logFile.toFile()));
    }

    private ServerProcess launch(Redirect output) {
        // Readiness is "the port answers", so a port someone else holds would look ready at once.
        if (answers(port)) {
            throw new ServerStartException(name, port, logFile, "the port is already in use", null);
        }
        Process process;
        try {
            Files.createDirectories(logFile.getParent());
            process =
                    new ProcessBuilder(command())
                            .redirectErrorStream(true)
                            .redirectOutput(output)
                            .start();
        } catch (IOException | RuntimeException e) {
            throw new ServerStartException(name, port, logFile, "could not launch java", e);
        }
        ServerProcess server = new ServerProcess(name, port, logFile, process, this);
        long begin = System.nanoTime();
        long deadline = begin + START_TIMEOUT.toNanos();
        while (!answers(port)) {
            if (!process.isAlive()) {
                throw new ServerStartException(
                        name, port, logFile, "it exited with code " + process.exitValue(), null);
            }
            if (System.nanoTime() > deadline) {
                server.stop(Duration.ofSeconds(5));
                throw new ServerStartException(
                        name,
                        port,
                        logFile,
                        "the port did not answer within " + START_TIMEOUT,
                        null);
            }
            pause();
        }
        server.started((System.nanoTime() - begin) / 1_000_000);
        return server;
    }

    /**
     * The prefix that starts a child in a session of its own ({@code setsid}, where there is one):
     * a Ctrl-C in the terminal then reaches only the parent, which stops its children in dependency
     * order, instead of every process of the terminal's group at once. The watchdog ({@link
     * ChildMain}) still ends the child when the parent dies. {@code setsid} execs in place (a fresh
     * child is no group leader), so the child's pid is the one the parent sees.
     */
    public static List<String> ownSession() {
        return Files.isExecutable(SETSID) ? List.of(SETSID.toString()) : List.of();
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(ownSession());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // First, so that `ps` (which truncates long command lines) still shows which server it is.
        command.add("-D" + SERVER_PROPERTY + "=" + name);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Xss512k");
        command.add("-Dlogback.configurationFile=" + LOGBACK_CONFIG);
        // C1 only: on two cores C2's compiler threads would compete with three servers starting at
        // once, and tests need a server up quickly more than at its peak speed.
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        // Last, so that it wins: e.g. -XX:TieredStopAtLevel=4 for a benchmark.
        String extra = System.getProperty(EXTRA_OPTIONS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-cp");
        command.add(classpath);
        command.add(ChildMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server", e);
        }
    }
}
