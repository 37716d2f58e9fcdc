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

/**
 * The whole of CrateForge on a local stack: scheduler, artifact service and gateway, each a child
 * JVM running its packaged jar, sharing one database (each in its own schema), one topic prefix and
 * one bucket, with fresh keys.
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
            int gateways) {

        public static Options defaults(Path workDir) {
            return new Options(workDir, "PT2M", "PT30S", "PT5S", 1);
        }

        public Options withLeases(String lease, String disconnectGrace, String backoffInitial) {
            return new Options(workDir, lease, disconnectGrace, backoffInitial, gateways);
        }
    }

    private final List<ServiceProcess> services;
    private final ServiceProcess scheduler;
    private final ServiceProcess artifacts;
    private final List<ServiceProcess> gateways;
    private final OperatorTokens operatorTokens;
    private final Path operatorKey;
    private final String topicPrefix;
    private final String bucket;

    private CrateForgeSystem(
            List<ServiceProcess> services,
            ServiceProcess scheduler,
            ServiceProcess artifacts,
            List<ServiceProcess> gateways,
            OperatorTokens operatorTokens,
            Path operatorKey,
            String topicPrefix,
            String bucket) {
        this.services = services;
        this.scheduler = scheduler;
        this.artifacts = artifacts;
        this.gateways = gateways;
        this.operatorTokens = operatorTokens;
        this.operatorKey = operatorKey;
        this.topicPrefix = topicPrefix;
        this.bucket = bucket;
    }

    /** Starts the services on {@code stack}; if one fails, stops the ones already running. */
    public static CrateForgeSystem start(LocalStack stack, Options options) {
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

        int schedulerPort = FreePort.pick(0);
        int artifactPort = FreePort.pick(0);
        List<ServiceProcess> started = new ArrayList<>();
        try {
            Map<String, String> schedulerConfig = new LinkedHashMap<>(common);
            schedulerConfig.put(
                    "crateforge.scheduler.artifact-base-url", "http://127.0.0.1:" + artifactPort);
            schedulerConfig.put(
                    "crateforge.scheduler.token.signing-key-location", tokenSigningKey.toString());
            schedulerConfig.put("crateforge.scheduler.lease", options.lease());
            schedulerConfig.put("crateforge.scheduler.disconnect-grace", options.disconnectGrace());
            schedulerConfig.put("crateforge.scheduler.backoff-initial", options.backoffInitial());
            schedulerConfig.put("crateforge.scheduler.sweep-interval", "1s");
            ServiceProcess scheduler =
                    ServiceProcess.start(
                            "scheduler", "scheduler-service", schedulerPort, schedulerConfig, logs);
            started.add(scheduler);

            Map<String, String> artifactConfig = new LinkedHashMap<>(common);
            artifactConfig.remove("mp.jwt.verify.publickey.location");
            artifactConfig.put("crateforge.artifact.scheduler-url", scheduler.baseUri().toString());
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
            ServiceProcess artifacts =
                    ServiceProcess.start(
                            "artifact", "artifact-service", artifactPort, artifactConfig, logs);
            started.add(artifacts);

            List<ServiceProcess> gateways = new ArrayList<>();
            for (int i = 0; i < options.gateways(); i++) {
                Map<String, String> gatewayConfig = new LinkedHashMap<>(common);
                gatewayConfig.put("crateforge.gateway.instance-id", "gateway-" + i);
                ServiceProcess gateway =
                        ServiceProcess.start(
                                "gateway-" + i,
                                "gateway-service",
                                FreePort.pick(0),
                                gatewayConfig,
                                logs);
                started.add(gateway);
                gateways.add(gateway);
            }
            return new CrateForgeSystem(
                    List.copyOf(started),
                    scheduler,
                    artifacts,
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

    public ServiceProcess scheduler() {
        return scheduler;
    }

    public ServiceProcess artifacts() {
        return artifacts;
    }

    public ServiceProcess gateway() {
        return gateways.get(0);
    }

    public List<ServiceProcess> gateways() {
        return gateways;
    }

    /** The WebSocket URL builders dial: {@code ws://127.0.0.1:<port>/builders/v1}. */
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
