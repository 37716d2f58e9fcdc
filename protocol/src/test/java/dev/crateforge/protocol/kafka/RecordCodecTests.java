package dev.crateforge.protocol.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.json.ProtocolDecodeException;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.message.Samples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordCodecTests {

    private static final Instant NOW = Instant.parse("2026-11-25T01:02:03.456Z");

    static Stream<Object> records() {
        var statement = Samples.statement();
        return Stream.of(
                new JobRequested(
                        Samples.BUILDER, "conn-1", "gateway-0", List.of(Samples.TARGET), 2, 4, NOW),
                new GatewayHeartbeat("gateway-0~a1b2", "gateway-0", NOW, 15, NOW),
                new BuilderControl.UnknownJob(Samples.BUILDER, Samples.JOB, 2, "not held"),
                new JobAssigned(Samples.BUILDER, "conn-1", "gateway-0", Samples.assignment(), NOW),
                new JobAssigned(
                        Samples.BUILDER,
                        "conn-1",
                        "gateway-0",
                        Samples.assignment().withLimits(Samples.limits()),
                        NOW),
                new JobActivity.EventReported(
                        Samples.JOB,
                        1,
                        Samples.BUILDER,
                        5L,
                        new JobEventBody.Log(LogStream.BUILDER, "fetched"),
                        NOW),
                new JobActivity.Completed(
                        Samples.JOB,
                        1,
                        Samples.BUILDER,
                        JobResult.SUCCEEDED,
                        null,
                        null,
                        statement.artifacts(),
                        statement.render(),
                        "sig",
                        "ssh-ed25519 AAAA",
                        NOW),
                new JobActivity.Undeliverable(
                        Samples.JOB, 1, Samples.BUILDER, "conn-1", "connection closed", NOW),
                new BuilderConnectionChange.Connected(
                        Samples.BUILDER, "builder-1", "conn-1", "gateway-0", NOW),
                new BuilderConnectionChange.Disconnected(
                        Samples.BUILDER, "conn-1", "gateway-0", "closed by peer", NOW),
                new BuilderControl.CancelAttempt(Samples.BUILDER, Samples.JOB, 1, "cancelled"),
                new BuilderControl.Disconnect(Samples.BUILDER, "disabled"),
                new JobStateChanged(
                        Samples.JOB,
                        1,
                        JobState.SUCCEEDED,
                        Samples.BUILDER,
                        "hello-world",
                        "1.0.0",
                        Samples.TARGET,
                        ArtifactKind.BINARY,
                        new Provenance(statement.render(), "sig", "ssh-ed25519 AAAA"),
                        NOW),
                new JobStateChanged(
                        Samples.JOB,
                        1,
                        JobState.QUEUED,
                        null,
                        "hello-world",
                        "1.0.0",
                        Samples.TARGET,
                        ArtifactKind.BINARY,
                        null,
                        NOW),
                new JobStateChanged(
                        Samples.JOB,
                        2,
                        JobState.SUCCEEDED,
                        Samples.BUILDER,
                        "hello-world",
                        "1.0.0",
                        Samples.TARGET,
                        ArtifactKind.BINARY,
                        new Provenance(statement.render(), "sig", "ssh-ed25519 AAAA"),
                        NOW,
                        new Reproduction(Samples.JOB, 3, ReproductionVerdict.DISAGREED, true)),
                new ArtifactStored(Samples.JOB, 1, ArtifactKind.BINARY, "b".repeat(64), 1234L, NOW),
                new VersionYankChanged("crates-io", "hello-world", "1.0.0", true, NOW));
    }

    @ParameterizedTest
    @MethodSource("records")
    void recordsRoundTrip(Object record) throws Exception {
        Class<?> type =
                record.getClass().isMemberClass()
                        ? record.getClass().getInterfaces()[0]
                        : record.getClass();

        byte[] bytes = RecordCodec.encode(record);

        assertThat(RecordCodec.decode(bytes, type)).isEqualTo(record);
    }

    @Test
    void writesTimestampsAsIsoText() {
        String json =
                new String(
                        RecordCodec.encode(new BuilderControl.Disconnect(Samples.BUILDER, "x")),
                        StandardCharsets.UTF_8);
        String withTime =
                new String(
                        RecordCodec.encode(
                                new ArtifactStored(
                                        Samples.JOB,
                                        1,
                                        ArtifactKind.BINARY,
                                        "b".repeat(64),
                                        1L,
                                        NOW)),
                        StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo(
                        "{\"type\":\"disconnect\",\"builderId\":\""
                                + Samples.BUILDER
                                + "\",\"reason\":\"x\"}");
        assertThat(withTime).contains("\"storedAt\":\"2026-11-25T01:02:03.456Z\"");
    }

    @Test
    void refusesARecordWithAnUnknownType() {
        byte[] bytes =
                "{\"type\":\"explode\",\"builderId\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RecordCodec.decode(bytes, BuilderControl.class))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessage("unknown message type 'explode'");
    }

    @Test
    void aYankChangeIsKeyedByRegistryAndCrateAndRefusesBadNames() {
        VersionYankChanged change =
                new VersionYankChanged("crates-io", "serde", "1.0.0-rc.1", false, NOW);

        assertThat(change.key()).isEqualTo("crates-io/serde");
        assertThatThrownBy(
                        () ->
                                new VersionYankChanged(
                                        "Public.Registry", "serde", "1.0.0", true, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry");
        assertThatThrownBy(() -> new VersionYankChanged("crates-io", "serde", "1.0", true, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        byte[] missing =
                ("{\"registry\":\"crates-io\",\"crate\":\"serde\",\"version\":\"1.0.0\","
                                + "\"changedAt\":\"2026-11-25T01:02:03Z\"}")
                        .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecordCodec.decode(missing, VersionYankChanged.class))
                .isInstanceOf(ProtocolDecodeException.class)
                .hasMessageContaining("yanked");
    }

    @Test
    void everyTopicIsVersionedAndListed() {
        assertThat(Topics.ALL)
                .hasSize(9)
                .allMatch(t -> t.startsWith("crateforge.") && t.endsWith(".v1"))
                .doesNotHaveDuplicates();
        assertThat(Topics.prefixed("run-1.", Topics.ARTIFACTS))
                .isEqualTo("run-1.crateforge.artifacts.v1");
        assertThat(Topics.prefixed("", Topics.ARTIFACTS)).isEqualTo(Topics.ARTIFACTS);
    }
}
