package dev.crateforge.artifact.service.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crateforge.artifact.service.Deadline;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON Pointers of the values in which documents differ. */
class JsonDiffTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deadline LATER = Deadline.in(Duration.ofMinutes(1));

    private static List<JsonNode> documents(String... texts) {
        return Arrays.stream(texts)
                .map(
                        t -> {
                            try {
                                return JSON.readTree(t);
                            } catch (Exception e) {
                                throw new IllegalArgumentException(e);
                            }
                        })
                .toList();
    }

    @Test
    void namesEachDifferingValueByItsPath() {
        JsonDiff diff =
                JsonDiff.of(
                        documents(
                                "{\"a\":{\"b\":1,\"c\":[1,2]},\"same\":true,\"x/y~\":1}",
                                "{\"a\":{\"b\":2,\"c\":[1,2,3]},\"same\":true,\"x/y~\":1}",
                                "{\"a\":{\"b\":1,\"c\":[1,2]},\"same\":true,\"x/y~\":\"1\",\"new\":0}"),
                        100,
                        LATER);

        assertThat(diff.paths()).containsExactly("/a/b", "/a/c/2", "/new", "/x~1y~0");
        assertThat(diff.cut()).isNull();
    }

    @Test
    void equalDocumentsHaveNoPath() {
        assertThat(
                        JsonDiff.of(documents("[1,{\"a\":null}]", "[1,{\"a\":null}]"), 10, LATER)
                                .paths())
                .isEmpty();
    }

    @Test
    void aDifferentTypeIsOneDifferenceAtItsPath() {
        assertThat(JsonDiff.of(documents("{\"a\":[1]}", "{\"a\":{\"0\":1}}"), 10, LATER).paths())
                .containsExactly("/a");
    }

    @Test
    void stopsAtThePathBound() {
        JsonDiff diff = JsonDiff.of(documents("[1,2,3,4]", "[5,6,7,8]"), 2, LATER);

        assertThat(diff.paths()).containsExactly("/0", "/1");
        assertThat(diff.cut()).isEqualTo("more than 2 differing paths");
    }
}
