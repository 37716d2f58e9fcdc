package dev.crateforge.scheduler.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The index's formats without an app: lines, the dl template and one file's changes. */
class IndexFormatTests {

    private static final String SHA = "ab".repeat(32);

    private static String line(String name, String vers, boolean yanked) {
        return "{\"name\":\""
                + name
                + "\",\"vers\":\""
                + vers
                + "\",\"deps\":[],\"cksum\":\""
                + SHA
                + "\",\"features\":{},\"yanked\":"
                + yanked
                + ",\"v\":2,\"rust_version\":\"1.70\"}";
    }

    private static IndexLine.Parsed parse(String text, String crate) {
        return IndexLine.parse(text, text.getBytes(StandardCharsets.UTF_8).length, crate);
    }

    private static String reason(String text) {
        return ((IndexLine.Invalid) parse(text, "serde")).reason();
    }

    @Test
    void aLineIsReadWithUnknownFieldsIgnored() {
        assertThat(parse(line("Serde", "1.0.0-rc.1+build.5", true), "serde"))
                .isEqualTo(
                        new IndexLine.Valid(
                                new IndexLine("Serde", "1.0.0-rc.1+build.5", SHA, true)));
    }

    @Test
    void badLinesAreRefusedWithAReasonThatDoesNotEchoThem() {
        assertThat(reason("{not json")).startsWith("not JSON");
        assertThat(reason("[1,2]")).isEqualTo("not a JSON object");
        assertThat(reason("{\"name\":\"serde\",\"vers\":\"1.0.0\"}"))
                .isEqualTo("field 'name', 'vers' or 'cksum' is missing or not a string");
        assertThat(reason(line("serde", "1.0", false)))
                .isEqualTo("field 'vers' is not a semantic version");
        assertThat(reason(line("other", "1.0.0", false)))
                .isEqualTo("field 'name' does not match the file's crate");
        assertThat(reason(line("serde", "1.0.0", false).replace(SHA, "AB".repeat(32))))
                .contains("cksum");
        assertThat(
                        reason(
                                line("serde", "1.0.0", false)
                                        .replace("\"yanked\":false", "\"yanked\":1")))
                .isEqualTo("field 'yanked' is not a boolean");
        String huge =
                "{\"name\":\"serde\",\"pad\":\"" + "x".repeat(IndexLine.MAX_LINE_BYTES) + "\"}";
        assertThat(reason(huge)).contains("is over " + IndexLine.MAX_LINE_BYTES);
    }

    @Test
    void theDownloadTemplateReplacesCargosMarkersOrAppendsThePath() {
        assertThat(
                        new DownloadUrlTemplate("https://dl.example/api/v1/crates")
                                .resolve("serde", "1.0.0", SHA))
                .isEqualTo("https://dl.example/api/v1/crates/serde/1.0.0/download");
        assertThat(
                        new DownloadUrlTemplate(
                                        "https://dl.example/{prefix}/{lowerprefix}/{crate}/{crate}-{version}.crate?sha={sha256-checksum}")
                                .resolve("Serde", "1.0.0", SHA))
                .isEqualTo("https://dl.example/Se/rd/se/rd/Serde/Serde-1.0.0.crate?sha=" + SHA);
        assertThat(DownloadUrlTemplate.prefix("a")).isEqualTo("1");
        assertThat(DownloadUrlTemplate.prefix("ab")).isEqualTo("2");
        assertThat(DownloadUrlTemplate.prefix("abc")).isEqualTo("3/a");
        assertThat(DownloadUrlTemplate.prefix("abcd")).isEqualTo("ab/cd");
    }

    @Test
    void aFileDiffFindsNewVersionsYanksAndUnyanksAndReportsOnlyNewBadLines() {
        String before =
                String.join(
                                "\n",
                                line("serde", "1.0.0", false),
                                "{broken",
                                line("serde", "1.1.0", true))
                        + "\n";
        String after =
                String.join(
                                "\n",
                                line("serde", "1.0.0", true),
                                "{broken",
                                line("serde", "1.1.0", false),
                                "",
                                line("serde", "1.2.0", false),
                                "{\"also\":\"broken\"}",
                                line("serde", "1.2.0", false).replace("\"v\":2", "\"v\":3"))
                        + "\n";
        CrateFileDiff.Result result =
                CrateFileDiff.compare(
                        "se/rd/serde",
                        "serde",
                        before.getBytes(StandardCharsets.UTF_8),
                        after.getBytes(StandardCharsets.UTF_8));
        assertThat(result.changes())
                .containsExactly(
                        new CrateFileDiff.YankChanged(
                                new IndexLine("serde", "1.0.0", SHA, true), 1),
                        new CrateFileDiff.YankChanged(
                                new IndexLine("serde", "1.1.0", SHA, false), 3),
                        new CrateFileDiff.Added(new IndexLine("serde", "1.2.0", SHA, false), 5));
        // The old broken line is not reported again; the new one and the duplicate are, with
        // their line numbers in the new file.
        assertThat(result.badLines())
                .extracting(CrateFileDiff.BadLine::number, CrateFileDiff.BadLine::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                6, "field 'name', 'vers' or 'cksum' is missing or not a string"),
                        org.assertj.core.groups.Tuple.tuple(7, "version listed twice in the file"));
    }

    @Test
    void aNewFileIsAllNewVersionsAndADeletedFileChangesNothing() {
        byte[] file = (line("serde", "1.0.0", false) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(CrateFileDiff.compare("se/rd/serde", "serde", null, file).changes())
                .containsExactly(
                        new CrateFileDiff.Added(new IndexLine("serde", "1.0.0", SHA, false), 1));
        assertThat(CrateFileDiff.compare("se/rd/serde", "serde", file, null).changes()).isEmpty();
    }
}
