package dev.crateforge.artifact.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.artifact.repository.JobAttempt;
import dev.crateforge.artifact.repository.ReproductionComparison;
import dev.crateforge.artifact.service.comparison.ReproductionComparer;
import dev.crateforge.protocol.job.ReproductionVerdict;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes and answers the comparisons of reproductions whose builds disagreed.
 *
 * <p>Reading several artifacts back from S3 may take minutes, so it never runs on the Kafka
 * consumer's thread: a disagreement, once its transaction commits, queues its group on one thread
 * of this service's own (one at a time keeps the load of a burst of verdicts to one core and one S3
 * stream). A comparison is kept with the digest of its inputs (each build's job, attempt, state and
 * artifact digests), so the same verdict announced again, for each build or in a replay, recomputes
 * nothing; new inputs (a retried build) replace it. At start, the service queues every disagreement
 * that has no comparison yet (one that a restart interrupted, or that failed).
 */
@ApplicationScoped
public class ReproductionComparisons {

    /** What a request for a comparison gets. */
    public sealed interface Answer {
        /** The kept comparison, as JSON. */
        record Computed(String json) implements Answer {}

        /** The builds disagreed; the comparison is not made yet. */
        record Pending(UUID group) implements Answer {}
    }

    private final Reproductions reproductions;
    private final ReproductionComparer comparer;
    private final ObjectMapper json;
    private final ExecutorService worker =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "reproduction-comparisons");
                        t.setDaemon(true);
                        return t;
                    });
    private final Set<UUID> queued = ConcurrentHashMap.newKeySet();

    public ReproductionComparisons(
            Reproductions reproductions, ReproductionComparer comparer, ObjectMapper json) {
        this.reproductions = reproductions;
        this.comparer = comparer;
        this.json = json;
    }

    void onDisagreed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReproductionDisagreed e) {
        request(e.group());
    }

    void onStart(@Observes StartupEvent start) {
        // On the worker, so that a database that is down at start does not stop the service.
        worker.execute(
                () -> {
                    try {
                        reproductions.disagreedWithoutComparison().forEach(this::request);
                    } catch (RuntimeException e) {
                        Log.warnf(
                                e,
                                "Cannot look for disagreements without a comparison; they are"
                                        + " compared on their next verdict or at the next start");
                    }
                });
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Queues a comparison of the group, unless one is queued already. */
    public void request(UUID group) {
        if (queued.add(group)) {
            worker.execute(
                    () -> {
                        queued.remove(group);
                        try {
                            compareNow(group);
                        } catch (RuntimeException e) {
                            Log.errorf(
                                    e,
                                    "Comparing the builds of reproduction %s failed; it is tried"
                                            + " again on the next verdict or at the next start",
                                    group);
                        }
                    });
        }
    }

    /**
     * Compares the group's builds on the calling thread, unless a comparison of the same inputs is
     * kept.
     *
     * @return true if this call kept a new comparison
     */
    public boolean compareNow(UUID group) {
        List<ReproductionMember> members = reproductions.members(group);
        if (members.isEmpty()) {
            return false;
        }
        String inputs = inputs(members);
        Optional<ReproductionComparison> kept = reproductions.comparison(group);
        if (kept.isPresent() && kept.get().inputs.equals(inputs)) {
            return false;
        }
        String comparison = write(comparer.compare(group, members));
        boolean written = reproductions.keep(group, inputs, comparison);
        if (written) {
            Log.infof("Compared the %d builds of reproduction %s", members.size(), group);
        }
        return written;
    }

    /**
     * The comparison of a reproduction's builds.
     *
     * @throws Rejection 404 for an unknown group; 409 while its builds have not disagreed
     */
    public Answer answer(UUID group) {
        List<ReproductionMember> members = reproductions.members(group);
        if (members.isEmpty()) {
            throw Rejection.notFound("unknown reproduction " + group);
        }
        Optional<ReproductionComparison> kept = reproductions.comparison(group);
        if (kept.isPresent()) {
            return new Answer.Computed(kept.get().comparison);
        }
        JobAttempt latest =
                members.stream()
                        .map(ReproductionMember::job)
                        .max(Comparator.comparing(j -> j.reproductionAt))
                        .orElseThrow();
        if (!ReproductionVerdict.DISAGREED.wireName().equals(latest.reproductionVerdict)) {
            throw Rejection.notDisagreed(
                    "the builds of reproduction "
                            + group
                            + " are "
                            + latest.reproductionVerdict
                            + ": their outputs are compared only once they disagree");
        }
        return new Answer.Pending(group);
    }

    private String write(Object comparison) {
        try {
            return json.writeValueAsString(comparison);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a comparison", e);
        }
    }

    /** SHA-256 of what a comparison reads: each build's job, attempt, state and digests. */
    private static String inputs(List<ReproductionMember> members) {
        StringBuilder text = new StringBuilder();
        for (ReproductionMember m : members) {
            text.append(m.job().jobId)
                    .append(' ')
                    .append(m.job().attempt)
                    .append(' ')
                    .append(m.job().state);
            m.artifacts().stream()
                    .sorted(Comparator.comparing(a -> a.kind))
                    .forEach(a -> text.append(' ').append(a.kind).append(':').append(a.sha256));
            text.append('\n');
        }
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
