package dev.crateforge.builder.agent;

import dev.crateforge.builder.config.BuilderSettings;
import dev.crateforge.builder.console.Console;
import dev.crateforge.builder.job.JobAbandoned;
import dev.crateforge.builder.job.JobControl;
import dev.crateforge.builder.job.JobOutcome;
import dev.crateforge.builder.job.JobReporter;
import dev.crateforge.builder.job.JobRunner;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.CloseCodes;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.ServerMessage;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The builder's life: connect and authenticate, ask for work with the free slots, run each job on
 * its own thread, report its events and signed result, and reconnect when the connection drops.
 *
 * <p>Jobs do not depend on the connection. Their events go to an outbox that a single sender thread
 * drains whenever a connection is authenticated, so a job keeps running through a reconnect and its
 * numbered events and its response follow on the next connection, as docs/protocol.md §6 defines. A
 * response stays on hand until the gateway acknowledges it with {@code job_response_accepted} and
 * is sent again after every reconnect until then.
 */
public final class BuilderAgent {

    /** Exit code: stopped normally (drained). */
    public static final int EXIT_OK = 0;

    /** Exit code: the gateway closed with 1008 (authentication failed, builder disabled, …). */
    public static final int EXIT_REFUSED = 3;

    /** Placeholder in the outbox for "send a job_request for the slots free at that moment". */
    private static final Object REQUEST_JOBS = new Object();

    /**
     * How far back events are resent after a reconnect: what may still have been in socket buffers
     * or in flight when the connection died, well past TCP's usual detection time.
     */
    private static final long RESEND_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final BuilderSettings settings;
    private final SshPrivateKey key;
    private final JobRunner runner;
    private final StatementSigner signer;
    private final Console console;
    private final HttpClient http;
    private final String agentName;
    private final Backoff backoff;

    private final ExecutorService jobThreads;
    private final ScheduledExecutorService timer;
    private final Map<JobKey, ActiveJob> active = new ConcurrentHashMap<>();
    private final Map<JobKey, JobResponse> awaitingAck = new ConcurrentHashMap<>();
    private final LinkedBlockingDeque<Object> outbox = new LinkedBlockingDeque<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Object sessionLock = new Object();
    private final Object idleLock = new Object();

