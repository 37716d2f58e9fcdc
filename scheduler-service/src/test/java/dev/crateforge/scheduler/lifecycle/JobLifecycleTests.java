package dev.crateforge.scheduler.lifecycle;

import static dev.crateforge.protocol.job.JobState.ASSIGNED;
import static dev.crateforge.protocol.job.JobState.CANCELLED;
import static dev.crateforge.protocol.job.JobState.FAILED;
import static dev.crateforge.protocol.job.JobState.QUEUED;
import static dev.crateforge.protocol.job.JobState.RUNNING;
import static dev.crateforge.protocol.job.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.lifecycle.Decision.RequeueCause;
import dev.crateforge.scheduler.lifecycle.Decision.Why;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job lifecycle as a table: every state against every kind of trigger has one asserted outcome,
 * and the focused tests below pin down the numbers (attempts, caps, backoff, deadlines). Plain
 * JUnit: no database, no clock, milliseconds.
 */
class JobLifecycleTests {

    private static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID BUILDER = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID OTHER_BUILDER =
            UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    private static final String CONNECTION = "conn-1";
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    private static final LifecyclePolicy POLICY =
            new LifecyclePolicy(
                    3,
                    2,
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(2));

    private final JobLifecycle lifecycle = new JobLifecycle(POLICY);

    /** A job in {@code state} on attempt 2 of 3, held by (or last held by) {@link #BUILDER}. */
    private static JobFacts job(JobState state) {
        boolean active = state.isActive();
        return new JobFacts(
                JOB,
                state,
                2,
                3,
                1,
                state == QUEUED ? null : BUILDER,
                active ? CONNECTION : null,
                state == QUEUED ? NOW.minusSeconds(1) : null,
                active ? NOW.plusSeconds(60) : null,
                null,
                null);
    }

    /** One trigger of every kind, each as the live attempt's builder would send it. */
    private static final Map<Class<? extends Trigger>, Trigger> TRIGGERS = triggers();

    private static Map<Class<? extends Trigger>, Trigger> triggers() {
        Map<Class<? extends Trigger>, Trigger> all = new LinkedHashMap<>();
        List<Trigger> list =
                List.of(
                        new Trigger.Claimed(),
                        new Trigger.EventReceived(2, BUILDER),
                        new Trigger.CompletedFailed(2, BUILDER, FailureCode.COMPILE_ERROR, "boom"),
                        new Trigger.CompletedSucceeded(
                                2, BUILDER, Optional.empty(), new ArtifactCheck.AllStored()),
                        new Trigger.Undeliverable(2, BUILDER, CONNECTION, "connection gone"),
                        new Trigger.ArtifactStored(2, new ArtifactCheck.NothingPending()),
                        new Trigger.Disconnected(NOW),
                        new Trigger.Tick(new ArtifactCheck.NothingPending()),
                        new Trigger.CancelRequested("ops"),
                        new Trigger.RetryRequested("ops"),
                        new Trigger.Yanked("local"));
        list.forEach(t -> all.put(t.getClass(), t));
        return all;
    }

    /** An expected outcome: the decision's type and, for an ignore, why. */
    private record Outcome(Class<? extends Decision> type, Why why) {
        static Outcome is(Class<? extends Decision> type) {
            return new Outcome(type, null);
        }

        static Outcome ignored(Why why) {
            return new Outcome(Decision.Ignore.class, why);
        }

        boolean matches(Decision decision) {
            return type.isInstance(decision)
                    && (why == null || ((Decision.Ignore) decision).why() == why);
        }
    }

    private static final Outcome STALE = Outcome.ignored(Why.STALE);
    private static final Outcome WRONG_STATE = Outcome.ignored(Why.WRONG_STATE);

    /** The table: state → trigger kind → outcome. */
    private static final Map<JobState, Map<Class<? extends Trigger>, Outcome>> TABLE = table();

