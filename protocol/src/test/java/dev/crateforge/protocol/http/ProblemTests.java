package dev.crateforge.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The one problem+json shape every service answers errors with. */
class ProblemTests {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theTypeNamesTheReasonWithDashes() {
        Problem problem = Problem.of(422, "hash_mismatch", "Hash mismatch", "declared x, got y");

        assertThat(problem.type()).isEqualTo("https://crateforge.dev/problems/hash-mismatch");
        assertThat(problem.status()).isEqualTo(422);
        assertThat(problem.field()).isNull();
    }

    @Test
    void aFieldIsWrittenOnlyWhenThereIsOne() throws Exception {
        JsonNode without =
                json.valueToTree(Problem.of(404, "job-not-found", "Job not found", "no job 1"));
        JsonNode with =
                json.valueToTree(
                        Problem.of(422, "invalid-job", "Invalid job", "bad version")
                                .about("version"));

        assertThat(without.has("field")).isFalse();
        assertThat(without.get("detail").asText()).isEqualTo("no job 1");
        assertThat(with.get("field").asText()).isEqualTo("version");
        assertThat(with.get("type").asText())
                .isEqualTo("https://crateforge.dev/problems/invalid-job");
    }
}
