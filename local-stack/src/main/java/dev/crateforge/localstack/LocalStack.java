package dev.crateforge.localstack;

import dev.crateforge.localstack.isolation.Buckets;
import dev.crateforge.localstack.isolation.Databases;
import dev.crateforge.localstack.isolation.TopicSets;
import dev.crateforge.localstack.server.KafkaServer;
import dev.crateforge.localstack.server.PostgresServer;
import dev.crateforge.localstack.server.S3ProxyServer;
import dev.crateforge.localstack.server.ServerProcess;
import dev.crateforge.localstack.server.Started;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Real PostgreSQL 17, Apache Kafka 4.1 (KRaft) and S3Proxy on loopback ports, without Docker.
 *
 * <p>Each server runs in its own child JVM whose class path Maven resolved when this module was
 * built, so a fresh clone needs only a JDK, and none of the servers' jars reach a service's class
 * path. The children exit when this JVM dies, however it dies; see {@code child.ChildMain}.
 *
 * <p>Tests use {@link #shared()} (one stack per JVM, or the one named by {@value
 * AttachFile#VARIABLE}) and ask it for a fresh {@link #newDatabase() database}, {@link
 * #newTopicPrefix() topic prefix} and {@link #newBucket() bucket} per run. Quarkus tests use the
 * resources in {@code dev.crateforge.localstack.quarkus}.
 *
 * <p>For a local run, from the repository root:
 *
 * <pre>
 * ./mvnw -pl local-stack -am package -DskipTests -Prun-local-stack
 * </pre>
 *
 * <p>prints the addresses and keeps running until Ctrl-C; add {@code -Dlocal-stack.args="--data-dir
 * target/stack --attach-file target/stack.properties"} to keep the data and publish the addresses
 * for other JVMs.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final StackAddresses addresses;
    private final ServerControl postgres;
    private final ServerControl kafka;
    private final ServerControl s3;
    private final Path dataDir;
    private final boolean deleteDataDir;
    private final Path attachFile;
    private final Deque<AutoCloseable> dependents = new ArrayDeque<>();
    private volatile boolean closed;

    private LocalStack(
            StackAddresses addresses,
            ServerControl postgres,
            ServerControl kafka,
            ServerControl s3,
            Path dataDir,
            boolean deleteDataDir,
            Path attachFile) {
        this.addresses = addresses;
        this.postgres = postgres;
        this.kafka = kafka;
        this.s3 = s3;
        this.dataDir = dataDir;
        this.deleteDataDir = deleteDataDir;
        this.attachFile = attachFile;
    }

    /** The stack every test of this JVM shares; started (or attached) on first use. */
    public static LocalStack shared() {
        return SharedStack.get();
    }

    /** Starts all three servers in parallel; if one fails, stops the others and throws. */
    public static LocalStack start(LocalStackOptions options) {
        long begin = System.nanoTime();
        boolean temporary = options.dataDir() == null;
        Path dataDir;
        try {
            dataDir =
                    temporary
                            ? Files.createTempDirectory("crateforge-local-stack-")
                            : Files.createDirectories(options.dataDir().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local-stack data directory", e);
        }
        CompletableFuture<Started<PostgresAddress>> postgres =
                CompletableFuture.supplyAsync(
                        () -> PostgresServer.start(dataDir, options.postgresPort()));
        CompletableFuture<Started<KafkaAddress>> kafka =
                CompletableFuture.supplyAsync(
                        () -> KafkaServer.start(dataDir, options.kafkaPort()));
        CompletableFuture<Started<S3Address>> s3 =
                CompletableFuture.supplyAsync(() -> S3ProxyServer.start(dataDir, options.s3Port()));
        try {
            CompletableFuture.allOf(postgres, kafka, s3).join();
        } catch (CompletionException e) {
            stopStarted(postgres, kafka, s3);
            if (temporary) {
                deleteRecursively(dataDir);
            }
            throw failure(e, postgres, kafka, s3);
        }
        StackAddresses addresses =
                new StackAddresses(
                        postgres.join().address(), kafka.join().address(), s3.join().address());
        LocalStack stack =
                new LocalStack(
                        addresses,
                        new ServerControl(
                                postgres.join().process(),
                                process -> PostgresServer.crash(process, dataDir)),
                        new ServerControl(kafka.join().process(), ServerProcess::kill),
                        new ServerControl(s3.join().process(), ServerProcess::kill),
                        dataDir,
                        temporary,
                        options.attachFile());
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-stop"));
        System.getLogger(LocalStack.class.getName())
                .log(
                        System.Logger.Level.INFO,
                        "local-stack: PostgreSQL, Kafka and S3Proxy up in {0} ms; data and logs in {1}",
                        (System.nanoTime() - begin) / 1_000_000,
                        dataDir);
        if (options.attachFile() != null) {
            AttachFile.write(options.attachFile(), addresses);
        }
        return stack;
    }

    /**
     * Uses servers that a {@code LocalStack} in another JVM started and described in {@code file}.
     */
    public static LocalStack attach(Path file) {
        return new LocalStack(AttachFile.read(file), null, null, null, null, false, null);
    }

    public StackAddresses addresses() {
        return addresses;
    }

    /** The server child JVMs this stack runs now; empty when attached. */
    public List<ServerProcess> processes() {
        return controls().stream().map(ServerControl::process).toList();
    }

    /**
     * PostgreSQL, to crash and restart in a fault test.
     *
     * @throws IllegalStateException when attached: another JVM owns the servers
     */
    public ServerControl postgres() {
        return owned(postgres);
    }

    /**
     * Kafka, to crash, pause and restart in a fault test.
     *
     * @throws IllegalStateException when attached: another JVM owns the servers
     */
    public ServerControl kafka() {
        return owned(kafka);
    }

    /**
     * S3Proxy, to crash, pause and restart in a fault test.
     *
     * @throws IllegalStateException when attached: another JVM owns the servers
     */
    public ServerControl s3() {
        return owned(s3);
    }

    private static ServerControl owned(ServerControl server) {
        if (server == null) {
            throw new IllegalStateException(
                    "this stack is attached to servers another JVM started; start a stack of its"
                            + " own (LocalStack.start) to inject faults");
        }
        return server;
    }

    private List<ServerControl> controls() {
        return postgres == null ? List.of() : List.of(postgres, kafka, s3);
    }

    /** Where this stack keeps its data and logs; null when attached. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates an empty database of its own for one test run. */
    public Database newDatabase() {
        return Databases.create(addresses.postgres());
    }

    /** Creates every {@code Topics.ALL} topic under a new prefix, and returns the prefix. */
    public String newTopicPrefix() {
        return TopicSets.create(addresses.kafka());
    }

    /** Creates an empty bucket of its own for one test run, and returns its name. */
    public String newBucket() {
        return Buckets.create(addresses.s3());
    }

    /**
     * Registers something that uses these servers (a service, a builder) to be closed before they
     * stop, by {@link #close()} and by the stack's shutdown hook alike: the last registered closes
     * first. A run that stops on Ctrl-C then stops in dependency order, and no client spends its
     * last seconds retrying against a broker that is already gone.
     */
    public synchronized void closeFirst(AutoCloseable dependent) {
        dependents.push(dependent);
    }

    /**
     * Closes what {@link #closeFirst} registered, then stops the servers this stack started
     * (nothing when attached). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!dependents.isEmpty()) {
            AutoCloseable dependent = dependents.pop();
            try {
                dependent.close();
            } catch (Exception e) {
                System.getLogger(LocalStack.class.getName())
                        .log(System.Logger.Level.WARNING, "local-stack: stopping " + dependent, e);
            }
        }
        if (attachFile != null) {
            try {
                Files.deleteIfExists(attachFile);
            } catch (IOException e) {
                // Harmless: a stale file is detected by whoever tries to attach to it.
            }
        }
        controls().parallelStream().forEach(server -> server.stop(STOP_GRACE));
        if (deleteDataDir) {
            deleteRecursively(dataDir);
        }
    }

    /** Starts a stack, prints its addresses and keeps it running until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        LocalStackOptions options = LocalStackOptions.parse(args);
        long begin = System.nanoTime();
        LocalStack stack = start(options);
        long millis = (System.nanoTime() - begin) / 1_000_000;
        StackAddresses a = stack.addresses();
        System.out.println("CrateForge local stack is up after " + millis + " ms:");
        System.out.println(
                "  PostgreSQL  "
                        + a.postgres().jdbcUrl("postgres")
                        + "  user "
                        + a.postgres().username()
                        + " password "
                        + a.postgres().password());
        System.out.println("  Kafka       " + a.kafka().bootstrapServers());
        System.out.println(
                "  S3          "
                        + a.s3().endpoint()
                        + "  access key "
                        + a.s3().accessKeyId()
                        + " secret "
                        + a.s3().secretAccessKey()
                        + " region "
                        + a.s3().region()
                        + " (path-style)");
        System.out.println("  data + logs " + stack.dataDir());
        stack.processes()
                .forEach(
                        p ->
                                System.out.println(
                                        "  "
                                                + p.name()
                                                + " answered after "
                                                + p.startMillis()
                                                + " ms (pid "
                                                + p.handle().pid()
                                                + ")"));
        if (options.attachFile() != null) {
            System.out.println(
                    "  attach file "
                            + options.attachFile().toAbsolutePath()
                            + "  (export "
                            + AttachFile.VARIABLE
                            + "="
                            + options.attachFile().toAbsolutePath()
                            + ")");
        }
        System.out.println("Ctrl-C stops it.");
        new CountDownLatch(1).await();
    }

    @SafeVarargs
    private static void stopStarted(CompletableFuture<? extends Started<?>>... servers) {
        for (CompletableFuture<? extends Started<?>> server : servers) {
            if (!server.isCompletedExceptionally()) {
                server.join().process().stop(STOP_GRACE);
            }
        }
    }

    /** The first server failure, with any others attached, so every broken server is reported. */
    @SafeVarargs
    private static RuntimeException failure(
            CompletionException e, CompletableFuture<? extends Started<?>>... servers) {
        List<Throwable> causes = new ArrayList<>();
        for (CompletableFuture<? extends Started<?>> server : servers) {
            server.exceptionally(
                    t -> {
                        causes.add(t instanceof CompletionException ? t.getCause() : t);
                        return null;
                    });
        }
        Throwable first = causes.isEmpty() ? e.getCause() : causes.get(0);
        RuntimeException thrown =
                first instanceof RuntimeException r ? r : new IllegalStateException(first);
        causes.stream().skip(1).forEach(thrown::addSuppressed);
        return thrown;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: it lives under the temp directory.
        }
    }
}