    private static Map<JobState, Map<Class<? extends Trigger>, Outcome>> table() {
        Map<JobState, Map<Class<? extends Trigger>, Outcome>> table = new EnumMap<>(JobState.class);
        table.put(
                QUEUED,
                row(
                        Outcome.is(Decision.Assign.class),
                        STALE,
                        STALE,
                        STALE,
                        STALE,
                        STALE,
                        WRONG_STATE,
                        WRONG_STATE,
                        Outcome.is(Decision.Cancel.class),
                        Outcome.is(Decision.Refuse.class),
                        Outcome.is(Decision.Cancel.class)));
        for (JobState active : List.of(ASSIGNED, RUNNING)) {
            table.put(
                    active,
                    row(
                            WRONG_STATE,
                            Outcome.is(
                                    active == ASSIGNED
                                            ? Decision.Start.class
                                            : Decision.ExtendLease.class),
                            Outcome.is(Decision.Fail.class),
                            Outcome.is(Decision.Succeed.class),
                            Outcome.is(Decision.Requeue.class),
                            Outcome.ignored(Why.NOTHING_PENDING),
                            Outcome.is(Decision.StartGrace.class),
                            Outcome.ignored(Why.NOT_DUE),
                            Outcome.is(Decision.Cancel.class),
                            Outcome.is(Decision.Refuse.class),
                            WRONG_STATE));
        }
        for (JobState ended : List.of(SUCCEEDED, FAILED, CANCELLED)) {
            table.put(
                    ended,
                    row(
                            WRONG_STATE,
                            STALE,
                            STALE,
                            STALE,
                            STALE,
                            STALE,
                            WRONG_STATE,
                            WRONG_STATE,
                            Outcome.is(Decision.Refuse.class),
                            Outcome.is(
                                    ended == SUCCEEDED
                                            ? Decision.Refuse.class
                                            : Decision.Retry.class),
                            WRONG_STATE));
        }
        return table;
    }

    /** Outcomes in the order of {@link #TRIGGERS}. */
    private static Map<Class<? extends Trigger>, Outcome> row(Outcome... outcomes) {
        Map<Class<? extends Trigger>, Outcome> row = new LinkedHashMap<>();
        List<Class<? extends Trigger>> kinds = new ArrayList<>(TRIGGERS.keySet());
        for (int i = 0; i < outcomes.length; i++) {
            row.put(kinds.get(i), outcomes[i]);
        }
        return row;
    }

