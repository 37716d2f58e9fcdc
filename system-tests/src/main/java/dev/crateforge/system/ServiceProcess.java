package dev.crateforge.system;

import dev.crateforge.localstack.server.ChildJvm;
import dev.crateforge.localstack.server.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CrateForge service running from its packaged jar in a child JVM.
 *
 * <p>It runs under local-stack's watchdog ({@code ChildMain}), so it dies with the JVM that started
 * it, and it counts as started only once {@code /q/health/ready} says UP.
 *
 * <p>Extra JVM options for one module's processes, opt-in, for profiling a service inside a system
 * run (the stack-wide {@code ChildJvm} options would also reach Kafka and S3Proxy): {@value
 * #JVM_OPTIONS_PROPERTY}{@code .<module>}, space-separated, {@code {name}} standing for the
 * process's name so that replicas write distinct files, e.g. {@code
 * -Dcrateforge.system.jvm-options.artifact-service=-XX:StartFlightRecording=filename=/tmp/{name}.jfr}.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Prefix of the per-module system property with extra JVM options. */
    public static final String JVM_OPTIONS_PROPERTY = "crateforge.system.jvm-options";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private volatile ServerProcess process;

    private ServiceProcess(String name, int port, ServerProcess process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts {@code module}'s packaged app on {@code port} with {@code config} as system
     * properties, and waits until it is ready.
     */
    static ServiceProcess start(
            String name, String module, int port, Map<String, String> config, Path logDir) {
        List<String> options = new ArrayList<>();
        options.add("-Xmx256m");
        options.add("-Dquarkus.http.port=" + port);
        options.add("-Dquarkus.http.host=127.0.0.1");
        config.forEach((key, value) -> options.add("-D" + key + "=" + value));
        String extra = System.getProperty(JVM_OPTIONS_PROPERTY + "." + module, "").strip();
        if (!extra.isEmpty()) {
            for (String option : extra.split("\\s+")) {
                options.add(option.replace("{name}", name));
            }
        }
        ServerProcess process =
                ChildJvm.named(name, port, logDir.resolve(name + ".log"))
                        .jvmOptions(options.toArray(String[]::new))
                        .classpath(
                                Repository.quarkusApp(module)
                                        + java.io.File.pathSeparator
                                        + BuilderProcess.watchdogClasspath())
                        .main("io.quarkus.bootstrap.runner.QuarkusEntryPoint")
                        .start();
        ServiceProcess service = new ServiceProcess(name, port, process);
        service.awaitReady();
        return service;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path logFile() {
        return process.logFile();
    }

    public ProcessHandle handle() {
        return process.handle();
    }

    /** Kills the service at once, as a crash would. */
    public void kill() {
        process.handle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.handle().destroyForcibly();
    }

    /**
     * Starts the service again on the same port with the same configuration, killing it first if it
     * still runs, and waits until it is ready; its log goes on in the same file.
     */
    public void restart() {
        if (process.isAlive()) {
            kill();
        }
        process.handle().onExit().join();
        process = process.relaunch();
        awaitReady();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest ready =
                HttpRequest.newBuilder(baseUri().resolve("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited while starting; see " + process.logFile());
            }
            try {
                HttpResponse<String> response =
                        HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException(
                        name
                                + " was not ready within "
                                + READY_TIMEOUT
                                + "; see "
                                + process.logFile());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
