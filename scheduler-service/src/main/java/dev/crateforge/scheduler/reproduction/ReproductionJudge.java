package dev.crateforge.scheduler.reproduction;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.scheduler.reproduction.Judgement.Standing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares the builds of one reproduction once all of them ended. Pure, so that the rules are a
 * table of cases in a unit test:
 *
 * <ul>
 *   <li>every build succeeded with the same digest per artifact kind: {@code reproduced};
 *   <li>every build failed for the crate's own reason (the same or not): {@code failed}, nothing to
 *       publish and nobody to blame;
 *   <li>some build has no result (a fault of ours, cancelled): {@code incomplete}; the builders
 *       with a result are not judged, the others count a "no result";
 *   <li>otherwise the results differ: {@code disagreed}. A result shared by more than half of the
 *       builds is the majority: its builders agreed and the others disagreed. Without a majority
 *       (two builds, two results) nobody is blamed.
 * </ul>
 */
public final class ReproductionJudge {

    private ReproductionJudge() {}

    public static Judgement judge(List<BuildOutcome> builds) {
        if (builds.isEmpty() || builds.stream().anyMatch(b -> !b.state().isFinal())) {
            throw new IllegalArgumentException("a reproduction is judged once all builds ended");
        }
        Map<UUID, Standing> standings = new HashMap<>();
        if (builds.stream().anyMatch(b -> !b.hasResult())) {
            builds.stream()
                    .filter(b -> !b.hasResult() && b.builderId() != null)
                    .forEach(b -> standings.put(b.builderId(), Standing.NO_RESULT));
            return new Judgement(ReproductionVerdict.INCOMPLETE, standings);
        }
        if (builds.stream().allMatch(b -> b.state() == JobState.FAILED)) {
            return new Judgement(ReproductionVerdict.FAILED, standings);
        }
        Map<String, Long> results =
                builds.stream()
                        .collect(
                                Collectors.groupingBy(BuildOutcome::result, Collectors.counting()));
        if (results.size() == 1) {
            builds.stream()
                    .filter(b -> b.builderId() != null)
                    .forEach(b -> standings.put(b.builderId(), Standing.AGREED));
            return new Judgement(ReproductionVerdict.REPRODUCED, standings);
        }
        Optional<String> majority =
                results.entrySet().stream()
                        .filter(e -> e.getValue() * 2 > builds.size())
                        .map(Map.Entry::getKey)
                        .findFirst();
        Function<BuildOutcome, Standing> standing =
                b ->
                        majority.map(
                                        m ->
                                                m.equals(b.result())
                                                        ? Standing.AGREED
                                                        : Standing.DISAGREED)
                                .orElse(Standing.UNDECIDED);
        builds.stream()
                .filter(b -> b.builderId() != null)
                .forEach(b -> standings.put(b.builderId(), standing.apply(b)));
        return new Judgement(ReproductionVerdict.DISAGREED, standings);
    }
}
