package dev.crateforge.builder.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.config.JobLimits;
import dev.crateforge.builder.config.SandboxMode;
import dev.crateforge.builder.console.Console;
import dev.crateforge.builder.job.JobRunner;
import dev.crateforge.builder.job.Sandbox;
import dev.crateforge.builder.support.FakeGateway;
import dev.crateforge.builder.support.HttpFixture;
import dev.crateforge.builder.support.TestCrates;
import dev.crateforge.builder.support.TestKeys;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.BuildStatement;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.protocol.ssh.SshSignature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The builder's protocol client against a real WebSocket server playing the gateway. Builds run a
 * stand-in {@code cargo} script (real processes, but instant or deliberately stuck), so these tests
 * need no Rust toolchain; the real cargo is exercised in JobRunnerCargoTests.
 */
class GatewayClientTests {

    private static final String TARGET = "x86_64-unknown-linux-gnu";
    private static final String TOKEN = "secret-job-token";

    @TempDir Path temp;

    private final SshPrivateKey key = TestKeys.builderKey();
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private FakeGateway gateway;
    private HttpFixture http;
    private BuilderAgent agent;
    private CompletableFuture<Integer> exit;

    @BeforeEach
    void start() throws Exception {
        gateway = new FakeGateway(key.publicKey());
        http = new HttpFixture();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.drain(Duration.ZERO);
        }
        gateway.close();
        http.close();
    }

    @Test
    void authenticatesBySigningTheDocumentedBytes() throws Exception {
        startAgent();

        JobRequest request = gateway.nextMessage(JobRequest.class);

        FakeGateway.Handshake handshake = gateway.handshakes().get(0);
        assertThat(handshake.verified()).isTrue();
        assertThat(handshake.hello().protocolVersion()).isEqualTo(1);
        assertThat(handshake.hello().fingerprint()).isEqualTo(key.publicKey().fingerprint());
        assertThat(handshake.hello().agent()).startsWith("crateforge-builder/");
        SshSignature signature = SshSignature.parse(handshake.signature());
        assertThat(handshake.signature()).startsWith("-----BEGIN SSH SIGNATURE-----");
        assertThat(signature.namespace()).isEqualTo("builder-auth@crateforge.dev");
        byte[] documented =
                ("crateforge-auth/v1\nconnection: conn-1\nchallenge: "
                                + handshake.challenge()
                                + "\n")
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(signature.verify(key.publicKey(), BuilderProtocol.AUTH_NAMESPACE, documented))
                .isTrue();
        assertThat(request.targets()).containsExactly(TARGET);
        assertThat(request.slots()).isEqualTo(2);
        assertThat(gateway.decodeErrors()).isEmpty();
    }

    @Test
    void runsAJobWithEventsNumberedFromOneAndASignedResponse() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        JobAssignment job = job("quick");

        gateway.send(new Jobs(List.of(job)));
        List<ClientMessage> sent = until(m -> m instanceof JobResponse);

        List<JobEvent> events = eventsOf(sent, job);
        assertThat(events).extracting(JobEvent::seq).containsExactly(sequence(events.size()));
        assertThat(stages(events))
                .containsExactly(
                        BuildStage.FETCHING,
                        BuildStage.EXTRACTING,
                        BuildStage.BUILDING,
                        BuildStage.PACKAGING,
                        BuildStage.UPLOADING);
        assertThat(logLines(events)).anyMatch(line -> line.contains("Compiling quick v1.0.0"));
        JobResponse response = (JobResponse) sent.get(sent.size() - 1);
        assertThat(response.result()).isEqualTo(JobResult.SUCCEEDED);
        HttpFixture.Upload upload = http.uploads().get(0);
        assertThat(upload.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
        assertThat(response.artifacts())
                .singleElement()
                .satisfies(a -> assertThat(a.sha256()).isEqualTo(sha256(upload.body())));
        BuildStatement statement = BuildStatement.parse(response.statement());
        assertThat(statement.jobId()).isEqualTo(job.jobId());
        assertThat(
                        SshSignature.parse(response.signature())
                                .verify(
                                        key.publicKey(),
                                        BuilderProtocol.BUILD_NAMESPACE,
                                        response.statement().getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        // the freed slot is offered again
        assertThat(gateway.nextMessage(JobRequest.class).slots()).isEqualTo(2);
        assertThat(terminal.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
    }

    @Test
    void resendsEveryEventAndThenTheResponseUntilTheResponseIsAccepted() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        JobAssignment job = job("quick");
        gateway.send(new Jobs(List.of(job)));
        List<ClientMessage> firstConnection = until(m -> m instanceof JobResponse);
        JobResponse first = (JobResponse) firstConnection.get(firstConnection.size() - 1);
        int events = eventsOf(firstConnection, job).size();

        gateway.close(SocketClose.DRAINING.code(), SocketClose.DRAINING.reason());

        // the gateway acknowledges no event: all of them go again, in order, then the response
        List<ClientMessage> secondConnection = untilJobRequestOn(2);
        assertThat(eventsOf(secondConnection, job))
                .extracting(JobEvent::seq)
                .containsExactly(sequence(events));
        assertThat(eventsOf(secondConnection, job)).isEqualTo(eventsOf(firstConnection, job));
        assertThat(secondConnection.get(secondConnection.size() - 1)).isEqualTo(first);
        assertThat(gateway.handshakes()).hasSize(2).allMatch(FakeGateway.Handshake::verified);
        assertThat(gateway.handshakes().get(1).connectionId()).isEqualTo("conn-2");

        gateway.send(new JobResponseAccepted(job.jobId(), job.attempt()));
        await().atMost(Duration.ofSeconds(10)).until(() -> terminal().contains("result accepted"));
        // once accepted, the attempt is forgotten: a later reconnect sends nothing of it
        gateway.close(SocketClose.SERVER_FAULT.code(), SocketClose.SERVER_FAULT.reason());
        assertThat(untilJobRequestOn(3)).isEmpty();
    }

    // ---- contract tests: every entry of SocketClose and SocketError gets the reaction its
    // ---- action names; a new entry is tested as soon as it exists, and a new action does not
    // ---- compile here until it has an expectation

    @ParameterizedTest
    @EnumSource(SocketClose.class)
    void reactsToEveryCloseAsTheContractSays(SocketClose close) throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        String reason = close.reasonWith("a detail from the test");

        gateway.close(close.code(), reason);

        switch (close.action()) {
            case STOP -> {
                assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(BuilderAgent.EXIT_REFUSED);
                assertThat(gateway.connections()).isEqualTo(1);
                assertThat(terminal())
                        .contains(
                                "error: the gateway refused this builder ("
                                        + close.code()
                                        + " "
                                        + reason
                                        + "); ");
            }
            case RECONNECT_NOW -> {
                assertThat(gateway.next(JobRequest.class, r -> true).connection()).isEqualTo(2);
                assertThat(terminal()).contains("reconnecting at once");
            }
            case RECONNECT_WITH_BACKOFF -> {
                assertThat(gateway.next(JobRequest.class, r -> true).connection()).isEqualTo(2);
                assertThat(terminal()).contains("); reconnecting in ");
            }
            case DONE,
                    RETRY_WITH_BACKOFF,
                    ASK_AGAIN,
                    ABANDON_JOB,
                    REPORT_INFRASTRUCTURE_FAILURE,
                    REPORT_CRATE_FAILURE ->
                    throw new AssertionError("no close should ask for " + close.action());
        }
    }

    @Test
    void reconnectsWithBackoffAfterAnUnrecognisedClose() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);

        gateway.close(SocketClose.AUTHENTICATION_FAILED.code(), "a reason of a newer gateway");

        assertThat(gateway.next(JobRequest.class, r -> true).connection()).isEqualTo(2);
        assertThat(terminal()).contains("); reconnecting in ");
    }

    @ParameterizedTest
    @EnumSource(SocketError.class)
    void reactsToEveryErrorAsTheContractSays(SocketError error) throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);

        switch (error.action()) {
            case ABANDON_JOB -> {
                JobAssignment job = job("sleepy");
                gateway.send(new Jobs(List.of(job)));
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile("sleep")));
                ProcessHandle sleep = ProcessHandle.of(pid("sleep")).orElseThrow();

                gateway.send(
                        new ErrorMessage(error.wireName(), "refused by the test", job.jobId()));

                // the attempt stops, its slot is offered again ...
                await().atMost(Duration.ofSeconds(10)).until(() -> !sleep.isAlive());
                gateway.next(JobRequest.class, r -> r.slots() == 2);
                // ... and nothing of it is sent again, not even after a reconnect
                gateway.close(SocketClose.SERVER_FAULT.code(), SocketClose.SERVER_FAULT.reason());
                assertThat(untilJobRequestOn(2)).isEmpty();
                assertThat(http.uploads()).isEmpty();
            }
            case RETRY_WITH_BACKOFF -> {
                JobAssignment job = job("quick");
                gateway.send(new Jobs(List.of(job)));
                JobResponse first =
                        (JobResponse) gateway.next(JobResponse.class, r -> true).message();

                gateway.send(
                        new ErrorMessage(error.wireName(), "refused by the test", job.jobId()));

                // the same response again, on the same connection, without its events
                List<ClientMessage> untilAgain = until(m -> m instanceof JobResponse);
                assertThat(untilAgain.get(untilAgain.size() - 1)).isEqualTo(first);
                assertThat(eventsOf(untilAgain, job)).isEmpty();
                assertThat(gateway.connections()).isEqualTo(1);
                assertThat(terminal()).contains("sending again in");
            }
            case STOP -> {
                gateway.send(new ErrorMessage(error.wireName(), "refused by the test", null));

                // told loudly, and asked again only after the long wait, on the same connection
                FakeGateway.Received again = gateway.next(JobRequest.class, r -> true);
                assertThat(again.connection()).isEqualTo(1);
                assertThat(terminal())
                        .contains(
                                "error: the gateway refused this builder's request ("
                                        + error.wireName())
                        .contains("asking again in 1 s");
            }
            case DONE,
                    ASK_AGAIN,
                    REPORT_INFRASTRUCTURE_FAILURE,
                    REPORT_CRATE_FAILURE,
                    RECONNECT_NOW,
                    RECONNECT_WITH_BACKOFF ->
                    throw new AssertionError("no error code should ask for " + error.action());
        }
    }

    @Test
    void ignoresAnErrorCodeItDoesNotKnow() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);

        gateway.send(new ErrorMessage("too_many_jobs", "a code no longer in the contract", null));
        JobAssignment job = job("quick");
        gateway.send(new Jobs(List.of(job)));

        assertThat(gateway.next(JobResponse.class, r -> true).connection()).isEqualTo(1);
        assertThat(terminal()).contains("does not know (too_many_jobs");
    }

    @Test
    void keepsARunningBuildGoingAcrossAReconnect() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        JobAssignment job = job("sleepy");
        gateway.send(new Jobs(List.of(job)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile("sleep")));
        long seqBefore = lastSeq(until(m -> isHeartbeat(m, job)), job);

        gateway.close(SocketClose.DRAINING.code(), "gateway draining");

        // what was written just before the close is sent again (the scheduler drops duplicates)
        FakeGateway.Received resent = gateway.next(JobEvent.class, e -> e.seq() == seqBefore);
        assertThat(resent.connection()).isEqualTo(2);
        FakeGateway.Received heartbeat =
                gateway.next(
                        JobEvent.class,
                        e -> e.seq() > seqBefore && e.event() instanceof JobEventBody.Heartbeat);
        assertThat(heartbeat.connection()).isEqualTo(2);
        assertThat(ProcessHandle.of(pid("sleep")))
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    }

    @Test
    void cancelKillsTheBuildProcessTreeAndSendsNoResponse() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        JobAssignment job = job("sleepy");
        gateway.send(new Jobs(List.of(job)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile("sleep")));
        ProcessHandle sleep = ProcessHandle.of(pid("sleep")).orElseThrow();
        ProcessHandle script = ProcessHandle.of(pid("script")).orElseThrow();
        assertThat(sleep.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("sleep"));

        gateway.send(new CancelJob(job.jobId(), job.attempt(), "cancelled by an operator"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !sleep.isAlive() && !script.isAlive());
        // the slot is offered again, and nothing was said about the cancelled job
        List<ClientMessage> after = until(m -> m instanceof JobRequest);
        assertThat(after).noneMatch(m -> m instanceof JobResponse);
        assertThat(gateway.skipped).noneMatch(r -> r.message() instanceof JobResponse);
        assertThat(http.uploads()).isEmpty();
    }

    @Test
    void runsAsManyJobsAtOnceAsItHasSlots() throws Exception {
        startAgent();
        gateway.nextMessage(JobRequest.class);
        JobAssignment a = job("pair-a");
        JobAssignment b = job("pair-b");

        // each build waits until the other has started: only concurrent execution succeeds
        gateway.send(new Jobs(List.of(a, b)));

        List<ClientMessage> sent = new ArrayList<>();
        while (sent.stream().filter(m -> m instanceof JobResponse).count() < 2) {
            sent.add(gateway.nextMessage(ClientMessage.class));
        }
        assertThat(sent)
                .filteredOn(m -> m instanceof JobResponse)
                .extracting(m -> ((JobResponse) m).result())
                .containsExactly(JobResult.SUCCEEDED, JobResult.SUCCEEDED);
        assertThat(eventsOf(sent, a))
                .extracting(JobEvent::seq)
                .containsExactly(sequence(eventsOf(sent, a).size()));
        assertThat(eventsOf(sent, b))
                .extracting(JobEvent::seq)
                .containsExactly(sequence(eventsOf(sent, b).size()));
    }

    @Test
    void stopsWithoutRetryingWhenAuthenticationFails() throws Exception {
        SshPrivateKey other = TestKeys.otherKey();
        gateway.close();
        gateway = new FakeGateway(other.publicKey());
        startAgent();

        assertThat(exit.get(20, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(BuilderAgent.EXIT_REFUSED);
        assertThat(gateway.connections()).isEqualTo(1);
        assertThat(gateway.handshakes())
                .singleElement()
                .satisfies(h -> assertThat(h.verified()).isFalse());
        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("authentication failed");
    }

    private void startAgent() throws Exception {
        Path cargo = fakeCargo();
        BuilderSettings settings =
                new BuilderSettings(
                        gateway.url(),
                        List.of(TARGET),
                        2,
                        Files.createDirectories(temp.resolve("work")),
                        cargo,
                        SandboxMode.NONE,
                        false,
                        JobLimits.defaults(),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(5),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        false);
        HttpClient client = HttpClient.newHttpClient();
        PrintStream out = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        agent =
                new BuilderAgent(
                        settings,
                        key,
                        JobRunner.create(settings, client, client, Sandbox.none(), out::println),
                        new Console(out, out),
                        client,
                        "crateforge-builder/test");
        exit = new CompletableFuture<>();
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                exit.complete(agent.run());
                            } catch (Throwable t) {
                                exit.completeExceptionally(t);
                            }
                        },
                        "agent-under-test");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A stand-in for cargo: metadata names one binary; build writes it, or for crates named
     * "sleepy" first starts {@code sleep 60} and waits for it, recording both process ids.
     */
    private Path fakeCargo() throws Exception {
        Path script = temp.resolve("cargo");
        String release = "$CARGO_TARGET_DIR/" + TARGET + "/release";
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "dir=$(basename \"$PWD\")\n"
                        + "name=${dir%-1.0.0}\n"
                        + "case \"$1\" in\n"
                        + "metadata)\n"
                        + "  echo '{\"packages\":[{\"name\":\"'$name'\",\"targets\":"
                        + "[{\"name\":\"'$name'\",\"kind\":[\"bin\"]}]}]}'\n"
                        + "  ;;\n"
                        + "build)\n"
                        + "  echo \"   Compiling $name v1.0.0\" >&2\n"
                        + "  case \"$name\" in pair*)\n"
                        + "    touch "
                        + temp
                        + "/$name.started\n"
                        + "    i=0\n"
                        + "    until [ -e "
                        + temp
                        + "/pair-a.started ] && [ -e "
                        + temp
                        + "/pair-b.started ]; do\n"
                        + "      i=$((i+1)); [ $i -gt 200 ] && { echo 'the other job never started' >&2; exit 1; }\n"
                        + "      sleep 0.1\n"
                        + "    done ;;\n"
                        + "  esac\n"
                        + "  if [ \"$name\" = sleepy ]; then\n"
                        + "    echo $$ > "
                        + pidFile("script")
                        + "\n"
                        + "    sleep 60 &\n"
                        + "    echo $! > "
                        + pidFile("sleep")
                        + ".tmp && mv "
                        + pidFile("sleep")
                        + ".tmp "
                        + pidFile("sleep")
                        + "\n"
                        + "    wait\n"
                        + "  fi\n"
                        + "  mkdir -p \""
                        + release
                        + "\"\n"
                        + "  printf '#!/bin/sh\\necho hi\\n' > \""
                        + release
                        + "/$name\"\n"
                        + "  chmod +x \""
                        + release
                        + "/$name\"\n"
                        + "  ;;\n"
                        + "esac\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path pidFile(String name) {
        return temp.resolve(name + ".pid");
    }

    private long pid(String name) throws Exception {
        return Long.parseLong(Files.readString(pidFile(name)).trim());
    }

    private JobAssignment job(String crate) {
        byte[] source = TestCrates.binary(crate, "1.0.0", "hi");
        UUID jobId = UUID.randomUUID();
        return new JobAssignment(
                jobId,
                1,
                crate,
                "1.0.0",
                http.serve(crate + "-1.0.0.crate", source).toString(),
                sha256(source),
                TARGET,
                ArtifactKind.BINARY,
                http.url("/upload/" + jobId + "/binary").toString(),
                TOKEN,
                600,
                null);
    }

    /**
     * What the builder sends on connection {@code connection} before its first job request there (a
     * reconnect resends everything unacknowledged first, then asks for work).
     */
    private List<ClientMessage> untilJobRequestOn(int connection) throws Exception {
        List<ClientMessage> messages = new ArrayList<>();
        while (true) {
            FakeGateway.Received received;
            try {
                received = gateway.next(ClientMessage.class, m -> true);
            } catch (AssertionError e) {
                throw new AssertionError(
                        "no job_request on connection "
                                + connection
                                + " ("
                                + gateway.connections()
                                + " connections, handshakes "
                                + gateway.handshakes()
                                + "); the builder said:\n"
                                + terminal(),
                        e);
            }
            if (received.connection() != connection) {
                continue;
            }
            if (received.message() instanceof JobRequest) {
                return messages;
            }
            messages.add(received.message());
        }
    }

    private String terminal() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    /** Everything the builder sends up to and including the first message matching {@code last}. */
    private List<ClientMessage> until(Predicate<ClientMessage> last) throws Exception {
        List<ClientMessage> messages = new ArrayList<>();
        while (true) {
            ClientMessage m = gateway.nextMessage(ClientMessage.class);
            messages.add(m);
            if (last.test(m)) {
                return messages;
            }
        }
    }

    private static boolean isHeartbeat(ClientMessage m, JobAssignment job) {
        return m instanceof JobEvent e
                && e.jobId().equals(job.jobId())
                && e.event() instanceof JobEventBody.Heartbeat;
    }

    private static long lastSeq(List<ClientMessage> messages, JobAssignment job) {
        List<JobEvent> events = eventsOf(messages, job);
        return events.get(events.size() - 1).seq();
    }

    private static List<JobEvent> eventsOf(List<ClientMessage> messages, JobAssignment job) {
        return messages.stream()
                .filter(m -> m instanceof JobEvent e && e.jobId().equals(job.jobId()))
                .map(JobEvent.class::cast)
                .toList();
    }

    private static List<BuildStage> stages(List<JobEvent> events) {
        return events.stream()
                .filter(e -> e.event() instanceof JobEventBody.StageChanged)
                .map(e -> ((JobEventBody.StageChanged) e.event()).stage())
                .toList();
    }

    private static List<String> logLines(List<JobEvent> events) {
        return events.stream()
                .filter(e -> e.event() instanceof JobEventBody.Log)
                .map(e -> ((JobEventBody.Log) e.event()).line())
                .toList();
    }

    private static Long[] sequence(int n) {
        Long[] seq = new Long[n];
        for (int i = 0; i < n; i++) {
            seq[i] = i + 1L;
        }
        return seq;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
