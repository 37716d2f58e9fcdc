{{/*
Names, labels and the pod pieces every component shares. Components call these with
`dict "root" $ "component" "gateway"`, so each folder's templates stay short and alike.
*/}}

{{/* Chart name. */}}
{{- define "crateforge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name prefix: the release name, with the chart name unless the release already has it. */}}
{{- define "crateforge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's resources: `<fullname>-<component>`. */}}
{{- define "crateforge.componentName" -}}
{{- printf "%s-%s" (include "crateforge.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart label value. */}}
{{- define "crateforge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource; pass the root context. */}}
{{- define "crateforge.labels" -}}
helm.sh/chart: {{ include "crateforge.chart" . }}
app.kubernetes.io/name: {{ include "crateforge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: crateforge
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component's resources. */}}
{{- define "crateforge.componentLabels" -}}
{{ include "crateforge.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selector labels of one component: stable across upgrades, so never the version. */}}
{{- define "crateforge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crateforge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* ServiceAccount name of one component. */}}
{{- define "crateforge.serviceAccountName" -}}
{{- $values := index .root.Values .component -}}
{{- if $values.serviceAccount.create -}}
{{- default (include "crateforge.componentName" .) $values.serviceAccount.name -}}
{{- else -}}
{{- default "default" $values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference of one component: registry/repository:tag, the tag never empty. */}}
{{- define "crateforge.image" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
{{- $tag := default (default $root.Chart.AppVersion $root.Values.image.tag) $values.image.tag -}}
{{- $repository := $values.image.repository -}}
{{- if $root.Values.image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repository -}}
{{- end -}}
{{- printf "%s:%s%s" $repository (toString $tag) $root.Values.image.tagSuffix -}}
{{- end -}}

{{/* In-cluster base URL of one component's Service. */}}
{{- define "crateforge.serviceUrl" -}}
{{- $values := index .root.Values .component -}}
{{- printf "http://%s.%s.svc:%v" (include "crateforge.componentName" .) .root.Release.Namespace $values.service.port -}}
{{- end -}}

{{/* Names of the Secrets: the existing one when given, else the one secrets.yaml creates. */}}
{{- define "crateforge.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "crateforge.fullname" .)) .Values.postgresql.existingSecret -}}
{{- end -}}
{{- define "crateforge.s3SecretName" -}}
{{- default (printf "%s-s3" (include "crateforge.fullname" .)) .Values.s3.existingSecret -}}
{{- end -}}
{{- define "crateforge.operatorJwtSecretName" -}}
{{- default (printf "%s-operator-jwt" (include "crateforge.fullname" .)) .Values.auth.operatorJwt.existingSecret -}}
{{- end -}}
{{- define "crateforge.jobTokenSecretName" -}}
{{- default (printf "%s-job-token" (include "crateforge.fullname" .)) .Values.auth.jobToken.existingSecret -}}
{{- end -}}

{{/* Where the operator public key is mounted (gateway and scheduler). */}}
{{- define "crateforge.operatorJwtDir" -}}/etc/crateforge/operator-jwt{{- end -}}
{{/* Where the job-token signing key is mounted (scheduler). */}}
{{- define "crateforge.jobTokenDir" -}}/etc/crateforge/job-token{{- end -}}

{{/* Settings every service reads, as ConfigMap data (never secrets). Root context. */}}
{{- define "crateforge.commonConfig" -}}
QUARKUS_DATASOURCE_JDBC_URL: {{ .Values.postgresql.jdbcUrl | quote }}
{{- if not .Values.postgresql.usernameKey }}
QUARKUS_DATASOURCE_USERNAME: {{ .Values.postgresql.username | quote }}
{{- end }}
KAFKA_BOOTSTRAP_SERVERS: {{ .Values.kafka.bootstrapServers | quote }}
CRATEFORGE_KAFKA_TOPIC_PREFIX: {{ .Values.kafka.topicPrefix | quote }}
# The root filesystem is read-only: anything Vert.x spools to disk goes to the /tmp emptyDir.
QUARKUS_HTTP_BODY_UPLOADS_DIRECTORY: /tmp/uploads
{{- end -}}

{{/* Secret environment every service reads: the database credentials. Root context. */}}
{{- define "crateforge.datasourceEnv" -}}
{{- if .Values.postgresql.usernameKey }}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "crateforge.postgresqlSecretName" . }}
      key: {{ .Values.postgresql.usernameKey }}
{{- end }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "crateforge.postgresqlSecretName" . }}
      key: {{ .Values.postgresql.passwordKey }}
{{- end -}}

{{/* Pod annotations of one component: config checksums (so a config change rolls the pods) and metrics. */}}
{{- define "crateforge.podAnnotations" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
checksum/config: {{ include (print $root.Template.BasePath "/" .component "/configmap.yaml") $root | sha256sum }}
checksum/secrets: {{ include (print $root.Template.BasePath "/secrets.yaml") $root | sha256sum }}
{{- if $root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/path: /q/metrics
prometheus.io/port: {{ $values.service.port | quote }}
{{- end }}
{{- with $values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod spec fields every service shares, up to (not including) `containers`. */}}
{{- define "crateforge.podCommon" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
serviceAccountName: {{ include "crateforge.serviceAccountName" . }}
# The services never call the Kubernetes API: no token in the pod.
automountServiceAccountToken: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml $values.topologySpreadConstraints | nindent 2 }}
{{- else if $root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - maxSkew: {{ $root.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "crateforge.selectorLabels" $ | nindent 8 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The container fields every service shares: image, port, probes, resources, security. */}}
{{- define "crateforge.containerCommon" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
image: {{ include "crateforge.image" . | quote }}
imagePullPolicy: {{ $root.Values.image.pullPolicy }}
ports:
  - name: http
    containerPort: 8080
    protocol: TCP
startupProbe:
  httpGet:
    path: {{ $root.Values.probes.startup.path }}
    port: http
  periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
  failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
  timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: {{ $root.Values.probes.liveness.path }}
    port: http
  periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
  failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
  timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: {{ $root.Values.probes.readiness.path }}
    port: http
  periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
  failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
  timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
resources:
  {{- toYaml $values.resources | nindent 2 }}
securityContext:
  {{- toYaml $root.Values.containerSecurityContext | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "crateforge.componentName" . }}
{{- end -}}

{{/* Environment every service's container starts with. */}}
{{- define "crateforge.envCommon" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
# Replaces the image's JAVA_OPTS_APPEND, so it repeats the image's two settings first.
- name: JAVA_OPTS_APPEND
  value: {{ printf "-Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager %s" $values.javaOptsAppend | trim | quote }}
{{ include "crateforge.datasourceEnv" $root | trim }}
{{- end -}}

{{/* The /tmp volume every container gets, since the root filesystem is read-only. */}}
{{- define "crateforge.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* HorizontalPodAutoscaler of one component. */}}
{{- define "crateforge.hpa" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
{{- if $values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "crateforge.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "crateforge.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "crateforge.componentName" . }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    {{- with $values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget of one component. */}}
{{- define "crateforge.pdb" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
{{- if $values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "crateforge.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "crateforge.componentLabels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $values.pdb.minAvailable) }}
  minAvailable: {{ $values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $values.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "crateforge.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Service of one component. */}}
{{- define "crateforge.service" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "crateforge.componentName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "crateforge.componentLabels" . | nindent 4 }}
spec:
  type: {{ $values.service.type }}
  ports:
    - name: http
      port: {{ $values.service.port }}
      targetPort: http
      protocol: TCP
  selector:
    {{- include "crateforge.selectorLabels" . | nindent 4 }}
{{- end -}}

{{/* ServiceAccount of one component. */}}
{{- define "crateforge.serviceAccount" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .component -}}
{{- if $values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "crateforge.serviceAccountName" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "crateforge.componentLabels" . | nindent 4 }}
  {{- with $values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/* Base URL builders upload artifacts to: the value, the artifact Ingress, or the in-cluster Service. */}}
{{- define "crateforge.artifactBaseUrl" -}}
{{- if .Values.scheduler.artifactBaseUrl -}}
{{- .Values.scheduler.artifactBaseUrl -}}
{{- else if .Values.artifact.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.artifact.ingress.tlsSecretName))) .Values.artifact.ingress.host -}}
{{- else -}}
{{- include "crateforge.serviceUrl" (dict "root" . "component" "artifact") -}}
{{- end -}}
{{- end -}}

{{/* Base URL builders fetch private registries' sources from: the value, the scheduler Ingress, or the Service. */}}
{{- define "crateforge.sourceProxyUrl" -}}
{{- if .Values.scheduler.intake.sourceProxyUrl -}}
{{- .Values.scheduler.intake.sourceProxyUrl -}}
{{- else if .Values.scheduler.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.scheduler.ingress.tlsSecretName))) .Values.scheduler.ingress.host -}}
{{- else -}}
{{- include "crateforge.serviceUrl" (dict "root" . "component" "scheduler") -}}
{{- end -}}
{{- end -}}

{{/* Whether a followed registry has a token (a private registry: the source proxy is needed). */}}
{{- define "crateforge.intakeHasTokens" -}}
{{- range .Values.scheduler.intake.registries }}{{ if .tokenSecret }}true{{ end }}{{ end -}}
{{- end -}}

{{/* The environment variable that carries one registry's token (from its Secret). */}}
{{- define "crateforge.intakeTokenEnv" -}}
{{- printf "CRATEFORGE_REGISTRY_TOKEN_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{- define "crateforge.intakeIndexPasswordEnv" -}}
{{- printf "CRATEFORGE_REGISTRY_INDEX_PASSWORD_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/*
The registries as the scheduler's properties (crateforge.intake.registries.<name>.*), mounted as a
file and named by QUARKUS_CONFIG_LOCATIONS: a map keyed by registry name does not survive the
environment-variable naming (a '-' in a name). A token is never written here: the property refers to
an environment variable set from the registry's Secret.
*/}}
{{- define "crateforge.intakeProperties" -}}
{{- $root := . -}}
{{- if include "crateforge.intakeHasTokens" . }}
{{- if not .Values.scheduler.intake.sourceProxyKeySecret.name }}
{{- fail "scheduler.intake.sourceProxyKeySecret is required when a registry has a tokenSecret" }}
{{- end }}
crateforge.intake.source-proxy-url={{ include "crateforge.sourceProxyUrl" . }}
crateforge.intake.source-proxy-key=${CRATEFORGE_INTAKE_SOURCE_PROXY_KEY}
{{- end }}
{{- range .Values.scheduler.intake.registries }}
{{- $p := printf "crateforge.intake.registries.%s." .name }}
{{ $p }}index={{ .index }}
{{ $p }}targets={{ join "," .targets }}
{{- if hasKey . "enabled" }}
{{ $p }}enabled={{ .enabled }}
{{- end }}
{{- with .sparseIndex }}
{{ $p }}sparse-index={{ . }}
{{- end }}
{{- with .kinds }}
{{ $p }}kinds={{ join "," . }}
{{- end }}
{{- with .pollInterval }}
{{ $p }}poll-interval={{ . }}
{{- end }}
{{- with .allow }}
{{ $p }}allow={{ join "," . }}
{{- end }}
{{- with .deny }}
{{ $p }}deny={{ join "," . }}
{{- end }}
{{- with .maxJobsPerPoll }}
{{ $p }}max-jobs-per-poll={{ . }}
{{- end }}
{{- with .reproduce }}
{{ $p }}reproduce={{ . }}
{{- end }}
{{- if hasKey . "backfill" }}
{{ $p }}backfill={{ .backfill }}
{{- end }}
{{- if hasKey . "priority" }}
{{ $p }}priority={{ .priority }}
{{- end }}
{{- if hasKey . "backfillPriority" }}
{{ $p }}backfill-priority={{ .backfillPriority }}
{{- end }}
{{- if hasKey . "allowPrivateAddresses" }}
{{ $p }}allow-private-addresses={{ .allowPrivateAddresses }}
{{- end }}
{{- if .tokenSecret }}
{{ $p }}token=${ {{- include "crateforge.intakeTokenEnv" .name -}} }
{{- end }}
{{- with .indexUsername }}
{{ $p }}index-username={{ . }}
{{- end }}
{{- if .indexPasswordSecret }}
{{ $p }}index-password=${ {{- include "crateforge.intakeIndexPasswordEnv" .name -}} }
{{- end }}
{{- end }}
{{- end -}}

{{/*
The nine topic names, exactly as protocol's Topics class writes them (a test in the k8s module
compares the two), one per line.
*/}}
{{- define "crateforge.topicNames" -}}
crateforge.job-requests.v1
crateforge.job-assignments.v1
crateforge.job-events.v1
crateforge.builder-connections.v1
crateforge.builder-control.v1
crateforge.gateway-heartbeats.v1
crateforge.job-states.v1
crateforge.artifacts.v1
crateforge.version-yanks.v1
{{- end -}}

{{/*
A new EC P-256 private key as a PKCS#8 PEM ("BEGIN PRIVATE KEY"), the form the scheduler reads.
genPrivateKey gives SEC1 ("BEGIN EC PRIVATE KEY", always 121 bytes of DER for P-256); PKCS#8 wraps
that DER in a fixed header: SEQUENCE { version 0, AlgorithmIdentifier { id-ecPublicKey,
prime256v1 }, OCTET STRING (121 bytes) }.
*/}}
{{- define "crateforge.generateP256Pkcs8" -}}
{{- $sec1 := regexReplaceAll "-----[A-Z ]+-----|\\s" (genPrivateKey "ecdsa") "" | b64dec -}}
{{- if ne (len $sec1) 121 -}}
{{- fail (printf "unexpected SEC1 key length %d: set auth.jobToken.signingKey or existingSecret" (len $sec1)) -}}
{{- end -}}
{{- $der := printf "%s%s" "\x30\x81\x93\x02\x01\x00\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\x04\x79" $sec1 -}}
-----BEGIN PRIVATE KEY-----
{{ regexFindAll ".{1,64}" (b64enc $der) -1 | join "\n" }}
-----END PRIVATE KEY-----
{{ end -}}