    /** Every concrete trigger type, found through the sealed hierarchy. */
    @SuppressWarnings("unchecked")
    private static List<Class<? extends Trigger>> concreteTriggerTypes(Class<?> type) {
        List<Class<? extends Trigger>> found = new ArrayList<>();
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                found.addAll(concreteTriggerTypes(sub));
            }
        } else {
            found.add((Class<? extends Trigger>) type);
        }
        return found;
    }

    @Test
    void theTableHasARowForEveryStateAndACellForEveryKindOfTrigger() {
        List<Class<? extends Trigger>> kinds = concreteTriggerTypes(Trigger.class);
        assertThat(TRIGGERS.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
        assertThat(TABLE.keySet()).containsExactlyInAnyOrder(JobState.values());
        for (JobState state : JobState.values()) {
            assertThat(TABLE.get(state).keySet())
                    .as("row %s", state)
                    .containsExactlyInAnyOrderElementsOf(kinds);
        }
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (JobState state : JobState.values()) {
            for (Class<? extends Trigger> kind : concreteTriggerTypes(Trigger.class)) {
                cells.add(
                        Arguments.of(
                                state,
                                kind.getSimpleName(),
                                TRIGGERS.get(kind),
                                TABLE.getOrDefault(state, Map.of()).get(kind)));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("cells")
    void everyStateAndTriggerHasItsOutcome(
            JobState state, String kind, Trigger trigger, Outcome expected) {
        assertThat(trigger).as("a sample trigger of kind %s", kind).isNotNull();
        assertThat(expected).as("a table cell for %s × %s", state, kind).isNotNull();
        Decision decision = lifecycle.decide(job(state), trigger, NOW);
        assertThat(decision)
                .as("%s × %s", state, kind)
                .matches(expected::matches, expected.toString());
        decision.next()
                .ifPresent(
                        next ->
                                assertThat(state.canMoveTo(next))
                                        .as("%s -> %s", state, next)
                                        .isTrue());
    }

    // --- records from builders ---

    @Test
    void aRecordOfAnotherAttemptOrBuilderIsStale() {
        for (Trigger stale :
                List.of(
                        new Trigger.EventReceived(1, BUILDER),
                        new Trigger.EventReceived(2, OTHER_BUILDER),
                        new Trigger.CompletedFailed(3, BUILDER, null, null),
                        new Trigger.CompletedSucceeded(
                                2, OTHER_BUILDER, Optional.empty(), new ArtifactCheck.AllStored()),
                        new Trigger.Undeliverable(1, BUILDER, CONNECTION, "x"),
                        new Trigger.ArtifactStored(1, new ArtifactCheck.AllStored()))) {
            assertThat(lifecycle.decide(job(RUNNING), stale, NOW))
                    .as("%s", stale)
                    .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.STALE);
        }
    }

    @Test
    void eventsLeaseTheAttemptFromNow() {
        assertThat(lifecycle.decide(job(ASSIGNED), new Trigger.EventReceived(2, BUILDER), NOW))
                .isEqualTo(new Decision.Start(NOW.plus(POLICY.lease())));
        assertThat(lifecycle.decide(job(RUNNING), new Trigger.EventReceived(2, BUILDER), NOW))
                .isEqualTo(new Decision.ExtendLease(NOW.plus(POLICY.lease())));
    }

    @Test
    void anUndeliverableAssignmentRequeuesAtOnceWithoutUsingAnAttempt() {
        assertThat(
                        lifecycle.decide(
                                job(ASSIGNED),
                                new Trigger.Undeliverable(2, BUILDER, CONNECTION, "gone"),
                                NOW))
                .isEqualTo(
                        new Decision.Requeue(
                                3,
                                4,
                                1,
                                NOW,
                                null,
                                "assignment undeliverable: gone",
                                RequeueCause.UNDELIVERABLE,
                                true,
                                0,
                                null));
        assertThat(
                        lifecycle.decide(
                                job(ASSIGNED),
                                new Trigger.Undeliverable(2, BUILDER, "conn-2", "gone"),
                                NOW))
                .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.STALE);
    }

    @Test
    void theCratesOwnFailureIsFinalAndAFailureWithoutACodeIsBuildFailed() {
        assertThat(
                        lifecycle.decide(
                                job(RUNNING),
                                new Trigger.CompletedFailed(
                                        2, BUILDER, FailureCode.SOURCE_MISMATCH, "sha differs"),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.SOURCE_MISMATCH,
                                "build failed on builder: sha differs",
                                false,
                                null));
        assertThat(
                        lifecycle.decide(
                                job(RUNNING),
                                new Trigger.CompletedFailed(2, BUILDER, null, null),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.BUILD_FAILED,
                                "build failed on builder: no reason given",
                                false,
                                null));
    }

    @Test
    void anInfrastructureFailureRequeuesWithBackoffWithoutUsingAnAttemptUntilItsCap() {
        Trigger sandbox =
                new Trigger.CompletedFailed(2, BUILDER, FailureCode.SANDBOX_ERROR, "no bwrap");
        assertThat(lifecycle.decide(job(RUNNING), sandbox, NOW))
                .isEqualTo(
                        new Decision.Requeue(
                                3,
                                4,
                                2,
                                NOW.plusSeconds(20),
                                FailureCode.SANDBOX_ERROR,
                                "build failed on builder: no bwrap (sandbox_error)",
                                RequeueCause.INFRASTRUCTURE,
                                false,
                                JobLifecycle.RETRY_PRIORITY_DROP,
                                new Decision.Avoid(BUILDER, NOW.plusSeconds(20 + 120))));
        JobFacts capped = withInfrastructureRetries(job(RUNNING), 2);
        assertThat(lifecycle.decide(capped, sandbox, NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "build failed on builder: no bwrap (sandbox_error);"
                                        + " infrastructure retries used up (2 of 2)",
                                false,
                                null));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FailureCode.class)
    void everyFailureCodeIsEitherFinalOrRetriedAtALowerPriority(FailureCode code) {
        Decision decision =
                lifecycle.decide(
                        job(RUNNING), new Trigger.CompletedFailed(2, BUILDER, code, "why"), NOW);

        switch (code.fault()) {
            case INFRASTRUCTURE ->
                    assertThat(decision)
                            .isInstanceOfSatisfying(
                                    Decision.Requeue.class,
                                    r -> {
                                        assertThat(r.failureCode()).isEqualTo(code);
                                        assertThat(r.priorityDrop())
                                                .isEqualTo(JobLifecycle.RETRY_PRIORITY_DROP)
                                                .isPositive();
                                        assertThat(r.notBefore()).isAfter(NOW);
                                        assertThat(r.maxAttempts()).isEqualTo(4);
                                    });
            case CRATE, SUBMISSION ->
                    assertThat(decision)
                            .isEqualTo(
                                    new Decision.Fail(
                                            code, "build failed on builder: why", false, null));
        }
        // only the machine's faults are retried, and a code from a newer builder ('other'), which
        // is not known to be the crate's: every limit a crate can hit (timeout, no_output,
        // out_of_memory, disk_limit, log_limit, process_limit, …) ends the job
        assertThat(code.retried())
                .isEqualTo(
                        code == FailureCode.SANDBOX_ERROR
                                || code == FailureCode.INFRASTRUCTURE
                                || code == FailureCode.OTHER);
    }

    @Test
    void anInfrastructureFailureOnTheLastAttemptIsStillRetried() {
        JobFacts last = withAttempt(job(RUNNING), 3, 3);
        Decision decision =
                lifecycle.decide(
                        last,
                        new Trigger.CompletedFailed(3, BUILDER, FailureCode.INFRASTRUCTURE, "x"),
                        NOW);
        assertThat(decision).isInstanceOf(Decision.Requeue.class);
        assertThat(((Decision.Requeue) decision).maxAttempts()).isEqualTo(4);
    }

    // --- completion and artifacts ---

    private static final ArtifactDigest REPORTED =
            new ArtifactDigest(ArtifactKind.BINARY, "a".repeat(64), 10L);

    @Test
    void aSuccessWaitsForItsArtifactsFromTheFirstTimeItIsReported() {
        Trigger success =
                new Trigger.CompletedSucceeded(
                        2, BUILDER, Optional.empty(), new ArtifactCheck.Missing(List.of("binary")));
        assertThat(lifecycle.decide(job(RUNNING), success, NOW))
                .isEqualTo(new Decision.AwaitArtifacts(NOW, List.of("binary")));
        JobFacts waiting = withCompletionSeen(job(RUNNING), NOW.minusSeconds(20));
        assertThat(lifecycle.decide(waiting, success, NOW))
                .isEqualTo(new Decision.AwaitArtifacts(NOW.minusSeconds(20), List.of("binary")));
    }

    @Test
    void aStatementThatDoesNotMatchFailsTheJobAsInfrastructure() {
        assertThat(
                        lifecycle.decide(
                                job(RUNNING),
                                new Trigger.CompletedSucceeded(
                                        2,
                                        BUILDER,
                                        Optional.of("field 'crate' differs"),
                                        new ArtifactCheck.AllStored()),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE, "field 'crate' differs", false, null));
    }

    @Test
    void aStoredArtifactSettlesAWaitingCompletion() {
        JobFacts waiting = withCompletionSeen(job(RUNNING), NOW.minusSeconds(5));
        assertThat(
                        lifecycle.decide(
                                waiting,
                                new Trigger.ArtifactStored(2, new ArtifactCheck.AllStored()),
                                NOW))
                .isEqualTo(new Decision.Succeed());
        assertThat(
                        lifecycle.decide(
                                waiting,
                                new Trigger.ArtifactStored(
                                        2, new ArtifactCheck.Missing(List.of("debuginfo"))),
                                NOW))
                .isEqualTo(new Decision.AwaitArtifacts(NOW.minusSeconds(5), List.of("debuginfo")));
        assertThat(
                        lifecycle.decide(
                                waiting,
                                new Trigger.ArtifactStored(
                                        2,
                                        new ArtifactCheck.Mismatch(
                                                REPORTED,
                                                new ArtifactDigest(
                                                        ArtifactKind.BINARY, "b".repeat(64), 11L))),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "artifact 'binary' mismatch: builder reported sha256 "
                                        + "a".repeat(64)
                                        + " size 10, artifact service stored sha256 "
                                        + "b".repeat(64)
                                        + " size 11",
                                false,
                                null));
        assertThat(
                        lifecycle.decide(
                                waiting,
                                new Trigger.ArtifactStored(2, new ArtifactCheck.Unreadable()),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "stored completion is unreadable",
                                false,
                                null));
    }

    @Test
    void aWaitingCompletionFailsOnlyOnceItsWaitIsOver() {
        Trigger missing = new Trigger.Tick(new ArtifactCheck.Missing(List.of("binary")));
        JobFacts recent = withCompletionSeen(job(RUNNING), NOW.minusSeconds(59));
        assertThat(lifecycle.decide(recent, missing, NOW))
                .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.NOT_DUE);
        JobFacts overdue = withCompletionSeen(job(RUNNING), NOW.minusSeconds(61));
        assertThat(lifecycle.decide(overdue, missing, NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "artifact(s) binary reported but not stored within PT1M",
                                false,
                                null));
        assertThat(lifecycle.decide(overdue, new Trigger.Tick(new ArtifactCheck.AllStored()), NOW))
                .isEqualTo(new Decision.Succeed());
    }

    @Test
    void whileACompletionWaitsNeitherTheLeaseNorADisconnectRequeuesTheJob() {
        JobFacts waiting =
                new JobFacts(
                        JOB,
                        RUNNING,
                        2,
                        3,
                        0,
                        BUILDER,
                        CONNECTION,
                        null,
                        NOW.minusSeconds(600),
                        NOW.minusSeconds(600),
                        NOW.minusSeconds(10));
        assertThat(
                        lifecycle.decide(
                                waiting,
                                new Trigger.Tick(new ArtifactCheck.Missing(List.of("binary"))),
                                NOW))
                .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.NOT_DUE);
    }

    // --- time ---

    @Test
    void anExpiredLeaseRequeuesWithBackoffAndTellsTheOldBuilderToStop() {
        JobFacts expired = withLease(job(RUNNING), NOW.minusMillis(1));
        assertThat(
                        lifecycle.decide(
                                expired, new Trigger.Tick(new ArtifactCheck.NothingPending()), NOW))
                .isEqualTo(
                        new Decision.Requeue(
                                3,
                                3,
                                1,
                                NOW.plus(POLICY.backoff(2)),
                                null,
                                "lease expired",
                                RequeueCause.LEASE_EXPIRED,
                                true,
                                JobLifecycle.RETRY_PRIORITY_DROP,
                                new Decision.Avoid(
                                        BUILDER,
                                        NOW.plus(POLICY.backoff(2))
                                                .plus(POLICY.retryElsewhere()))));
    }

    @Test
    void aFaultOfTheBuilderSendsTheRetryToAnotherBuilderForAWhileUnlessTurnedOff() {
        Trigger disk =
                new Trigger.CompletedFailed(2, BUILDER, FailureCode.INFRASTRUCTURE, "disk full");
        Decision.Requeue requeue = (Decision.Requeue) lifecycle.decide(job(RUNNING), disk, NOW);
        assertThat(requeue.avoid())
                .isEqualTo(
                        new Decision.Avoid(
                                BUILDER, requeue.notBefore().plus(POLICY.retryElsewhere())));
        JobLifecycle anywhere =
                new JobLifecycle(
                        new LifecyclePolicy(
                                POLICY.maxAttempts(),
                                POLICY.infrastructureRetries(),
                                POLICY.lease(),
                                POLICY.backoffInitial(),
                                POLICY.backoffMax(),
                                POLICY.disconnectGrace(),
                                POLICY.completionWait(),
                                Duration.ZERO));
        assertThat(((Decision.Requeue) anywhere.decide(job(RUNNING), disk, NOW)).avoid()).isNull();
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptFailsTheJobAsInfrastructure() {
        JobFacts last = withLease(withAttempt(job(RUNNING), 3, 3), NOW.minusMillis(1));
        assertThat(
                        lifecycle.decide(
                                last, new Trigger.Tick(new ArtifactCheck.NothingPending()), NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "lease expired; no attempts left (3 of 3)",
                                true,
                                RequeueCause.LEASE_EXPIRED));
    }

    @Test
    void aDisconnectedBuilderHasItsGraceAndTheFirstDisconnectCounts() {
        Trigger tick = new Trigger.Tick(new ArtifactCheck.NothingPending());
        JobFacts within = withDisconnect(job(RUNNING), NOW.minusSeconds(29));
        assertThat(lifecycle.decide(within, tick, NOW))
                .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.NOT_DUE);
        assertThat(lifecycle.decide(within, new Trigger.Disconnected(NOW), NOW))
                .matches(
                        d -> d instanceof Decision.Ignore i && i.why() == Why.ALREADY_DISCONNECTED);
        JobFacts past = withDisconnect(job(RUNNING), NOW.minusSeconds(31));
        assertThat(lifecycle.decide(past, tick, NOW))
                .isEqualTo(
                        new Decision.Requeue(
                                3,
                                3,
                                1,
                                NOW.plus(POLICY.backoff(2)),
                                null,
                                "builder disconnected for longer than PT30S",
                                RequeueCause.DISCONNECTED,
                                true,
                                JobLifecycle.RETRY_PRIORITY_DROP,
                                new Decision.Avoid(
                                        BUILDER,
                                        NOW.plus(POLICY.backoff(2))
                                                .plus(POLICY.retryElsewhere()))));
    }

    @Test
    void aJobInBackoffIsNotClaimed() {
        JobFacts backingOff =
                new JobFacts(
                        JOB, QUEUED, 2, 3, 0, null, null, NOW.plusSeconds(1), null, null, null);
        assertThat(lifecycle.decide(backingOff, new Trigger.Claimed(), NOW))
                .matches(d -> d instanceof Decision.Ignore i && i.why() == Why.NOT_DUE);
    }

    @Test
    void backoffDoublesFromItsInitialValueUpToItsMaximum() {
        assertThat(POLICY.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(POLICY.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(POLICY.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(POLICY.backoff(6)).isEqualTo(Duration.ofSeconds(320));
        assertThat(POLICY.backoff(7)).isEqualTo(Duration.ofMinutes(10));
        assertThat(POLICY.backoff(999)).isEqualTo(Duration.ofMinutes(10));
        LifecyclePolicy small =
                new LifecyclePolicy(
                        3,
                        2,
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(1),
                        Duration.ZERO);
        assertThat(small.backoff(1)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void attemptNumbersEndAtTheCeiling() {
        JobFacts atCeiling = withAttempt(job(ASSIGNED), 1000, 1000);
        assertThat(
                        lifecycle.decide(
                                atCeiling,
                                new Trigger.Undeliverable(1000, BUILDER, CONNECTION, "gone"),
                                NOW))
                .isEqualTo(
                        new Decision.Fail(
                                FailureCode.INFRASTRUCTURE,
                                "assignment undeliverable: gone; no attempts left (1000 of 1000)",
                                true,
                                RequeueCause.UNDELIVERABLE));
        JobFacts failedAtCeiling = withAttempt(job(FAILED), 1000, 1000);
        assertThat(lifecycle.decide(failedAtCeiling, new Trigger.RetryRequested("ops"), NOW))
                .isEqualTo(
                        new Decision.Refuse("job " + JOB + " has used all 1000 attempt numbers"));
    }

    // --- operators ---

    @Test
    void cancelStopsTheBuilderOnlyWhenOneHoldsTheJob() {
        assertThat(lifecycle.decide(job(RUNNING), new Trigger.CancelRequested("ops"), NOW))
                .isEqualTo(new Decision.Cancel("cancelled by ops", true));
        assertThat(lifecycle.decide(job(QUEUED), new Trigger.CancelRequested("ops"), NOW))
                .isEqualTo(new Decision.Cancel("cancelled by ops", false));
        assertThat(lifecycle.decide(job(SUCCEEDED), new Trigger.CancelRequested("ops"), NOW))
                .isEqualTo(
                        new Decision.Refuse(
                                "job " + JOB + " is already succeeded and cannot be cancelled"));
    }

    @Test
    void retryQueuesTheNextAttemptWithAFreshBudget() {
        assertThat(lifecycle.decide(job(FAILED), new Trigger.RetryRequested("ops"), NOW))
                .isEqualTo(new Decision.Retry(3, 5));
        assertThat(lifecycle.decide(job(RUNNING), new Trigger.RetryRequested("ops"), NOW))
                .isEqualTo(
                        new Decision.Refuse(
                                "job "
                                        + JOB
                                        + " is running; only failed or cancelled jobs can be"
                                        + " retried"));
    }

    @Test
    void aMoveJobStateForbidsIsRefused() {
        assertThatThrownBy(() -> JobLifecycle.requireMove(SUCCEEDED, QUEUED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a job cannot move from succeeded to queued");
    }

    @Test
    void noFactsAndTriggerEverProduceAForbiddenMove() {
        // Every state with every variation of the time facts, against every sample trigger and
        // the builder records of other attempts: decide() itself checks each move it returns.
        Predicate<Decision> any = d -> d != null;
        for (JobState state : JobState.values()) {
            for (JobFacts facts : variations(job(state))) {
                for (Trigger trigger : TRIGGERS.values()) {
                    assertThat(lifecycle.decide(facts, trigger, NOW)).matches(any);
                }
            }
        }
    }

    private static List<JobFacts> variations(JobFacts base) {
        List<JobFacts> all = new ArrayList<>();
        all.add(base);
        all.add(withLease(base, NOW.minusSeconds(1)));
        all.add(withDisconnect(base, NOW.minusSeconds(31)));
        all.add(withCompletionSeen(base, NOW.minusSeconds(61)));
        all.add(withAttempt(base, 3, 3));
        all.add(withInfrastructureRetries(base, 2));
        return all;
    }

    // --- helpers ---

    private static JobFacts withAttempt(JobFacts f, int attempt, int maxAttempts) {
        return new JobFacts(
                f.id(),
                f.state(),
                attempt,
                maxAttempts,
                f.infrastructureRetries(),
                f.builderId(),
                f.connectionId(),
                f.notBefore(),
                f.leaseExpiresAt(),
                f.disconnectedAt(),
                f.completionSeenAt());
    }

    private static JobFacts withInfrastructureRetries(JobFacts f, int retries) {
        return new JobFacts(
                f.id(),
                f.state(),
                f.attempt(),
                f.maxAttempts(),
                retries,
                f.builderId(),
                f.connectionId(),
                f.notBefore(),
                f.leaseExpiresAt(),
                f.disconnectedAt(),
                f.completionSeenAt());
    }

    private static JobFacts withLease(JobFacts f, Instant lease) {
        return new JobFacts(
                f.id(),
                f.state(),
                f.attempt(),
                f.maxAttempts(),
                f.infrastructureRetries(),
                f.builderId(),
                f.connectionId(),
                f.notBefore(),
                lease,
                f.disconnectedAt(),
                f.completionSeenAt());
    }

    private static JobFacts withDisconnect(JobFacts f, Instant at) {
        return new JobFacts(
                f.id(),
                f.state(),
                f.attempt(),
                f.maxAttempts(),
                f.infrastructureRetries(),
                f.builderId(),
                f.connectionId(),
                f.notBefore(),
                f.leaseExpiresAt(),
                at,
                f.completionSeenAt());
    }

    private static JobFacts withCompletionSeen(JobFacts f, Instant at) {
        return new JobFacts(
                f.id(),
                f.state(),
                f.attempt(),
                f.maxAttempts(),
                f.infrastructureRetries(),
                f.builderId(),
                f.connectionId(),
                f.notBefore(),
                f.leaseExpiresAt(),
                f.disconnectedAt(),
                at);
    }
}
