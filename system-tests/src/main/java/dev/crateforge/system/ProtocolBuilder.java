package dev.crateforge.system;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.AuthChallenge;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.BuilderProtocol;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.provenance.JobResponseSigner;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A builder that speaks the protocol of docs/protocol.md and builds nothing: no cargo, no sandbox,
 * no source fetch. For every assignment it streams the stage changes and a few log lines, uploads a
 * small {@code metadata} artifact with the job token, and sends the signed {@code job_response}
 * (build statement as SSHSIG and SLSA provenance as DSSE, as the reference builder does). It drives
 * the whole pipeline at the speed of the services, for benchmarks.
 *
 * <p>One WebSocket, {@code slots} jobs at a time. It asks for as many jobs as it has free slots
 * whenever a slot frees up ({@code job_response_accepted} or {@code cancel_job}). It does not
 * reconnect: a closed connection, an {@code error} or a refused upload is counted in {@link
 * #failures()} and kept in {@link #lastFailure()}, because a benchmark must see them, not ride them
 * out. Only {@code metadata} jobs are built; any other kind is reported failed ({@code
 * infrastructure}).
 */
public final class ProtocolBuilder implements WebSocket.Listener, AutoCloseable {

    private static final int UPLOAD_TRIES = 8;

    private static final InternalParameters INTERNAL =
            new InternalParameters(
                    new Toolchain("", ""), "none", false, Map.of("maxCpuSeconds", 3600L));

    private final SshPrivateKey key;
    private final List<String> targets;
    private final int slots;
    private final int logLines;
    private final HttpClient http;
    private final CompletableFuture<Authenticated> authenticated = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong uploadRetries = new AtomicLong();
    private volatile String lastUploadRetry;
    private volatile String lastFailure;
    private volatile WebSocket socket;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private ProtocolBuilder(
            SshPrivateKey key, List<String> targets, int slots, int logLines, HttpClient http) {
        this.key = key;
        this.targets = List.copyOf(targets);
        this.slots = slots;
        this.logLines = logLines;
        this.http = http;
    }

    /**
     * Connects to {@code gateway} ({@code ws://host:port/builders/v1}) as {@code key}, which must
     * be registered with at least {@code slots} concurrent jobs, and returns once authenticated; it
     * then asks for work at once.
     *
     * @param logLines log lines streamed per job, besides the five stage changes
     * @param http the client for uploads, which may be shared between builders
     */
    public static ProtocolBuilder connect(
            URI gateway,
            SshPrivateKey key,
            List<String> targets,
            int slots,
            int logLines,
            HttpClient http) {
        ProtocolBuilder builder = new ProtocolBuilder(key, targets, slots, logLines, http);
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(gateway, builder)
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        try {
            builder.authenticated.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            builder.close();
            throw new IllegalStateException(
                    "builder " + key.publicKey().fingerprint() + " did not authenticate", e);
        }
        builder.askForWork();
        return builder;
    }

    /** Jobs whose response the gateway accepted. */
    public long completed() {
        return completed.get();
    }

    /** Everything that went wrong: errors, refused uploads, a closed connection. */
    public long failures() {
        return failures.get();
    }

    /** Uploads sent again after a retriable answer. */
    public long uploadRetries() {
        return uploadRetries.get();
    }

    /** The answer that made the last retry, or null. */
    public String lastUploadRetry() {
        return lastUploadRetry;
    }

    public String lastFailure() {
        return lastFailure;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        closed.complete("closed by the builder");
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        send(new Hello(BuilderProtocol.VERSION, key.publicKey().fingerprint(), "protocol-builder"));
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                handle(MessageCodec.decodeServerMessage(text));
            } catch (Exception e) {
                fail("handling a gateway message failed: " + e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        fail("the gateway sent a binary frame");
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closed.isDone()) {
            fail("the gateway closed the connection: " + statusCode + " " + reason);
        }
        closed.complete(statusCode + " " + reason);
        authenticated.completeExceptionally(new IllegalStateException(reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        fail("the connection failed: " + error);
        closed.complete(String.valueOf(error));
        authenticated.completeExceptionally(error);
    }

    private void handle(ServerMessage message) throws Exception {
        if (message instanceof ChallengeRequest challenge) {
            send(new ChallengeResponse(challenge.challenge(), AuthChallenge.sign(key, challenge)));
        } else if (message instanceof Authenticated done) {
            authenticated.complete(done);
        } else if (message instanceof Jobs jobs) {
            held.addAndGet(jobs.jobs().size());
            jobs.jobs().forEach(this::run);
        } else if (message instanceof JobResponseAccepted) {
            completed.incrementAndGet();
            held.decrementAndGet();
            askForWork();
        } else if (message instanceof CancelJob) {
            held.decrementAndGet();
            askForWork();
        } else if (message instanceof ErrorMessage error) {
            fail("error " + error.code() + ": " + error.message());
            if (error.jobId() != null) {
                held.decrementAndGet();
                askForWork();
            }
        }
    }

    private void askForWork() {
        int free = slots - held.get();
        if (free > 0 && isOpen()) {
            send(new JobRequest(targets, free));
        }
    }

    /** One job: events, upload, signed response; the events go out while the upload runs. */
    private void run(JobAssignment job) {
        Instant started = Instant.now();
        long seq = 0;
        for (BuildStage stage : BuildStage.values()) {
            send(event(job, ++seq, new JobEventBody.StageChanged(stage)));
            if (stage == BuildStage.BUILDING) {
                for (int i = 1; i <= logLines; i++) {
                    String line =
                            "   Compiling " + job.crate() + " v" + job.version() + " (" + i + ")";
                    send(event(job, ++seq, new JobEventBody.Log(LogStream.STDERR, line)));
                }
            }
        }
        if (job.kind() != ArtifactKind.METADATA) {
            respond(job, started, JobResult.FAILED, List.of(), "only metadata is built here");
            return;
        }
        byte[] artifact = metadata(job);
        String sha256 = sha256(artifact);
        upload(job, started, artifact, sha256, 0);
    }

    /**
     * PUTs the artifact; answers the contract calls retriable ({@code storage_failed}, {@code
     * unavailable}, {@code upload_incomplete}, {@code hash_mismatch}, a broken connection) are
     * retried with backoff (1 s doubling, {@value #UPLOAD_TRIES} tries), as the reference builder
     * does, and counted in {@link #uploadRetries()}.
     */
    private void upload(
            JobAssignment job, Instant started, byte[] artifact, String sha256, int tried) {
        HttpRequest upload =
                HttpRequest.newBuilder(URI.create(job.uploadUrl()))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + job.jobToken())
                        .header("X-Checksum-Sha256", sha256)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(artifact))
                        .build();
        http.sendAsync(upload, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                        (response, failure) -> {
                            int status = failure != null ? 0 : response.statusCode();
                            if (status == 201 || status == 200) {
                                ArtifactDigest digest =
                                        new ArtifactDigest(
                                                ArtifactKind.METADATA,
                                                sha256,
                                                (long) artifact.length);
                                respond(job, started, JobResult.SUCCEEDED, List.of(digest), null);
                                return;
                            }
                            String answer =
                                    failure != null
                                            ? failure.toString()
                                            : status + " " + response.body();
                            boolean retriable =
                                    failure != null
                                            || status == 503
                                            || answer.contains("upload-incomplete")
                                            || answer.contains("hash-mismatch");
                            if (retriable && tried + 1 < UPLOAD_TRIES) {
                                uploadRetries.incrementAndGet();
                                lastUploadRetry = answer;
                                CompletableFuture.delayedExecutor(
                                                1000L << Math.min(tried, 5), TimeUnit.MILLISECONDS)
                                        .execute(
                                                () ->
                                                        upload(
                                                                job, started, artifact, sha256,
                                                                tried + 1));
                                return;
                            }
                            fail("upload of " + job.jobId() + " failed: " + answer);
                            respond(job, started, JobResult.FAILED, List.of(), "upload failed");
                        });
    }

    private void respond(
            JobAssignment job,
            Instant started,
            JobResult result,
            List<ArtifactDigest> artifacts,
            String failureReason) {
        try {
            send(
                    JobResponseSigner.sign(
                            key,
                            job,
                            result,
                            failureReason,
                            result == JobResult.FAILED ? FailureCode.INFRASTRUCTURE : null,
                            artifacts,
                            () -> INTERNAL,
                            started,
                            Instant.now()));
        } catch (Exception e) {
            fail("cannot sign the response of " + job.jobId() + ": " + e);
        }
    }

    private static JobEvent event(JobAssignment job, long seq, JobEventBody body) {
        return new JobEvent(job.jobId(), job.attempt(), seq, body);
    }

    /** What {@code cargo metadata --format-version 1 --no-deps} says, cut to what is checked. */
    private static byte[] metadata(JobAssignment job) {
        return ("{\"packages\":[{\"name\":\""
                        + job.crate()
                        + "\",\"version\":\""
                        + job.version()
                        + "\",\"targets\":[]}],\"version\":1}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one frame once every earlier one has gone (the JDK refuses overlapping sends). */
    private synchronized void send(dev.crateforge.protocol.message.ClientMessage message) {
        WebSocket ws = socket;
        String text = MessageCodec.encode(message);
        lastSend =
                lastSend.handle((done, failure) -> null)
                        .thenCompose(x -> ws.sendText(text, true))
                        .whenComplete(
                                (done, failure) -> {
                                    if (failure != null) {
                                        fail("a send failed: " + failure);
                                    }
                                });
    }

    private void fail(String what) {
        failures.incrementAndGet();
        lastFailure = what;
    }
}