    private volatile GatewaySession current;
    private volatile boolean draining;
    private volatile boolean stopped;
    private volatile Thread mainThread;
    private final java.util.concurrent.CountDownLatch finished =
            new java.util.concurrent.CountDownLatch(1);

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
        this.signer = new StatementSigner(key);
        this.console = console;
        this.http = http;
        this.agentName = agentName;
        this.backoff =
                new Backoff(
                        settings.backoffMin(), settings.backoffMax(), ThreadLocalRandom.current());
        this.jobThreads = Executors.newFixedThreadPool(settings.slots(), daemon("job"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat"));
    }

    /**
     * Connects and works until {@link #drain} finishes or the gateway refuses this builder.
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
            for (ActiveJob job : active.values()) {
                job.control.cancel("builder stopped");
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
                close = awaitClose(session);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                close =
                        new GatewaySession.Close(
                                GatewaySession.ABNORMAL,
                                cause.getMessage() == null ? cause.toString() : cause.getMessage(),
                                true);
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
            if (close.code() == CloseCodes.POLICY_VIOLATION && !close.local()) {
                console.error(
                        "the gateway refused this builder (1008 "
                                + close.reason()
                                + "); check that its key is registered and enabled (see"
                                + " `crateforge-builder key`)");
                return EXIT_REFUSED;
            }
            Duration delay =
                    close.code() == CloseCodes.GOING_AWAY && !close.local()
                            ? Duration.ofMillis(ThreadLocalRandom.current().nextLong(1000))
                            : backoff.next();
            console.warn(
                    "disconnected ("
                            + close.code()
                            + (close.reason() == null || close.reason().isEmpty()
                                    ? ""
                                    : " " + close.reason())
                            + "); reconnecting in "
                            + delay.toMillis()
                            + " ms");
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                if (!stopped && !draining) {
                    throw e;
                }
            }
        }
        return EXIT_OK;
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
        if (!active.isEmpty()) {
            console.warn(
                    "grace period over; abandoning "
                            + active.size()
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

    private boolean idle() {
        return busy.get() == 0 && awaitingAck.isEmpty();
    }

    private GatewaySession.Handler handler() {
        return new GatewaySession.Handler() {
            @Override
            public void authenticated(GatewaySession session, Authenticated message) {
                onAuthenticated(session, message);
            }

            @Override
            public void message(GatewaySession session, ServerMessage message) {
                onMessage(message);
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
        // events written just before a connection died may never have reached the gateway;
        // resending is safe because the scheduler stores each (job, attempt, seq) once
        java.util.List<JobEvent> resend = new java.util.ArrayList<>();
        for (ActiveJob job : active.values()) {
            resend.addAll(job.takeRecentlySent());
        }
        for (int i = resend.size() - 1; i >= 0; i--) {
            outbox.addFirst(resend.get(i));
        }
        // responses sent on an earlier connection may never have arrived: send them again
        for (JobResponse response : awaitingAck.values()) {
            if (!outbox.contains(response)) {
                outbox.addLast(response);
            }
        }
        if (!draining) {
            outbox.addFirst(REQUEST_JOBS);
        }
        synchronized (sessionLock) {
            current = session;
            sessionLock.notifyAll();
        }
    }

    private void onMessage(ServerMessage message) {
        if (message instanceof Jobs jobs) {
            for (JobAssignment job : jobs.jobs()) {
                accept(job);
            }
            if (!draining && busy.get() < settings.slots()) {
                outbox.addLast(REQUEST_JOBS);
            }
        } else if (message instanceof CancelJob cancel) {
            JobKey key = new JobKey(cancel.jobId(), cancel.attempt());
            awaitingAck.remove(key);
            ActiveJob job = active.get(key);
            if (job != null) {
                console.info(job.label() + ": cancelled by the gateway (" + cancel.reason() + ")");
                job.abandon(cancel.reason());
            }
        } else if (message instanceof JobResponseAccepted accepted) {
            JobKey key = new JobKey(accepted.jobId(), accepted.attempt());
            if (awaitingAck.remove(key) != null) {
                console.info("job " + accepted.jobId() + ": result accepted by the gateway");
            }
            signalIdle();
        } else if (message instanceof ErrorMessage error) {
            console.warn("gateway refused a message: " + error.code() + ": " + error.message());
            if (error.jobId() != null
                    && !error.code().equals("no_allowed_target")
                    && !error.code().equals("too_many_jobs")) {
                // a response the gateway will never accept must not be resent forever
                awaitingAck.keySet().removeIf(k -> k.jobId().equals(error.jobId()));
                signalIdle();
            }
        } else {
            console.warn("unexpected " + message.getClass().getSimpleName() + " from the gateway");
        }
    }

    private void accept(JobAssignment job) {
        JobKey key = new JobKey(job.jobId(), job.attempt());
        if (active.containsKey(key) || awaitingAck.containsKey(key)) {
            return; // delivered twice; the first delivery is already being worked on
        }
        ActiveJob running = new ActiveJob(job);
        active.put(key, running);
        busy.incrementAndGet();
        console.info(running.label() + ": taken (" + job.kind() + " for " + job.target() + ")");
        jobThreads.execute(() -> execute(running));
    }

    private void execute(ActiveJob running) {
        JobAssignment job = running.job;
        JobKey key = new JobKey(job.jobId(), job.attempt());
        try {
            JobOutcome outcome;
            try {
                outcome = runner.run(job, running, running.control);
            } catch (JobAbandoned e) {
                running.abandon(e.getMessage());
                console.warn(running.label() + ": abandoned (" + e.getMessage() + ")");
                return;
            } catch (InterruptedException e) {
                running.abandon("builder stopped");
                return;
            } catch (RuntimeException e) {
                outcome = JobOutcome.failed("builder error: " + e);
            }
            JobResponse response = signer.respond(job, outcome);
            synchronized (running) {
                if (running.abandoned) {
                    return;
                }
                awaitingAck.put(key, response);
                outbox.addLast(response);
            }
            console.info(
                    running.label()
                            + ": "
                            + outcome.result()
                            + (outcome.failureReason() == null
                                    ? ""
                                    : " (" + outcome.failureReason() + ")"));
        } catch (Exception e) {
            console.error(running.label() + ": cannot sign the result: " + e.getMessage());
        } finally {
            active.remove(key);
            busy.decrementAndGet();
            if (!draining && !stopped) {
                outbox.addLast(REQUEST_JOBS);
            }
            signalIdle();
        }
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
        for (ActiveJob job : active.values()) {
            job.emit(new JobEventBody.Heartbeat());
        }
    }

    private void sendLoop() {
        while (!stopped) {
            Object item;
            try {
                item = outbox.pollFirst(500, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                GatewaySession session = authenticatedSession();
                ClientMessage message = toMessage(item);
                if (message == null) {
                    continue;
                }
                try {
                    session.send(MessageCodec.encode(message)).get(30, TimeUnit.SECONDS);
                    if (message instanceof JobEvent event) {
                        ActiveJob job = active.get(new JobKey(event.jobId(), event.attempt()));
                        if (job != null) {
                            job.sent(event);
                        }
                    }
                } catch (ExecutionException | TimeoutException e) {
                    outbox.addFirst(item);
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
            if (draining || free <= 0 || outbox.contains(REQUEST_JOBS)) {
                return null;
            }
            return new JobRequest(settings.targets(), Math.min(free, 64));
        }
        ClientMessage message = (ClientMessage) item;
        if (message instanceof JobEvent event) {
            ActiveJob job = active.get(new JobKey(event.jobId(), event.attempt()));
            if (job != null && job.abandoned) {
                return null;
            }
        } else if (message instanceof JobResponse response
                && !awaitingAck.containsKey(new JobKey(response.jobId(), response.attempt()))) {
            return null; // acknowledged or cancelled meanwhile
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** An event and when it was written to the socket. */
    private record Sent(long atNanos, JobEvent event) {}

    /** A job attempt: the protocol identifies everything about a job by these two. */
    record JobKey(UUID jobId, int attempt) {}

    /** A job taken and not yet finished: its cancel switch and its event numbering. */
    private final class ActiveJob implements JobReporter {
        final JobAssignment job;
        final JobControl control = new JobControl();
        private final AtomicLong seq = new AtomicLong();
        private volatile boolean abandoned;
        private long lastProgressQuarter = -1;
        private final java.util.ArrayDeque<Sent> recentlySent = new java.util.ArrayDeque<>();

        ActiveJob(JobAssignment job) {
            this.job = job;
        }

        String label() {
            return "job "
                    + job.jobId()
                    + " #"
                    + job.attempt()
                    + " "
                    + job.crate()
                    + "@"
                    + job.version();
        }

        /** Stops the job and everything it would still send; idempotent. */
        void abandon(String reason) {
            synchronized (this) {
                abandoned = true;
            }
            control.cancel(reason);
            outbox.removeIf(
                    item ->
                            item instanceof JobEvent e
                                    && e.jobId().equals(job.jobId())
                                    && e.attempt().equals(job.attempt()));
        }

        @Override
        public void stage(BuildStage stage) {
            console.info(label() + ": " + stage);
            emit(new JobEventBody.StageChanged(stage));
        }

        @Override
        public void log(LogStream stream, String line) {
            emit(new JobEventBody.Log(stream, line));
        }

        @Override
        public void uploadProgress(long sent, long total) {
            long quarter = total == 0 ? 4 : Math.min(4, sent * 4 / total);
            synchronized (this) {
                if (quarter == lastProgressQuarter) {
                    return;
                }
                lastProgressQuarter = quarter;
            }
            console.info(
                    label()
                            + ": uploaded "
                            + (quarter * 25)
                            + "% ("
                            + sent
                            + " of "
                            + total
                            + " bytes)");
        }

        /** Remembers an event written to the socket, for a resend if the connection dies now. */
        synchronized void sent(JobEvent event) {
            long now = System.nanoTime();
            recentlySent.addLast(new Sent(now, event));
            while (!recentlySent.isEmpty()
                    && now - recentlySent.peekFirst().atNanos() > RESEND_WINDOW_NANOS) {
                recentlySent.removeFirst();
            }
        }

        /** The events written in the last moments of the previous connection, in seq order. */
        synchronized java.util.List<JobEvent> takeRecentlySent() {
            long now = System.nanoTime();
            java.util.List<JobEvent> events = new java.util.ArrayList<>();
            for (Sent sent : recentlySent) {
                if (now - sent.atNanos() <= RESEND_WINDOW_NANOS && !abandoned) {
                    events.add(sent.event());
                }
            }
            recentlySent.clear();
            return events;
        }

        /** Numbers the event and queues it; the lock keeps queue order equal to seq order. */
        synchronized void emit(JobEventBody body) {
            if (abandoned) {
                return;
            }
            outbox.addLast(new JobEvent(job.jobId(), job.attempt(), seq.incrementAndGet(), body));
        }
    }
}
