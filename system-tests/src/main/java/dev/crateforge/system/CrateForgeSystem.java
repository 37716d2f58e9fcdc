package dev.crateforge.system;

import dev.crateforge.localstack.Database;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.StackAddresses;
import dev.crateforge.localstack.server.FreePort;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The whole of CrateForge on a local stack: scheduler, artifact service and gateway, each a child
 * JVM running its packaged jar, sharing one database (each in its own schema), one topic prefix and
 * one bucket, with fresh keys. {@link Options} may ask for several replicas of each service; they
 * share the schemas, topic prefix, bucket and job-token signing key, each on its own port.
 *
 * <p>Used by the system tests and by the local run. {@link Options} holds what a test wants to
 * tune, such as short leases so that a killed builder's job comes back quickly.
 */
public final class CrateForgeSystem implements AutoCloseable {

    /** What may differ between runs. */
    public record Options(
            Path workDir,
            String lease,
            String disconnectGrace,
            String backoffInitial,
            int gateways,
            int schedulers,
            int artifactServices) {

        public Options {
            if (gateways < 1 || schedulers < 1 || artifactServices < 1) {
                throw new IllegalArgumentException("every service needs at least one replica");
            }
        }

        /** One replica of each service, production-like leases. */
        public static Options defaults(Path workDir) {
            return new Options(workDir, "PT2M", "PT30S", "PT5S", 1, 1, 1);
        }

        public Options withLeases(String lease, String disconnectGrace, String backoffInitial) {
            return new Options(
                    workDir,
                    lease,
                    disconnectGrace,
                    backoffInitial,
                    gateways,
                    schedulers,
                    artifactServices);
        }

        /**
         * How many replicas of each service to run. Replica 0 of each is the one the client (and,
         * for uploads, the builders) talk to.
         */
        public Options withReplicas(int schedulers, int artifactServices, int gateways) {
            return new Options(
                    workDir,
                    lease,
                    disconnectGrace,
                    backoffInitial,
                    gateways,
                    schedulers,
                    artifactServices);
        }

        boolean replicated() {
            return gateways > 1 || schedulers > 1 || artifactServices > 1;
        }
    }

    private final List<ServiceProcess> services;
    private final List<ServiceProcess> schedulers;
    private final List<ServiceProcess> artifactServices;
    private final List<ServiceProcess> gateways;
    private final OperatorTokens operatorTokens;
    private final Path operatorKey;
    private final String topicPrefix;
    private final String bucket;

    private CrateForgeSystem(
            List<ServiceProcess> services,
            List<ServiceProcess> schedulers,
            List<ServiceProcess> artifactServices,
            List<ServiceProcess> gateways,
            OperatorTokens operatorTokens,
            Path operatorKey,
            String topicPrefix,
            String bucket) {
        this.services = services;
        this.schedulers = schedulers;
        this.artifactServices = artifactServices;
        this.gateways = gateways;
        this.operatorTokens = operatorTokens;
        this.operatorKey = operatorKey;
        this.topicPrefix = topicPrefix;
        this.bucket = bucket;
    }

    /** Starts the services on {@code stack}; if one fails, stops the ones already running. */
    public static CrateForgeSystem start(LocalStack stack, Options options) {
        return start(stack, options, Map.of(), Map.of());
    }

