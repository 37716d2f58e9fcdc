package dev.crateforge.builder.agent;

import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.console.Console;
import dev.crateforge.builder.job.JobAbandoned;
import dev.crateforge.builder.job.JobFailure;
import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.builder.job.JobRunner;
import dev.crateforge.builder.job.ToolchainProbe;
import dev.crateforge.builder.retry.Backoff;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.contract.PeerAction;
import dev.crateforge.protocol.contract.SocketClose;
import dev.crateforge.protocol.contract.SocketError;
import dev.crateforge.protocol.message.Authenticated;
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
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.InternalParameters;
import dev.crateforge.protocol.provenance.BuildProvenanceStatement.Toolchain;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The builder's life: connect and authenticate, ask for work with the free slots, run each job on
 * its own thread, report its events and signed result, and reconnect when the connection drops.
 *
 * <p>Jobs do not depend on the connection. Their events go to an outbox that a single sender thread
 * drains whenever a connection is authenticated, so a job keeps running through a reconnect and its
 * numbered events and its response follow on the next connection. The gateway acknowledges nothing
 * but the response, so every event of an attempt is kept until {@code job_response_accepted} and,
 * after every re-authentication, sent again in order with its seq, followed by the pending response
 * (docs/protocol.md §6).
 *
 * <p>Every answer of the gateway is handled as the typed contract says ({@code
 * dev.crateforge.protocol.contract}): a close by {@link SocketClose#recognise}, an {@code error} by
 * {@link SocketError#fromWireName}, each through one switch over {@link PeerAction} without a
 * default, so that a new action does not compile until this builder has a reaction for it. Whatever
 * ends an attempt here (acceptance, {@code cancel_job}, an abandon) frees its slot and sends a new
 * {@code job_request}, so the builder never sits waiting for work it will not be offered.
 */
public final class BuilderAgent {

    /** Exit code: stopped normally (drained). */
    public static final int EXIT_OK = 0;

    /** Exit code: the gateway closed with a close marked {@code stop} (a refused key, …). */
    public static final int EXIT_REFUSED = 3;

    /**
     * How long a new connection may take to authenticate before the builder gives up on it and
     * reconnects: the gateway allows a few seconds for the signed answer, so a gateway still silent
     * after this is broken or overloaded, and waiting longer would leave the builder idle.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** Placeholder in the outbox for "send a job_request for the slots free at that moment". */
    private static final Object REQUEST_JOBS = new Object();

    private final BuilderSettings settings;
    private final SshPrivateKey key;
    private final JobRunner runner;
    private final StatementSigner signer;
    private final Console console;
    private final HttpClient http;
    private final String agentName;
    private final Backoff backoff;
    private final Backoff requestBackoff;

    private final ExecutorService jobThreads;
    private final ScheduledExecutorService timer;
    private final Map<JobKey, Attempt> attempts = new ConcurrentHashMap<>();
    private final AtomicLong taken = new AtomicLong();
    private final LinkedBlockingDeque<Object> outbox = new LinkedBlockingDeque<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Object sessionLock = new Object();
    private final Object idleLock = new Object();

    private volatile GatewaySession current;
    private volatile boolean draining;
    private volatile boolean stopped;
    private volatile long requestsPausedUntilNanos;
    private volatile Thread mainThread;
    private final CountDownLatch finished = new CountDownLatch(1);

    public BuilderAgent(
            BuilderSettings settings,
            SshPrivateKey key,
            JobRunner runner,
            Console console,
            HttpClient http,
            String agentName) {
        this.settings = settings;
        this.key = key;
        this.runner = runner;
        this.signer = new StatementSigner(key, internalParameters(settings, runner));
        this.console = console;
        this.http = http;
        this.agentName = agentName;
        this.backoff =
                new Backoff(
                        settings.backoffMin(), settings.backoffMax(), ThreadLocalRandom.current());
        this.requestBackoff =
                new Backoff(
                        settings.backoffMin(), settings.backoffMax(), ThreadLocalRandom.current());
        this.jobThreads = Executors.newFixedThreadPool(settings.slots(), daemon("job"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat"));
    }

    /**
     * Connects and works until {@link #drain} finishes or the gateway closes with a close marked
     * {@code stop}.
     *
     * @return {@link #EXIT_OK} or {@link #EXIT_REFUSED}
     */
    public int run() throws InterruptedException {
        mainThread = Thread.currentThread();
        Thread sender = new Thread(this::sendLoop, "gateway-sender");
        sender.setDaemon(true);
        sender.start();
        long beat = settings.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        try {
            return connectLoop();
        } finally {
            stopped = true;
            for (Attempt attempt : attempts.values()) {
                attempt.control.cancel("builder stopped");
            }
            GatewaySession session = current;
            if (session != null) {
                session.close("builder stopping");
            }
            sender.interrupt();
            timer.shutdownNow();
            jobThreads.shutdownNow();
            finished.countDown();
        }
    }

    private int connectLoop() throws InterruptedException {
        while (!stopped) {
            if (draining && idle()) {
                return EXIT_OK;
            }
            GatewaySession session = new GatewaySession(key, agentName, this.handler());
            GatewaySession.Close close;
            try {
                http.newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(settings.gateway(), session)
                        .get(20, TimeUnit.SECONDS);
                timer.schedule(
                        () ->
                                session.abortUnlessAuthenticated(
                                        "no answer to the handshake within "
                                                + HANDSHAKE_TIMEOUT.toSeconds()
                                                + " s"),
                        HANDSHAKE_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
                close = awaitClose(session);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                close =
                        new GatewaySession.Close(
                                GatewaySession.ABNORMAL, JobFailure.describe(cause), true);
            } catch (InterruptedException e) {
                if (stopped || draining) {
                    continue;
                }
                throw e;
            }
            synchronized (sessionLock) {
                if (current == session) {
                    current = null;
                }
            }
            if (stopped || (draining && idle())) {
                return EXIT_OK;
            }
            Optional<Duration> delay = reconnectDelay(close);
            if (delay.isEmpty()) {
                return EXIT_REFUSED;
            }
            console.warn(
                    "disconnected ("
                            + close.code()
                            + (close.reason() == null || close.reason().isEmpty()
                                    ? ""
                                    : " " + close.reason())
                            + "); "
                            + (delay.get().isZero()
                                    ? "reconnecting at once"
                                    : "reconnecting in " + delay.get().toMillis() + " ms"));
            try {
                Thread.sleep(delay.get().toMillis());
            } catch (InterruptedException e) {
                if (!stopped && !draining) {
                    throw e;
                }
            }
        }
        return EXIT_OK;
    }

    /**
     * What the close table of docs/protocol.md §5 says to do: the delay before reconnecting, or
     * nothing when the builder must stop (after telling the operator why). A close the builder made
     * itself, a dropped connection and an unrecognised close are reconnected with backoff.
     */
    private Optional<Duration> reconnectDelay(GatewaySession.Close close) {
        Optional<SocketClose> known =
                close.local()
                        ? Optional.empty()
                        : SocketClose.recognise(close.code(), close.reason());
        PeerAction action =
                known.map(SocketClose::action).orElse(PeerAction.RECONNECT_WITH_BACKOFF);
        return switch (action) {
            case STOP -> {
                console.error(CloseExplanation.of(known.get(), close.code(), close.reason()));
                yield Optional.empty();
            }
            case RECONNECT_NOW -> Optional.of(Duration.ZERO);
            case RECONNECT_WITH_BACKOFF -> Optional.of(backoff.next());
            // no close asks for these; a connection can only be made again
            case DONE,
                    RETRY_WITH_BACKOFF,
                    ASK_AGAIN,
                    ABANDON_JOB,
                    REPORT_INFRASTRUCTURE_FAILURE,
                    REPORT_CRATE_FAILURE ->
                    Optional.of(backoff.next());
        };
    }

    /** Waits for the connection to end, or for a drain to finish with nothing left to say. */
    private GatewaySession.Close awaitClose(GatewaySession session)
            throws InterruptedException, ExecutionException {
        while (true) {
            try {
                return session.closed().get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stopped || (draining && idle())) {
                    session.close("builder stopping");
                }
            } catch (InterruptedException e) {
                if (stopped || draining) {
                    if (stopped || idle()) {
                        session.close("builder stopping");
                    }
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Stops taking jobs and waits up to {@code grace} for the running ones to finish and be
     * acknowledged; jobs still running then are killed (their leases run out and the gateway gives
     * them to another builder). Returns when {@link #run} has returned or soon after.
     */
    public void drain(Duration grace) {
        if (stopped) {
            return;
        }
        draining = true;
        console.info(
                "stopping: taking no new jobs; waiting up to "
                        + grace.toSeconds()
                        + " s for "
                        + busy.get()
                        + " running job(s)");
        Instant deadline = Instant.now().plus(grace);
        synchronized (idleLock) {
            while (!idle() && Instant.now().isBefore(deadline) && !stopped) {
                try {
                    idleLock.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!attempts.isEmpty()) {
            console.warn(
                    "grace period over; abandoning "
                            + attempts.size()
                            + " job(s), the gateway reassigns them when their lease runs out");
        }
        stopped = true;
        Thread main = mainThread;
        if (main != null) {
            main.interrupt();
            try {
                // not Thread.join: during JVM shutdown the main thread may block in the framework
                // after run() returned, and the shutdown hook must not wait for that
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Jobs accepted and not yet finished, for tests and the terminal. */
    public int runningJobs() {
        return busy.get();
    }

    /** No job runs and every response has been accepted (or its attempt abandoned). */
    private boolean idle() {
        return busy.get() == 0 && attempts.isEmpty();
    }

    private GatewaySession.Handler handler() {
        return new GatewaySession.Handler() {
            @Override
            public void authenticated(GatewaySession session, Authenticated message) {
                onAuthenticated(session, message);
            }

            @Override
            public void message(GatewaySession session, ServerMessage message) {
                onMessage(session, message);
            }
        };
    }

    private void onAuthenticated(GatewaySession session, Authenticated message) {
        backoff.reset();
        console.info(
                "connected to "
                        + settings.gateway()
                        + " as builder '"
                        + message.builderName()
                        + "' ("
                        + message.builderId()
                        + "); "
                        + busy.get()
                        + "/"
                        + settings.slots()
                        + " slots busy");
        // The gateway does not acknowledge events, and one that died may have lost the last it
        // received: every event of every attempt whose response is not yet accepted goes again,
        // in order and with its seq, then the pending response (docs/protocol.md §6). The
        // scheduler stores each (job, attempt, seq) once.
        List<Object> resend = new ArrayList<>();
        for (Attempt attempt : attemptsInOrder()) {
            resend.addAll(attempt.takeForResend());
        }
        if (!draining) {
            resend.add(REQUEST_JOBS);
        }
        outbox.addFirst(new Batch(resend));
        synchronized (sessionLock) {
            current = session;
            sessionLock.notifyAll();
        }
    }

    private List<Attempt> attemptsInOrder() {
        List<Attempt> inOrder = new ArrayList<>(attempts.values());
        inOrder.sort(Comparator.comparingLong(a -> a.order));
        return inOrder;
    }

    private void onMessage(GatewaySession session, ServerMessage message) {
        if (message instanceof Jobs jobs) {
            for (JobAssignment job : jobs.jobs()) {
                accept(job);
            }
            askForWork();
        } else if (message instanceof CancelJob cancel) {
            Attempt attempt = attempts.get(new JobKey(cancel.jobId(), cancel.attempt()));
            if (attempt != null) {
                console.info(
                        attempt.label() + ": cancelled by the gateway (" + cancel.reason() + ")");
                abandon(attempt, cancel.reason());
            }
        } else if (message instanceof JobResponseAccepted accepted) {
            Attempt attempt = attempts.get(new JobKey(accepted.jobId(), accepted.attempt()));
            if (attempt != null && attempt.responded()) {
                attempts.remove(attempt.key());
                console.info("job " + accepted.jobId() + ": result accepted by the gateway");
                askForWork();
                signalIdle();
            }
        } else if (message instanceof ErrorMessage error) {
            onError(session, error);
        } else {
            console.warn("unexpected " + message.getClass().getSimpleName() + " from the gateway");
        }
    }

    /** Reacts to an {@code error} as the contract's table says (docs/protocol.md §4). */
    private void onError(GatewaySession session, ErrorMessage error) {
        Optional<SocketError> known = SocketError.fromWireName(error.code());
        if (known.isEmpty()) {
            console.warn(
                    "the gateway sent an error code this builder does not know ("
                            + error.code()
                            + ": "
                            + error.message()
                            + "); ignored");
            return;
        }
        SocketError code = known.get();
        List<Attempt> about = attemptsOf(error.jobId());
        switch (code.action()) {
            case DONE -> {
                // nothing to do: the message was taken
            }
            case ABANDON_JOB -> {
                console.warn(
                        "the gateway refused a message about job "
                                + error.jobId()
                                + " ("
                                + code
                                + ": "
                                + error.message()
                                + "); abandoning it");
                about.forEach(attempt -> abandon(attempt, code.wireName()));
                askForWork();
            }
            case RETRY_WITH_BACKOFF -> retryLater(code, error, about);
            case ASK_AGAIN -> askForWork();
            case STOP -> {
                Duration wait = settings.backoffMax();
                console.error(
                        "the gateway refused this builder's request ("
                                + code
                                + ": "
                                + error.message()
                                + "); a person must fix the builder's registration or"
                                + " --targets; asking again in "
                                + wait.toSeconds()
                                + " s");
                pauseRequests(wait);
            }
            // no error asks for these; the builder cannot end an attempt the gateway refused
            // to hear about, so it lets it go, as for an unknown job
            case REPORT_INFRASTRUCTURE_FAILURE, REPORT_CRATE_FAILURE -> {
                console.warn("the gateway refused job " + error.jobId() + " (" + code + ")");
                about.forEach(attempt -> abandon(attempt, code.wireName()));
                askForWork();
            }
            case RECONNECT_NOW, RECONNECT_WITH_BACKOFF -> session.abort(code.wireName());
        }
    }

    /**
     * {@code unavailable}: the refused message was not taken. About a job: its response goes again
     * after that attempt's backoff (or, while it runs, its kept events, one of which was refused);
     * otherwise the job request does. Events already sent are not repeated for a refused response:
     * the gateway refuses when it cannot hand on, and a flood of duplicates would not help it.
     */
    private void retryLater(SocketError code, ErrorMessage error, List<Attempt> about) {
        if (about.isEmpty()) {
            Duration delay = requestBackoff.next();
            console.warn(
                    "the gateway could not take a message ("
                            + code
                            + ": "
                            + error.message()
                            + "); asking for work again in "
                            + delay.toMillis()
                            + " ms");
            timer.schedule(this::askForWork, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        for (Attempt attempt : about) {
            Duration delay = attempt.backoff.next();
            console.warn(
                    attempt.label()
                            + ": the gateway could not take it ("
                            + code
                            + ": "
                            + error.message()
                            + "); sending again in "
                            + delay.toMillis()
                            + " ms");
            timer.schedule(
                    () -> outbox.addLast(new Batch(attempt.takeForRetry())),
                    delay.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private List<Attempt> attemptsOf(UUID jobId) {
        if (jobId == null) {
            return List.of();
        }
        return attemptsInOrder().stream().filter(a -> a.job.jobId().equals(jobId)).toList();
    }

    /** No job request until {@code wait} has passed; then one. */
    private void pauseRequests(Duration wait) {
        requestsPausedUntilNanos = System.nanoTime() + wait.toNanos();
        timer.schedule(this::askForWork, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean requestsPaused() {
        return System.nanoTime() - requestsPausedUntilNanos < 0;
    }

    /** Queues a job request for the slots free when it is sent; duplicates collapse. */
    /**
     * What the provenance says about this builder and job: its toolchain (asked once, on the first
     * success: it does not change under a running builder), its sandbox, network, and the limits
     * this job ran under (the builder's own with the assignment's override).
     */
    private static Function<JobAssignment, InternalParameters> internalParameters(
            BuilderSettings settings, JobRunner runner) {
        AtomicReference<Toolchain> toolchain = new AtomicReference<>();
        return job -> {
            if (toolchain.get() == null) {
                toolchain.compareAndSet(null, ToolchainProbe.describe(runner.cargo()));
            }
            return new InternalParameters(
                    toolchain.get(),
                    runner.sandboxed() ? "bubblewrap" : "none",
                    settings.allowNetwork(),
                    runner.limitsFor(job).describe());
        };
    }

    private void askForWork() {
        if (!draining && !stopped) {
            outbox.addLast(REQUEST_JOBS);
        }
    }

    private void accept(JobAssignment job) {
        JobKey key = new JobKey(job.jobId(), job.attempt());
        Attempt attempt = new Attempt(job, taken.incrementAndGet(), settings, outbox, console);
        if (attempts.putIfAbsent(key, attempt) != null) {
            return; // delivered twice; the first delivery is already being worked on
        }
        busy.incrementAndGet();
        console.info(attempt.label() + ": taken (" + job.kind() + " for " + job.target() + ")");
        jobThreads.execute(() -> execute(attempt));
    }

    private void execute(Attempt attempt) {
        JobAssignment job = attempt.job;
        try {
            JobOutcome outcome;
            // Truncated to milliseconds: provenance timestamps need no more, and stay short.
            Instant startedOn = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            try {
                outcome = runner.run(job, attempt, attempt.control);
            } catch (JobAbandoned e) {
                console.warn(attempt.label() + ": abandoned (" + e.getMessage() + ")");
                abandon(attempt, e.getMessage());
                return;
            } catch (InterruptedException e) {
                abandon(attempt, "builder stopped");
                return;
            } catch (RuntimeException e) {
                outcome =
                        JobOutcome.failed(
                                FailureCode.INFRASTRUCTURE,
                                "builder error: " + JobFailure.describe(e));
            }
            JobResponse response;
            try {
                response =
                        signer.respond(
                                job,
                                outcome,
                                startedOn,
                                Instant.now().truncatedTo(ChronoUnit.MILLIS));
            } catch (SshFormatException | RuntimeException e) {
                console.error(
                        attempt.label() + ": cannot sign the result: " + JobFailure.describe(e));
                abandon(attempt, "cannot sign the result");
                return;
            }
            if (attempt.respond(response)) {
                console.info(
                        attempt.label()
                                + ": "
                                + outcome.result()
                                + (outcome.failureCode() == null
                                        ? ""
                                        : " ("
                                                + outcome.failureCode()
                                                + ": "
                                                + outcome.failureReason()
                                                + ")"));
            }
        } finally {
            busy.decrementAndGet();
            askForWork();
            signalIdle();
        }
    }

    /**
     * Lets an attempt go: stops it, drops everything it would still send, frees its slot and asks
     * for work again. Idempotent.
     */
    private void abandon(Attempt attempt, String reason) {
        attempt.abandon(reason);
        attempts.remove(attempt.key(), attempt);
        askForWork();
        signalIdle();
    }

    private void signalIdle() {
        synchronized (idleLock) {
            idleLock.notifyAll();
        }
    }

    private void heartbeat() {
        GatewaySession session = current;
        if (session == null || !session.authenticated()) {
            return; // a heartbeat only matters while the gateway can hear it
        }
        for (Attempt attempt : attempts.values()) {
            if (attempt.running()) {
                attempt.emit(new JobEventBody.Heartbeat());
            }
        }
    }

    private void sendLoop() {
        while (!stopped) {
            try {
                // the session first: an item taken now is one of the outbox as it stands after
                // the last reconnect reordered it
                GatewaySession session = authenticatedSession();
                Object item = outbox.pollFirst(500, TimeUnit.MILLISECONDS);
                if (item instanceof Batch batch) {
                    item = batch.head(outbox);
                }
                if (item == null) {
                    continue;
                }
                ClientMessage message = toMessage(item);
                if (message == null) {
                    continue;
                }
                try {
                    session.send(MessageCodec.encode(message)).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    outbox.addFirst(item); // first on the next connection, in its place
                    synchronized (sessionLock) {
                        if (current == session) {
                            current = null;
                        }
                    }
                    session.abort("sending failed");
                }
            } catch (InterruptedException e) {
                if (stopped) {
                    return;
                }
            }
        }
    }

    /** Turns an outbox item into the message to send now, or null when it no longer applies. */
    private ClientMessage toMessage(Object item) {
        if (item == REQUEST_JOBS) {
            int free = settings.slots() - busy.get();
            if (draining || free <= 0 || requestsPaused() || outbox.contains(REQUEST_JOBS)) {
                return null;
            }
            return new JobRequest(settings.targets(), Math.min(free, 64));
        }
        ClientMessage message = (ClientMessage) item;
        if (message instanceof JobEvent event) {
            Attempt attempt = attempts.get(new JobKey(event.jobId(), event.attempt()));
            return attempt == null ? null : message; // accepted or abandoned meanwhile
        }
        if (message instanceof JobResponse response) {
            Attempt attempt = attempts.get(new JobKey(response.jobId(), response.attempt()));
            return attempt == null ? null : message;
        }
        return message;
    }

    private GatewaySession authenticatedSession() throws InterruptedException {
        synchronized (sessionLock) {
            while (true) {
                GatewaySession session = current;
                if (session != null && session.authenticated()) {
                    return session;
                }
                if (stopped) {
                    throw new InterruptedException("stopped");
                }
                sessionLock.wait(500);
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Messages that must go in this order, queued as one item so that nothing can slip between them
     * (the sender may be taking from the queue while a reconnect fills it).
     */
    private record Batch(List<Object> items, int from) {
        Batch(List<Object> items) {
            this(List.copyOf(items), 0);
        }

        /** The next item; the rest goes back to the front of {@code queue}. */
        Object head(LinkedBlockingDeque<Object> queue) {
            if (from >= items.size()) {
                return null;
            }
            if (from + 1 < items.size()) {
                queue.addFirst(new Batch(items, from + 1));
            }
            return items.get(from);
        }
    }

    /** A job attempt: the protocol identifies everything about a job by these two. */
    record JobKey(UUID jobId, int attempt) {}
}
