package dev.crateforge.protocol.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.protocol.http.Problem;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.kafka.JobActivity;
import dev.crateforge.protocol.kafka.RecordCodec;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.MessageCodec;
import dev.crateforge.protocol.message.Samples;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract's own rules: unique wire names, recognisable closes, safe classification. */
class ContractTests {

    @Test
    void wireNamesAreUniqueInEveryTable() {
        assertThat(Arrays.stream(SocketError.values()).map(SocketError::wireName))
                .doesNotHaveDuplicates();
        assertThat(Arrays.stream(UploadOutcome.values()).map(UploadOutcome::reason))
                .doesNotHaveDuplicates();
        assertThat(Arrays.stream(FailureCode.values()).map(FailureCode::wireName))
                .doesNotHaveDuplicates();
    }

    @Test
    void everyCloseIsRecognisedFromWhatTheBuilderReceives() {
        for (SocketClose close : SocketClose.values()) {
            String sent = close.reasonWith("field 'slots' has the wrong type");
            assertThat(SocketClose.recognise(close.code(), sent)).contains(close);
            assertThat(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(SocketClose.MAX_REASON_BYTES);
        }
    }

    @Test
    void anUnknownCloseIsNotGuessed() {
        assertThat(SocketClose.recognise(1008, "something else")).isEmpty();
        assertThat(SocketClose.recognise(4000, "authentication failed")).isEmpty();
    }

    @Test
    void anUploadAnswerIsReadByItsProblemTypeAndAnythingUnlistedIsRetried() {
        assertThat(UploadOutcome.classify(403, Problem.type("attempt_not_live")))
                .isEqualTo(UploadOutcome.ATTEMPT_NOT_LIVE);
        assertThat(UploadOutcome.classify(403, Problem.type("builder_revoked")))
                .isEqualTo(UploadOutcome.BUILDER_REVOKED);
        assertThat(UploadOutcome.classify(201, null)).isEqualTo(UploadOutcome.STORED);
        assertThat(UploadOutcome.classify(502, null)).isEqualTo(UploadOutcome.UNAVAILABLE);
        assertThat(UploadOutcome.classify(403, Problem.type("made_up")))
                .isEqualTo(UploadOutcome.UNAVAILABLE);
        assertThat(UploadOutcome.UNAVAILABLE.retriable()).isTrue();
    }

    @Test
    void onlyInfrastructureFailuresAndUnknownCodesAreRetried() {
        assertThat(Arrays.stream(FailureCode.values()).filter(FailureCode::retried))
                .containsExactlyInAnyOrder(
                        FailureCode.INFRASTRUCTURE, FailureCode.SANDBOX_ERROR, FailureCode.OTHER);
    }

    @Test
    void splitsAndCutsOnCodePointBoundaries() {
        String crab = "\uD83E\uDD80";
        assertThat(TextLimits.splitUtf8(crab.repeat(5), 8))
                .containsExactly(crab.repeat(2), crab.repeat(2), crab);
        assertThat(TextLimits.splitUtf8("", 8)).containsExactly("");
        assertThat(TextLimits.cutUtf8("ab" + crab, 5)).isEqualTo("ab");
        assertThat(TextLimits.utf8Length("a\u00e9\u20ac" + crab)).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void aFailureCodeFromANewerPeerIsReadAsOtherNotRefused() throws Exception {
        String frame =
                MessageCodec.encode(
                                Samples.clientMessages().stream()
                                        .filter(
                                                m ->
                                                        m instanceof JobResponse r
                                                                && r.failureCode() != null)
                                        .findFirst()
                                        .orElseThrow())
                        .replace("\"compile_error\"", "\"quantum_flux\"");
        assertThat(frame).contains("quantum_flux");

        var decoded = (JobResponse) MessageCodec.decodeClientMessage(frame);

        assertThat(decoded.failureCode()).isEqualTo(FailureCode.OTHER);
        assertThat(decoded.failureReason()).isEqualTo("error[E0425]: cannot find value");
        // Unknown is not proof of the crate's fault: retried within the infrastructure retries.
        assertThat(FailureCode.OTHER.retried()).isTrue();
        assertThat(FailureCode.fromWireName("quantum_flux")).isEmpty();
    }

    @Test
    void aCompletionRecordWithAnUnknownFailureCodeIsReadAsOther() throws Exception {
        var completed =
                new JobActivity.Completed(
                        Samples.JOB,
                        1,
                        Samples.BUILDER,
                        JobResult.FAILED,
                        "the build ran more than 64 processes at once",
                        FailureCode.PROCESS_LIMIT,
                        List.of(),
                        "statement",
                        "sig",
                        "ssh-ed25519 AAAA",
                        Instant.parse("2026-12-06T00:00:00Z"));
        String json =
                new String(RecordCodec.encode(completed), StandardCharsets.UTF_8)
                        .replace("\"process_limit\"", "\"from_the_future\"");
        assertThat(json).contains("from_the_future");

        var decoded = RecordCodec.decode(json.getBytes(StandardCharsets.UTF_8), JobActivity.class);

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        JobActivity.Completed.class,
                        c -> assertThat(c.failureCode()).isEqualTo(FailureCode.OTHER));
    }
}