    /**
     * As {@link #start(LocalStack, Options)}, with settings added to every scheduler and every
     * artifact service replica (say, the registries the intake follows) on top of those the system
     * sets itself.
     */
    public static CrateForgeSystem start(
            LocalStack stack,
            Options options,
            Map<String, String> schedulerSettings,
            Map<String, String> artifactSettings) {
        StackAddresses servers = stack.addresses();
        Database database = stack.newDatabase();
        String topicPrefix = stack.newTopicPrefix();
        String bucket = stack.newBucket();
        Path keys = options.workDir().resolve("keys");
        Path logs = options.workDir().resolve("logs");
        KeyPair operator = KeyPairs.newEcKeyPair();
        Path operatorKey = KeyPairs.writePrivateKey(operator, keys.resolve("operator.pem"));
        Path operatorPublicKey =
                KeyPairs.writePublicKey(operator, keys.resolve("operator-public.pem"));
        Path tokenSigningKey =
                KeyPairs.writePrivateKey(
                        KeyPairs.newEcKeyPair(), keys.resolve("job-token-signing.pem"));

        Map<String, String> common = new LinkedHashMap<>();
        common.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        common.put("quarkus.datasource.username", database.username());
        common.put("quarkus.datasource.password", database.password());
        common.put("kafka.bootstrap.servers", servers.kafka().bootstrapServers());
        common.put("crateforge.kafka.topic-prefix", topicPrefix);
        common.put("mp.jwt.verify.publickey.location", operatorPublicKey.toString());

        if (options.replicated()) {
            // A killed replica leaves its Kafka partitions orphaned until its session times out;
            // keep that short so that the surviving replicas take over within seconds.
            common.put("kafka.session.timeout.ms", "10000");
            common.put("kafka.heartbeat.interval.ms", "1000");
        }

        // One draw for all replicas, so that no two of them are given the same port.
        List<Integer> ports =
                pickPorts(options.schedulers() + options.artifactServices() + options.gateways());
        List<Integer> schedulerPorts = ports.subList(0, options.schedulers());
        List<Integer> artifactPorts =
                ports.subList(
                        options.schedulers(), options.schedulers() + options.artifactServices());
        List<Integer> gatewayPorts =
                ports.subList(options.schedulers() + options.artifactServices(), ports.size());
        List<ServiceProcess> started = new ArrayList<>();
        try {
            // Replica 0 of each service first, in dependency order, so that each schema is
            // migrated once; the other replicas then start side by side.
            List<Supplier<ServiceProcess>> schedulerStarts = new ArrayList<>();
            for (int i = 0; i < options.schedulers(); i++) {
                Map<String, String> schedulerConfig = new LinkedHashMap<>(common);
                // Every scheduler replica hands out upload URLs of artifact replica 0: the
                // builder gets one URL per assignment and any artifact replica accepts it.
                schedulerConfig.put(
                        "crateforge.scheduler.artifact-base-url",
                        "http://127.0.0.1:" + artifactPorts.get(0));
                // One signing key for all replicas: a job token minted by one is valid on all.
                schedulerConfig.put(
                        "crateforge.scheduler.token.signing-key-location",
                        tokenSigningKey.toString());
                schedulerConfig.put("crateforge.scheduler.lease", options.lease());
                schedulerConfig.put(
                        "crateforge.scheduler.disconnect-grace", options.disconnectGrace());
                schedulerConfig.put(
                        "crateforge.scheduler.backoff-initial", options.backoffInitial());
                schedulerConfig.put("crateforge.scheduler.sweep-interval", "1s");
                // The console's builders page calls gateway 0's admin API (with the operator's
                // token); its health page asks gateway 0 and artifact replica 0 for readiness.
                schedulerConfig.put(
                        "crateforge.console.gateway-url",
                        "http://127.0.0.1:" + gatewayPorts.get(0));
                schedulerConfig.put(
                        "crateforge.console.artifact-url",
                        "http://127.0.0.1:" + artifactPorts.get(0));
                schedulerConfig.putAll(schedulerSettings);
                String name = replicaName("scheduler", i, options.schedulers());
                int port = schedulerPorts.get(i);
                schedulerStarts.add(
                        () ->
                                ServiceProcess.start(
                                        name, "scheduler-service", port, schedulerConfig, logs));
            }

            List<Supplier<ServiceProcess>> artifactStarts = new ArrayList<>();
            for (int i = 0; i < options.artifactServices(); i++) {
                Map<String, String> artifactConfig = new LinkedHashMap<>(common);
                artifactConfig.remove("mp.jwt.verify.publickey.location");
                // The job-token keys: every scheduler replica publishes the same ones, so replica
                // 0's are as good as any (a load-balanced Service in a cluster).
                artifactConfig.put(
                        "crateforge.artifact.scheduler-url",
                        "http://127.0.0.1:" + schedulerPorts.get(0));
                artifactConfig.put("quarkus.s3.endpoint-override", servers.s3().endpoint());
                artifactConfig.put("quarkus.s3.path-style-access", "true");
                artifactConfig.put("quarkus.s3.aws.region", servers.s3().region());
                artifactConfig.put("quarkus.s3.aws.credentials.type", "static");
                artifactConfig.put(
                        "quarkus.s3.aws.credentials.static-provider.access-key-id",
                        servers.s3().accessKeyId());
                artifactConfig.put(
                        "quarkus.s3.aws.credentials.static-provider.secret-access-key",
                        servers.s3().secretAccessKey());
                artifactConfig.put("artifact.s3.bucket", bucket);
                artifactConfig.putAll(artifactSettings);
                String name = replicaName("artifact", i, options.artifactServices());
                int port = artifactPorts.get(i);
                artifactStarts.add(
                        () ->
                                ServiceProcess.start(
                                        name, "artifact-service", port, artifactConfig, logs));
            }

            List<Supplier<ServiceProcess>> gatewayStarts = new ArrayList<>();
            for (int i = 0; i < options.gateways(); i++) {
                Map<String, String> gatewayConfig = new LinkedHashMap<>(common);
                gatewayConfig.put("crateforge.gateway.instance-id", "gateway-" + i);
                String name = "gateway-" + i;
                int port = gatewayPorts.get(i);
                gatewayStarts.add(
                        () ->
                                ServiceProcess.start(
                                        name, "gateway-service", port, gatewayConfig, logs));
            }

            List<ServiceProcess> schedulers = new ArrayList<>();
            List<ServiceProcess> artifactServices = new ArrayList<>();
            List<ServiceProcess> gateways = new ArrayList<>();
            schedulers.add(schedulerStarts.get(0).get());
            started.add(schedulers.get(0));
            artifactServices.add(artifactStarts.get(0).get());
            started.add(artifactServices.get(0));
            gateways.add(gatewayStarts.get(0).get());
            started.add(gateways.get(0));
            schedulers.addAll(
                    startTogether(schedulerStarts.subList(1, schedulerStarts.size()), started));
            artifactServices.addAll(
                    startTogether(artifactStarts.subList(1, artifactStarts.size()), started));
            gateways.addAll(startTogether(gatewayStarts.subList(1, gatewayStarts.size()), started));
            return new CrateForgeSystem(
                    List.copyOf(started),
                    List.copyOf(schedulers),
                    List.copyOf(artifactServices),
                    List.copyOf(gateways),
                    new OperatorTokens(operator.getPrivate()),
                    operatorKey,
                    topicPrefix,
                    bucket);
        } catch (RuntimeException e) {
            started.forEach(ServiceProcess::close);
            throw e;
        }
    }

