package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.k8s.Chart.Rendered;
import dev.crateforge.k8s.Chart.ValuesFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the chart wires the services to each other and to their secrets: the settings each one reads,
 * the Secrets they mount, the Ingress each gets, and the topics the hook Job creates.
 */
class ChartWiringTests {

    private static final Path TOPICS_SOURCE =
            Path.of(
                    System.getProperty(
                            "crateforge.topics.source",
                            "../protocol/src/main/java/dev/crateforge/protocol/kafka/Topics.java"));

    @ParameterizedTest(name = "{0}")
    @EnumSource(ValuesFile.class)
    void everySecretAPodReadsIsRenderedOrNamedAsExisting(ValuesFile values) {
        Rendered rendered = Chart.render(values);
        Set<String> rendersSecrets = new HashSet<>();
        rendered.all(Secret.class).forEach(s -> rendersSecrets.add(s.getMetadata().getName()));
        Set<String> existing = existingSecretNames(values);

        for (Deployment deployment : rendered.all(Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            List<String> referenced = new ArrayList<>();
            pod.getVolumes().stream()
                    .filter(v -> v.getSecret() != null)
                    .forEach(v -> referenced.add(v.getSecret().getSecretName()));
            for (Container container : pod.getContainers()) {
                Optional.ofNullable(container.getEnv()).orElse(List.of()).stream()
                        .filter(e -> e.getValueFrom() != null)
                        .filter(e -> e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> referenced.add(e.getValueFrom().getSecretKeyRef().getName()));
            }
            assertThat(referenced)
                    .as("Secrets of %s", deployment.getMetadata().getName())
                    .allSatisfy(
                            name ->
                                    assertThat(
                                                    rendersSecrets.contains(name)
                                                            || existing.contains(name))
                                            .as("Secret %s is rendered or named in values", name)
                                            .isTrue());
        }
    }

    @Test
    void namingExistingSecretsRendersNone() {
        assertThat(Chart.render(ValuesFile.EXAMPLE).all(Secret.class)).isEmpty();
        assertThat(Chart.render(ValuesFile.DEFAULT).all(Secret.class))
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "cf-crateforge-postgresql",
                        "cf-crateforge-s3",
                        "cf-crateforge-operator-jwt",
                        "cf-crateforge-job-token");
    }

    @Test
    void generatedJobTokenKeyIsAPkcs8P256KeyThatSigns() throws Exception {
        Secret secret =
                Chart.render(ValuesFile.DEFAULT).one(Secret.class, "cf-crateforge-job-token");

        String pem =
                new String(
                        Base64.getDecoder().decode(secret.getData().get("signing-key.pem")),
                        StandardCharsets.US_ASCII);
        // The scheduler reads PKCS#8 only, as Java's KeyFactory does.
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        String body =
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                        .replace("-----END PRIVATE KEY-----", "");
        ECPrivateKey key =
                (ECPrivateKey)
                        KeyFactory.getInstance("EC")
                                .generatePrivate(
                                        new PKCS8EncodedKeySpec(
                                                Base64.getMimeDecoder().decode(body)));
        assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        assertThat(signer.sign()).isNotEmpty();
        assertThat(secret.getMetadata().getAnnotations())
                .containsEntry("helm.sh/resource-policy", "keep");
    }

    @Test
    void everyServiceReadsTheSharedDatabaseAndKafkaSettings() {
        Rendered rendered = Chart.render(ValuesFile.DEFAULT);
        for (String service : Chart.SERVICES) {
            Map<String, String> config =
                    rendered.one(ConfigMap.class, Chart.name(service)).getData();
            assertThat(config)
                    .containsKeys(
                            "QUARKUS_DATASOURCE_JDBC_URL",
                            "QUARKUS_DATASOURCE_USERNAME",
                            "KAFKA_BOOTSTRAP_SERVERS",
                            "CRATEFORGE_KAFKA_TOPIC_PREFIX");
            assertThat(
                            env(rendered, service, "QUARKUS_DATASOURCE_PASSWORD")
                                    .getValueFrom()
                                    .getSecretKeyRef())
                    .satisfies(
                            ref -> assertThat(ref.getName()).isEqualTo("cf-crateforge-postgresql"));
        }
    }

