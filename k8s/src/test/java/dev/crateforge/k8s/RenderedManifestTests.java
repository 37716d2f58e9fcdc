package dev.crateforge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.k8s.Chart.Rendered;
import dev.crateforge.k8s.Chart.ValuesFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the chart with each shipped values file, parses every manifest with fabric8's typed model
 * and checks, for each service, what a cluster operator relies on: hardened pods, the three health
 * probes, bounded resources, an HPA and a PDB that point at the right pods, and a config checksum
 * that rolls the pods when their config changes.
 */
class RenderedManifestTests {

    private static final String CONTAINER_PORT_NAME = "http";

    static Stream<Arguments> servicesPerValuesFile() {
        List<Arguments> arguments = new ArrayList<>();
        for (ValuesFile values : ValuesFile.values()) {
            for (String service : Chart.SERVICES) {
                arguments.add(Arguments.of(values, service));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ValuesFile.class)
    void everyManifestParsesIntoATypedObject(ValuesFile values) {
        Rendered rendered = Chart.render(values);

        assertThat(rendered.objects()).isNotEmpty();
        // Only the Prometheus Operator's ServiceMonitor has no model class; anything else landing
        // in the generic type is a misspelt kind or apiVersion.
        assertThat(rendered.all(GenericKubernetesResource.class))
                .extracting(HasMetadata::getKind)
                .allMatch("ServiceMonitor"::equals);
        assertThat(rendered.objects())
                .allSatisfy(
                        o -> {
                            assertThat(o.getMetadata().getName()).startsWith("cf-crateforge");
                            assertThat(o.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
                        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void serviceRunsAsNonRootWithReadOnlyRootAndNoCapabilities(ValuesFile values, String service) {
        PodSpec pod = deployment(values, service).getSpec().getTemplate().getSpec();

        PodSecurityContext podContext = pod.getSecurityContext();
        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isPositive();
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        assertThat(pod.getContainers()).hasSize(1);
        SecurityContext context = pod.getContainers().get(0).getSecurityContext();
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getReadOnlyRootFilesystem()).isTrue();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(context.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void serviceHasAWritableTmpOnAnEmptyDir(ValuesFile values, String service) {
        PodSpec pod = deployment(values, service).getSpec().getTemplate().getSpec();

        VolumeMount tmp =
                pod.getContainers().get(0).getVolumeMounts().stream()
                        .filter(m -> m.getMountPath().equals("/tmp"))
                        .findFirst()
                        .orElseThrow();
        Volume volume =
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals(tmp.getName()))
                        .findFirst()
                        .orElseThrow();
        assertThat(volume.getEmptyDir()).isNotNull();
        assertThat(volume.getEmptyDir().getSizeLimit()).isNotNull();
        assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void serviceProbesTheThreeHealthEndpoints(ValuesFile values, String service) {
        Container container = container(values, service);

        assertThat(container.getPorts())
                .anySatisfy(
                        p -> {
                            assertThat(p.getName()).isEqualTo(CONTAINER_PORT_NAME);
                            assertThat(p.getContainerPort()).isEqualTo(8080);
                        });
        assertHttpProbe(container.getStartupProbe(), "/q/health/started");
        assertHttpProbe(container.getLivenessProbe(), "/q/health/live");
        assertHttpProbe(container.getReadinessProbe(), "/q/health/ready");
        // The startup probe must outlast migrations: liveness only starts once it has passed.
        Probe startup = container.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .isGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void serviceRequestsCpuAndMemoryAndBoundsMemory(ValuesFile values, String service) {
        var resources = container(values, service).getResources();

        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKey("memory");
        assertThat(resources.getLimits().get("memory").getNumericalAmount())
                .isGreaterThanOrEqualTo(resources.getRequests().get("memory").getNumericalAmount());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void hpaScalesTheServicesOwnDeployment(ValuesFile values, String service) {
        Rendered rendered = Chart.render(values);
        Deployment deployment = deployment(values, service);
        List<HorizontalPodAutoscaler> hpas =
                rendered.all(HorizontalPodAutoscaler.class).stream()
                        .filter(h -> h.getMetadata().getName().equals(Chart.name(service)))
                        .toList();

        if (hpas.isEmpty()) {
            // Autoscaling is off for this service: the Deployment must then fix its replicas.
            assertThat(deployment.getSpec().getReplicas()).isNotNull().isPositive();
            return;
        }
        HorizontalPodAutoscaler hpa = hpas.get(0);
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas())
                .isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
        assertThat(hpa.getSpec().getMetrics())
                .anySatisfy(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
        // Two owners of the replica count would fight on every helm upgrade.
        assertThat(deployment.getSpec().getReplicas()).isNull();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void pdbSelectsExactlyTheServicesPods(ValuesFile values, String service) {
        Rendered rendered = Chart.render(values);
        PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class, Chart.name(service));
        Map<String, String> podLabels =
                deployment(values, service).getSpec().getTemplate().getMetadata().getLabels();

        Map<String, String> selector = pdb.getSpec().getSelector().getMatchLabels();
        assertThat(podLabels).containsAllEntriesOf(selector);
        assertThat(selector).containsEntry("app.kubernetes.io/component", service);
        assertThat(
                        pdb.getSpec().getMinAvailable() != null
                                || pdb.getSpec().getMaxUnavailable() != null)
                .as("PDB sets minAvailable or maxUnavailable")
                .isTrue();
        // No other service's pods may match this selector.
        for (String other : Chart.SERVICES) {
            if (!other.equals(service)) {
                assertThat(
                                deployment(values, other)
                                        .getSpec()
                                        .getTemplate()
                                        .getMetadata()
                                        .getLabels())
                        .doesNotContainEntry("app.kubernetes.io/component", service);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void serviceAndDeploymentAgreeOnPodsAndPort(ValuesFile values, String service) {
        Rendered rendered = Chart.render(values);
        Deployment deployment = deployment(values, service);
        Service svc = rendered.one(Service.class, Chart.name(service));

        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(svc.getSpec().getSelector());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(svc.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertThat(rendered.one(ServiceAccount.class, account).getAutomountServiceAccountToken())
                .isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void podsCarryAChecksumOfTheirConfig(ValuesFile values, String service) {
        Map<String, String> annotations =
                deployment(values, service).getSpec().getTemplate().getMetadata().getAnnotations();

        assertThat(annotations).containsKey("checksum/config");
        assertThat(annotations.get("checksum/config")).matches("[0-9a-f]{64}");
        assertThat(container(values, service).getEnvFrom())
                .anySatisfy(
                        e ->
                                assertThat(e.getConfigMapRef().getName())
                                        .isEqualTo(Chart.name(service)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servicesPerValuesFile")
    void podsSpreadOverZonesAndNodes(ValuesFile values, String service) {
        PodSpec pod = deployment(values, service).getSpec().getTemplate().getSpec();

        assertThat(pod.getTopologySpreadConstraints())
                .extracting(c -> c.getTopologyKey())
                .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        assertThat(pod.getTopologySpreadConstraints())
                .allSatisfy(
                        c ->
                                assertThat(c.getLabelSelector().getMatchLabels())
                                        .containsEntry("app.kubernetes.io/component", service));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ValuesFile.class)
    void everyImageIsPinnedToATag(ValuesFile values) {
        Rendered rendered = Chart.render(values);
        List<String> images = new ArrayList<>();
        for (Deployment deployment : rendered.all(Deployment.class)) {
            deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(Container::getImage)
                    .forEach(images::add);
        }
        for (Job job : rendered.all(Job.class)) {
            job.getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(Container::getImage)
                    .forEach(images::add);
        }

        assertThat(images).hasSizeGreaterThanOrEqualTo(Chart.SERVICES.size());
        assertThat(images)
                .allSatisfy(
                        image -> {
                            String lastPart = image.substring(image.lastIndexOf('/') + 1);
                            assertThat(lastPart).as("image %s has a tag", image).contains(":");
                            assertThat(lastPart.substring(lastPart.indexOf(':') + 1))
                                    .as("tag of %s", image)
                                    .isNotBlank()
                                    .doesNotStartWith("latest");
                        });
    }

    private static Deployment deployment(ValuesFile values, String service) {
        return Chart.render(values).one(Deployment.class, Chart.name(service));
    }

    private static Container container(ValuesFile values, String service) {
        List<Container> containers =
                deployment(values, service).getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(CONTAINER_PORT_NAME);
        assertThat(probe.getPeriodSeconds()).isPositive();
        assertThat(probe.getFailureThreshold()).isPositive();
    }
}
