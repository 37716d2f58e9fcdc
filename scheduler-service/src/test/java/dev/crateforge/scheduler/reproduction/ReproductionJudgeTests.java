package dev.crateforge.scheduler.reproduction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.scheduler.reproduction.Judgement.Standing;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReproductionJudgeTests {

    private static final String X = "a".repeat(64);
    private static final String Y = "b".repeat(64);

    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final UUID C = UUID.fromString("00000000-0000-0000-0000-00000000000c");

    private static BuildOutcome succeeded(UUID builder, String binary) {
        return new BuildOutcome(
                UUID.randomUUID(),
                builder,
                JobState.SUCCEEDED,
                null,
                new TreeMap<>(Map.of("binary", binary, "metadata", X)));
    }

    private static BuildOutcome failed(UUID builder, String code) {
        return new BuildOutcome(UUID.randomUUID(), builder, JobState.FAILED, code, null);
    }

    @Test
    void equalDigestsEverywhereAreReproducedAndEveryBuilderAgreed() {
        Judgement judgement =
                ReproductionJudge.judge(List.of(succeeded(A, X), succeeded(B, X), succeeded(C, X)));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.REPRODUCED);
        assertThat(judgement.standings())
                .isEqualTo(Map.of(A, Standing.AGREED, B, Standing.AGREED, C, Standing.AGREED));
    }

    @Test
    void oneDifferentDigestIsADisagreementAndOnlyItsBuilderIsBlamed() {
        Judgement judgement =
                ReproductionJudge.judge(List.of(succeeded(A, X), succeeded(B, Y), succeeded(C, X)));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.DISAGREED);
        assertThat(judgement.standings())
                .isEqualTo(Map.of(A, Standing.AGREED, B, Standing.DISAGREED, C, Standing.AGREED));
    }

    @Test
    void twoBuildsThatDifferHaveNoMajorityAndBlameNobody() {
        Judgement judgement = ReproductionJudge.judge(List.of(succeeded(A, X), succeeded(B, Y)));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.DISAGREED);
        assertThat(judgement.standings())
                .isEqualTo(Map.of(A, Standing.UNDECIDED, B, Standing.UNDECIDED));
    }

    @Test
    void aSuccessBesideTheCratesFailureIsADisagreement() {
        Judgement judgement =
                ReproductionJudge.judge(
                        List.of(succeeded(A, X), failed(B, "compile_error"), succeeded(C, X)));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.DISAGREED);
        assertThat(judgement.standings()).containsEntry(B, Standing.DISAGREED);
    }

    @Test
    void buildsThatAllFailedForTheCrateAreFailedAndBlameNobody() {
        Judgement judgement =
                ReproductionJudge.judge(List.of(failed(A, "compile_error"), failed(B, "timeout")));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.FAILED);
        assertThat(judgement.standings()).isEmpty();
    }

    @Test
    void aBuildWithoutAResultMakesItIncompleteAndCountsOnlyAgainstItsBuilder() {
        BuildOutcome cancelled =
                new BuildOutcome(UUID.randomUUID(), C, JobState.CANCELLED, null, null);
        Judgement judgement =
                ReproductionJudge.judge(
                        List.of(succeeded(A, X), failed(B, "infrastructure"), cancelled));
        assertThat(judgement.verdict()).isEqualTo(ReproductionVerdict.INCOMPLETE);
        assertThat(judgement.standings())
                .isEqualTo(Map.of(B, Standing.NO_RESULT, C, Standing.NO_RESULT));
    }

    @Test
    void aReproductionIsJudgedOnlyOnceEveryBuildEnded() {
        BuildOutcome running = new BuildOutcome(UUID.randomUUID(), A, JobState.RUNNING, null, null);
        assertThatThrownBy(() -> ReproductionJudge.judge(List.of(succeeded(B, X), running)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