    private static List<Integer> pickPorts(int count) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = FreePort.pick(0);
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static String replicaName(String service, int index, int replicas) {
        // A single replica keeps the plain name (and log file name) it always had.
        return replicas == 1 ? service : service + "-" + index;
    }

    /**
     * Starts the replicas side by side; each one that started is added to {@code started} (also
     * when another fails, so that the caller stops it).
     */
    private static List<ServiceProcess> startTogether(
            List<Supplier<ServiceProcess>> starts, List<ServiceProcess> started) {
        if (starts.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<ServiceProcess>> futures = new ArrayList<>();
        for (Supplier<ServiceProcess> start : starts) {
            futures.add(
                    CompletableFuture.supplyAsync(
                            start,
                            task -> {
                                Thread thread = new Thread(task, "start-replica");
                                thread.setDaemon(true);
                                thread.start();
                            }));
        }
        List<ServiceProcess> result = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<ServiceProcess> future : futures) {
            try {
                ServiceProcess service = future.join();
                result.add(service);
                started.add(service);
            } catch (CompletionException e) {
                if (failure == null) {
                    failure =
                            e.getCause() instanceof RuntimeException cause
                                    ? cause
                                    : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Scheduler replica 0, the one the client talks to. */
    public ServiceProcess scheduler() {
        return schedulers.get(0);
    }

    /** Artifact service replica 0, the one the client and the builders' uploads talk to. */
    public ServiceProcess artifacts() {
        return artifactServices.get(0);
    }

    public List<ServiceProcess> schedulers() {
        return schedulers;
    }

    public List<ServiceProcess> artifactServices() {
        return artifactServices;
    }

    public ServiceProcess gateway() {
        return gateways.get(0);
    }

    public List<ServiceProcess> gateways() {
        return gateways;
    }

    /** The WebSocket URL builders dial: {@code ws://127.0.0.1:<port>/builders/v1}. */
    /**
     * A reference builder with a fresh key ({@code workDir/keys/NAME}), registered for {@code
     * targets} with one slot and started against the first gateway; its log is in {@code
     * workDir/builders}.
     */
    public BuilderProcess startRegisteredBuilder(
            String name, List<String> targets, Path workDir, String... extraArgs) {
        Path keyFile = workDir.resolve("keys").resolve(name);
        BuilderProcess.newKey(keyFile);
        BuilderProcess builder =
                BuilderProcess.start(
                        name,
                        builderUrl(gateway()),
                        keyFile,
                        targets,
                        workDir.resolve("builders"),
                        extraArgs);
        client().registerBuilder(name, builder.publicKeyLine(), targets, 1);
        return builder;
    }

    public URI builderUrl(ServiceProcess gateway) {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/builders/v1");
    }

    public OperatorTokens operatorTokens() {
        return operatorTokens;
    }

    /**
     * The operator's private key file (PKCS#8 PEM), as {@code tools/OperatorToken.java} reads it.
     */
    public Path operatorKey() {
        return operatorKey;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    public String bucket() {
        return bucket;
    }

    /** A REST client for the services, authenticated as an operator. */
    public CrateForgeClient client() {
        return new CrateForgeClient(this, operatorTokens.operator());
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }
}
