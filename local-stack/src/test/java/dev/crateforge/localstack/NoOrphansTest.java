package dev.crateforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.server.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack whose JVM is killed outright ({@code kill -9}) leaves no server behind: not the child
 * JVMs, and not PostgreSQL's native processes, which are not even descendants of the stack's JVM
 * (pg_ctl daemonises them). Also measures start time and memory of a cold-JVM stack.
 */
class NoOrphansTest {

    @Test
    void killedStackTakesItsServersWithIt(@TempDir Path dir) throws IOException {
        Path attach = dir.resolve("stack.properties");
        Path data = dir.resolve("data");
        Path output = dir.resolve("stack.out");
        long begin = System.nanoTime();
        Process stack =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx128m",
                                "-XX:+UseSerialGC",
                                "-cp",
                                System.getProperty("java.class.path"),
                                LocalStack.class.getName(),
                                "--data-dir",
                                data.toString(),
                                "--attach-file",
                                attach.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> Files.exists(attach) || !stack.isAlive());
            assertThat(stack.isAlive()).as(() -> read(output)).isTrue();
            long startMillis = (System.nanoTime() - begin) / 1_000_000;

            List<ProcessHandle> children = stack.descendants().toList();
            assertThat(children).as("child JVMs").filteredOn(p -> !server(p).isEmpty()).hasSize(3);
            ProcessHandle postmaster = postmaster(data);
            List<ProcessHandle> postgres = new ArrayList<>(postmaster.descendants().toList());
            postgres.add(postmaster);
            report(startMillis, children, postgres);

            stack.destroyForcibly();

            List<ProcessHandle> everything = new ArrayList<>(children);
            everything.addAll(postgres);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(everything).noneMatch(ProcessHandle::isAlive));
        } finally {
            stack.destroyForcibly();
        }
    }

    /** PostgreSQL writes its pid as the first line of postmaster.pid in its data directory. */
    private static ProcessHandle postmaster(Path data) throws IOException {
        String pid = Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).strip();
        return ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
    }

    private static void report(
            long startMillis, List<ProcessHandle> jvms, List<ProcessHandle> postgres) {
        String children =
                jvms.stream()
                        .map(p -> server(p) + " JVM=" + rssMiB(p) + " MiB")
                        .collect(Collectors.joining(", "));
        long postgresTotal = postgres.stream().mapToLong(NoOrphansTest::rssMiB).sum();
        System.out.println(
                "local-stack footprint: started in "
                        + startMillis
                        + " ms (fresh JVM, attach file"
                        + " written); RSS "
                        + children
                        + ", postgres processes="
                        + postgresTotal
                        + " MiB");
    }

    private static String server(ProcessHandle p) {
        // The name is the first option, so it survives Linux's 4 KiB cut of a long command
        // line; the JDK gives no arguments() at all for such a process.
        String line = p.info().commandLine().orElse("");
        String marker = "-D" + ChildJvm.SERVER_PROPERTY + "=";
        int at = line.indexOf(marker);
        if (at < 0) {
            return "";
        }
        int from = at + marker.length();
        int to = line.indexOf(' ', from);
        return line.substring(from, to < 0 ? line.length() : to);
    }

    /** Resident set size from /proc (Linux), in MiB; 0 where /proc is not there. */
    private static long rssMiB(ProcessHandle p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone or not Linux: the measurement is informational.
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