    @Test
    void gatewayNamesItsInstanceAfterThePod() {
        EnvVar instance =
                env(Chart.render(ValuesFile.DEFAULT), "gateway", "CRATEFORGE_GATEWAY_INSTANCE_ID");

        assertThat(instance.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    }

    @Test
    void adminApisVerifyOperatorTokensFromTheMountedKey() {
        Rendered rendered = Chart.render(ValuesFile.DEFAULT);
        for (String service : List.of("gateway", "scheduler")) {
            Map<String, String> config =
                    rendered.one(ConfigMap.class, Chart.name(service)).getData();
            assertThat(config).containsEntry("MP_JWT_VERIFY_ISSUER", "crateforge-operators");
            String keyFile = config.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
            assertThat(keyFile).startsWith("/");
            assertThat(mountPaths(rendered, service))
                    .anySatisfy(mount -> assertThat(keyFile).startsWith(mount + "/"));
        }
    }

    @Test
    void schedulerSignsWithTheMountedKeyAndHandsOutTheArtifactUrl() {
        Rendered rendered = Chart.render(ValuesFile.DEFAULT);
        Map<String, String> config =
                rendered.one(ConfigMap.class, Chart.name("scheduler")).getData();

        String keyFile = config.get("CRATEFORGE_SCHEDULER_TOKEN_SIGNING_KEY_LOCATION");
        assertThat(mountPaths(rendered, "scheduler"))
                .anySatisfy(mount -> assertThat(keyFile).startsWith(mount + "/"));
        assertThat(config)
                .containsEntry(
                        "CRATEFORGE_SCHEDULER_ARTIFACT_BASE_URL",
                        "http://cf-crateforge-artifact.crateforge.svc:8080");
        assertThat(
                        Chart.render(ValuesFile.EXAMPLE)
                                .one(ConfigMap.class, Chart.name("scheduler"))
                                .getData())
                .containsEntry(
                        "CRATEFORGE_SCHEDULER_ARTIFACT_BASE_URL",
                        "https://artifacts.crateforge.example.com");
    }

    @Test
    void consoleReachesTheGatewayAndTheArtifactServiceThroughTheirServices() {
        for (ValuesFile values : List.of(ValuesFile.DEFAULT, ValuesFile.EXAMPLE)) {
            Rendered rendered = Chart.render(values);
            Map<String, String> config =
                    rendered.one(ConfigMap.class, Chart.name("scheduler")).getData();
            for (String component : List.of("gateway", "artifact")) {
                io.fabric8.kubernetes.api.model.Service service =
                        rendered.one(
                                io.fabric8.kubernetes.api.model.Service.class,
                                Chart.name(component));
                String url =
                        "http://"
                                + service.getMetadata().getName()
                                + "."
                                + service.getMetadata().getNamespace()
                                + ".svc:"
                                + service.getSpec().getPorts().get(0).getPort();
                assertThat(config)
                        .as(values + ": the console's address of the " + component)
                        .containsEntry(
                                component.equals("gateway")
                                        ? "CRATEFORGE_CONSOLE_GATEWAY_URL"
                                        : "CRATEFORGE_CONSOLE_ARTIFACT_URL",
                                url);
            }
        }
        // Inside the cluster even when the artifact service is published through an ingress.
        assertThat(
                        Chart.render(ValuesFile.EXAMPLE)
                                .one(ConfigMap.class, Chart.name("scheduler"))
                                .getData())
                .containsEntry(
                        "CRATEFORGE_CONSOLE_ARTIFACT_URL",
                        "http://cf-crateforge-artifact.crateforge.svc:8080");
    }

    @Test
    void artifactServiceVerifiesJobTokensAgainstTheSchedulersJwks() {
        Rendered rendered = Chart.render(ValuesFile.EXAMPLE);
        Map<String, String> config =
                rendered.one(ConfigMap.class, Chart.name("artifact")).getData();

        assertThat(config)
                .containsEntry(
                        "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                        "http://cf-crateforge-scheduler.crateforge.svc:8080/.well-known/jwks.json")
                .containsEntry("MP_JWT_VERIFY_ISSUER", "crateforge-scheduler")
                .containsEntry("MP_JWT_VERIFY_AUDIENCES", "crateforge-artifacts")
                .containsEntry("QUARKUS_S3_ENDPOINT_OVERRIDE", "https://s3.example.com")
                .containsEntry("QUARKUS_S3_PATH_STYLE_ACCESS", "true")
                .containsEntry("QUARKUS_S3_AWS_CREDENTIALS_TYPE", "static")
                .containsEntry("ARTIFACT_S3_BUCKET", "crateforge-artifacts");
        assertThat(
                        env(
                                        rendered,
                                        "artifact",
                                        "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY")
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                .isEqualTo("crateforge-s3");
    }

    @Test
    void defaultCredentialChainMountsNoS3Keys() {
        Rendered rendered = Chart.render(List.of("--set", "s3.credentialsType=default"));

        assertThat(envNames(rendered, "artifact"))
                .noneMatch(name -> name.startsWith("QUARKUS_S3_AWS_CREDENTIALS_STATIC"));
        assertThat(rendered.all(Secret.class))
                .extracting(s -> s.getMetadata().getName())
                .doesNotContain("cf-crateforge-s3");
    }

    @Test
    void changingAServicesConfigRollsOnlyThatService() {
        Rendered before = Chart.render(ValuesFile.DEFAULT);
        Rendered after = Chart.render(List.of("--set", "scheduler.config.QUARKUS_LOG_LEVEL=DEBUG"));

        assertThat(checksum(after, "scheduler")).isNotEqualTo(checksum(before, "scheduler"));
        assertThat(checksum(after, "gateway")).isEqualTo(checksum(before, "gateway"));
        assertThat(after.one(ConfigMap.class, Chart.name("scheduler")).getData())
                .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
    }

    @Test
    void gatewayIngressKeepsWebSocketsOpenAndArtifactIngressTakesLargeUploads() {
        Rendered rendered = Chart.render(ValuesFile.EXAMPLE);
        Ingress gateway = rendered.one(Ingress.class, Chart.name("gateway"));
        Ingress artifact = rendered.one(Ingress.class, Chart.name("artifact"));

        assertThat(gateway.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
        assertThat(paths(gateway))
                .containsExactly("/builders/v1", "/api/v1/builders", "/api/v1/builder-keys");
        assertThat(artifact.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "8g")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-request-buffering", "off");
        assertThat(paths(artifact)).contains("/api/v1/jobs", "/api/v1/crates", "/dl");
        assertThat(artifact.getSpec().getRules().get(0).getHost())
                .isNotEqualTo(gateway.getSpec().getRules().get(0).getHost());
        for (Ingress ingress : rendered.all(Ingress.class)) {
            String service = ingress.getMetadata().getName();
            assertThat(ingress.getSpec().getRules())
                    .flatExtracting(r -> r.getHttp().getPaths())
                    .allSatisfy(
                            p ->
                                    assertThat(p.getBackend().getService().getName())
                                            .isEqualTo(service));
            assertThat(ingress.getSpec().getTls()).isNotEmpty();
        }
    }

    @Test
    void nativeOverlayRunsNativeImagesWithSmallerRequests() {
        Rendered jvm = Chart.render(ValuesFile.DEFAULT);
        Rendered nativeImages = Chart.render(ValuesFile.NATIVE);

        for (String service : Chart.SERVICES) {
            Container nativeContainer = container(nativeImages, service);
            assertThat(nativeContainer.getImage()).endsWith(":0.1.0-native");
            assertThat(
                            nativeContainer
                                    .getResources()
                                    .getRequests()
                                    .get("memory")
                                    .getNumericalAmount())
                    .isLessThan(
                            container(jvm, service)
                                    .getResources()
                                    .getRequests()
                                    .get("memory")
                                    .getNumericalAmount());
            assertThat(
                            nativeImages
                                    .one(Deployment.class, Chart.name(service))
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getSecurityContext()
                                    .getRunAsUser())
                    .isEqualTo(1001L);
        }
    }

    @Test
    void noIngressUnlessAsked() {
        assertThat(Chart.render(ValuesFile.DEFAULT).all(Ingress.class)).isEmpty();
    }

    @Test
    void topicsJobCreatesExactlyTheTopicsOfTheProtocol() throws IOException {
        List<String> topics = topicsFromProtocol();
        assertThat(topics).hasSize(9);

        Job job =
                Chart.render(
                                List.of(
                                        "--set",
                                        "kafka.topics.create=true",
                                        "--set",
                                        "kafka.topicPrefix=staging."))
                        .one(Job.class, Chart.name("topics"));

        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        String script = String.join("\n", container.getCommand());
        Matcher loop = Pattern.compile("for topic in ([^;]*);").matcher(script);
        assertThat(loop.find()).as(script).isTrue();
        assertThat(loop.group(1).trim().split("\\s+"))
                .containsExactlyInAnyOrderElementsOf(
                        topics.stream().map(t -> "staging." + t).toList());
        assertThat(script)
                .contains("--if-not-exists", "create \"$topic\" 12", "--replication-factor 3");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(job.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
                .isTrue();
        assertThat(Chart.render(ValuesFile.DEFAULT).all(Job.class)).isEmpty();
    }

    @Test
    void topicsScriptCreatesEveryTopicAndDeadLetterTopicIdempotently(@TempDir Path dir)
            throws Exception {
        Path calls = dir.resolve("calls.txt");
        Path stub = dir.resolve("kafka-topics.sh");
        Files.writeString(stub, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        assertThat(stub.toFile().setExecutable(true)).isTrue();
        Job job =
                Chart.render(
                                List.of(
                                        "--set",
                                        "kafka.topics.create=true",
                                        "--set",
                                        "kafka.topics.script=" + stub,
                                        "--set",
                                        "kafka.topics.replicationFactor=1",
                                        "--set",
                                        "kafka.topicPrefix=t1."))
                        .one(Job.class, Chart.name("topics"));
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);

        ProcessBuilder run = new ProcessBuilder(container.getCommand()).redirectErrorStream(true);
        run.environment().put("BOOTSTRAP_SERVERS", "kafka:9092");
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();

        List<String> lines = Files.readAllLines(calls);
        List<String> expected = new ArrayList<>();
        topicsFromProtocol().forEach(t -> expected.add("t1." + t + " 12"));
        for (String dlq : constantsFromProtocol(true)) {
            expected.add("t1." + dlq + " 1");
        }
        assertThat(lines)
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith(
                                                "--bootstrap-server kafka:9092 --create --if-not-exists")
                                        .contains("--replication-factor 1")
                                        .endsWith("--config min.insync.replicas=2"));
        assertThat(lines)
                .extracting(
                        line -> {
                            Matcher m =
                                    Pattern.compile("--topic (\\S+) --partitions (\\d+)")
                                            .matcher(line);
                            assertThat(m.find()).isTrue();
                            return m.group(1) + " " + m.group(2);
                        })
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void exampleBuilderDialsTheGatewayWithItsKeySecret() {
        Rendered rendered = Chart.render(ValuesFile.EXAMPLE);
        Deployment builder = rendered.one(Deployment.class, Chart.name("builder"));
        var pod = builder.getSpec().getTemplate().getSpec();

        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName())
                .containsExactly("crateforge-builder-key");
        assertThat(env(rendered, "builder", "CRATEFORGE_BUILDER_GATEWAY").getValue())
                .isEqualTo("ws://cf-crateforge-gateway.crateforge.svc:8080/builders/v1");
        assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
                .isTrue();
        assertThat(Chart.render(ValuesFile.DEFAULT).all(Deployment.class))
                .extracting(d -> d.getMetadata().getName())
                .doesNotContain(Chart.name("builder"));
    }

    /** The topics every service shares (dead-letter topics are each one service's own). */
    private static List<String> topicsFromProtocol() throws IOException {
        return constantsFromProtocol(false);
    }

    private static List<String> constantsFromProtocol(boolean deadLetters) throws IOException {
        String source = Files.readString(TOPICS_SOURCE);
        Matcher constant =
                Pattern.compile("public static final String \\w+ = \"([^\"]+)\";").matcher(source);
        List<String> topics = new ArrayList<>();
        while (constant.find()) {
            if (constant.group(1).endsWith(".dead-letters.v1") == deadLetters) {
                topics.add(constant.group(1));
            }
        }
        return topics;
    }

    @Test
    void followedRegistriesBecomeTheSchedulersIntakeSettingsWithTokensFromSecrets()
            throws IOException {
        Rendered rendered = Chart.render(ValuesFile.EXAMPLE);
        Map<String, String> config =
                rendered.one(ConfigMap.class, Chart.name("scheduler")).getData();
        Properties intake = new Properties();
        intake.load(
                new java.io.StringReader(
                        rendered.one(ConfigMap.class, Chart.name("scheduler") + "-intake")
                                .getData()
                                .get("intake.properties")));

        String r = "crateforge.intake.registries.";
        assertThat(intake)
                .containsEntry(r + "crates-io.index", "https://git.registry.example/index.git")
                .containsEntry(r + "crates-io.sparse-index", "https://index.registry.example/")
                .containsEntry(r + "crates-io.targets", "x86_64-unknown-linux-gnu")
                .containsEntry(r + "crates-io.kinds", "metadata,binary")
                .containsEntry(r + "crates-io.deny", "some-huge-crate")
                .containsEntry(r + "acme-private.priority", "10")
                .containsEntry(r + "acme-private.reproduce", "2")
                .containsEntry(
                        r + "acme-private.token", "${CRATEFORGE_REGISTRY_TOKEN_ACME_PRIVATE}")
                .containsEntry(r + "acme-private.index-username", "crateforge-intake")
                .containsEntry(
                        r + "acme-private.index-password",
                        "${CRATEFORGE_REGISTRY_INDEX_PASSWORD_ACME_PRIVATE}")
                .doesNotContainKey(r + "crates-io.index-password")
                .containsEntry(
                        "crateforge.intake.source-proxy-url", "https://crateforge.example.com")
                .containsEntry(
                        "crateforge.intake.source-proxy-key",
                        "${CRATEFORGE_INTAKE_SOURCE_PROXY_KEY}")
                .doesNotContainKey(r + "crates-io.token");
        // The file is where the ConfigMap tells Quarkus to read it.
        String location = config.get("QUARKUS_CONFIG_LOCATIONS");
        assertThat(location).endsWith("/intake.properties");
        assertThat(mountPaths(rendered, "scheduler"))
                .contains(location.substring(0, location.lastIndexOf('/')));
        // Tokens and the proxy key come from the named Secrets, never from values or ConfigMaps.
        EnvVar token = env(rendered, "scheduler", "CRATEFORGE_REGISTRY_TOKEN_ACME_PRIVATE");
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("acme-registry");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        EnvVar indexPassword =
                env(rendered, "scheduler", "CRATEFORGE_REGISTRY_INDEX_PASSWORD_ACME_PRIVATE");
        assertThat(indexPassword.getValue()).isNull();
        assertThat(indexPassword.getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("acme-registry");
        assertThat(indexPassword.getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("index-password");
        assertThat(
                        env(rendered, "scheduler", "CRATEFORGE_INTAKE_SOURCE_PROXY_KEY")
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                .isEqualTo("crateforge-source-proxy");
        // Builders reach the source proxy through the scheduler's Ingress.
        assertThat(paths(rendered.one(Ingress.class, Chart.name("scheduler"))))
                .contains("/api/v1/registries");
    }

    @Test
    void noRegistriesRenderNoIntakeSettings() {
        Rendered rendered = Chart.render(ValuesFile.DEFAULT);

        assertThat(rendered.one(ConfigMap.class, Chart.name("scheduler")).getData())
                .doesNotContainKey("QUARKUS_CONFIG_LOCATIONS");
        assertThat(rendered.all(ConfigMap.class))
                .extracting(c -> c.getMetadata().getName())
                .doesNotContain(Chart.name("scheduler") + "-intake");
        assertThat(envNames(rendered, "scheduler"))
                .noneMatch(name -> name.startsWith("CRATEFORGE_REGISTRY_TOKEN_"));
    }

    @Test
    void aRegistryTokenWithoutASourceProxyKeyIsRefused() {
        HelmBinary.Result result =
                Chart.template(
                        List.of(
                                "--set", "scheduler.intake.registries[0].name=private-one",
                                "--set",
                                        "scheduler.intake.registries[0].index=https://git.example/i",
                                "--set",
                                        "scheduler.intake.registries[0].targets={x86_64-unknown-linux-gnu}",
                                "--set",
                                        "scheduler.intake.registries[0].tokenSecret.name=private-one",
                                "--set", "scheduler.intake.registries[0].tokenSecret.key=token"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("sourceProxyKeySecret is required");
    }

    private static Set<String> existingSecretNames(ValuesFile values) {
        return values == ValuesFile.EXAMPLE
                ? Set.of(
                        "crateforge-db-app",
                        "crateforge-s3",
                        "crateforge-operator-jwt",
                        "crateforge-job-token",
                        "crateforge-builder-key",
                        "acme-registry",
                        "crateforge-source-proxy")
                : Set.of();
    }

    private static String checksum(Rendered rendered, String service) {
        return rendered.one(Deployment.class, Chart.name(service))
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/config");
    }

    /** A REST resource class's root path, as JAX-RS reads it. */
    private static final Pattern RESOURCE_ROOT =
            Pattern.compile(
                    "@Path\\(\"(/[^\"]*)\"\\)(?:\\s*@\\w+(?:\\([^)]*\\))?)*"
                            + "\\s*public\\s+(?:final\\s+)?class");

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gateway", "scheduler", "artifact"})
    void eachServicesIngressRoutesEveryApiRootOfTheService(String service) throws IOException {
        Rendered rendered = Chart.render(ValuesFile.EXAMPLE);
        List<String> routed = paths(rendered.one(Ingress.class, Chart.name(service)));
        Set<String> roots =
                resourceRoots(Path.of("..", service + "-service", "src", "main", "java"));

        assertThat(roots).as("REST roots of the %s", service).isNotEmpty();
        assertThat(roots)
                .as(
                        "REST roots of the %s, each under a path its Ingress routes %s",
                        service, routed)
                .allMatch(root -> routed.stream().anyMatch(root::startsWith));
    }

    @Test
    void noPathPrefixGoesToTwoServicesOnOneHost() {
        Map<String, String> owner = new java.util.HashMap<>();
        for (Ingress ingress : Chart.render(ValuesFile.EXAMPLE).all(Ingress.class)) {
            String service = ingress.getMetadata().getName();
            for (var rule : ingress.getSpec().getRules()) {
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    String key = rule.getHost() + path.getPath();
                    String before = owner.putIfAbsent(key, service);
                    assertThat(before)
                            .as("%s is routed to %s and %s", key, before, service)
                            .isIn(null, service);
                }
            }
        }
    }

    /** Each REST resource class's root path up to its first template ({@code /dl/{registry}…}). */
    private static Set<String> resourceRoots(Path sources) throws IOException {
        Set<String> roots = new java.util.TreeSet<>();
        try (var files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher root = RESOURCE_ROOT.matcher(Files.readString(file));
                while (root.find()) {
                    roots.add(root.group(1).replaceFirst("\\{.*", ""));
                }
            }
        }
        return roots;
    }

    private static List<String> paths(Ingress ingress) {
        return ingress.getSpec().getRules().stream()
                .flatMap(r -> r.getHttp().getPaths().stream())
                .map(HTTPIngressPath::getPath)
                .toList();
    }

    private static Container container(Rendered rendered, String component) {
        return rendered.one(Deployment.class, Chart.name(component))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static List<String> envNames(Rendered rendered, String component) {
        return container(rendered, component).getEnv().stream().map(EnvVar::getName).toList();
    }

    private static EnvVar env(Rendered rendered, String component, String name) {
        return container(rendered, component).getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(component + " has no env " + name));
    }

    private static List<String> mountPaths(Rendered rendered, String component) {
        return container(rendered, component).getVolumeMounts().stream()
                .map(m -> m.getMountPath())
                .toList();
    }
}
