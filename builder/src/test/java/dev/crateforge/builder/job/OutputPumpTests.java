package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.builder.support.RecordingReporter;
import dev.crateforge.protocol.contract.TextLimits;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Log lines are cut at {@link TextLimits#MAX_LOG_LINE_BYTES} UTF-8 bytes on code point boundaries:
 * every piece is valid UTF-8 within the limit, and the pieces joined give the line back.
 */
class OutputPumpTests {

    private static final int MAX = TextLimits.MAX_LOG_LINE_BYTES;
    private static final String EMOJI = "\uD83E\uDD80"; // 🦀, 4 bytes, a surrogate pair

    @Test
    void keepsShortLinesAsTheyAreAndDropsCarriageReturns() {
        assertThat(pump("one\r\ntwo\n\nthree")).containsExactly("one", "two", "", "three");
    }

    @Test
    void splitsALongAsciiLineAtTheByteLimit() {
        String line = "a".repeat(MAX * 2 + 10);

        List<String> pieces = pump(line + "\nnext\n");

        assertThat(pieces)
                .containsExactly("a".repeat(MAX), "a".repeat(MAX), "a".repeat(10), "next");
    }

    @Test
    void splitsEmojiOnCodePointBoundaries() {
        // one byte of offset so that the limit falls inside a four-byte code point
        String line = "x" + EMOJI.repeat(MAX);

        List<String> pieces = pump(line + "\n");

        assertThat(pieces).allSatisfy(OutputPumpTests::isWholeUtf8WithinTheLimit);
        assertThat(pieces.get(0)).isEqualTo("x" + EMOJI.repeat((MAX - 1) / 4));
        assertThat(String.join("", pieces)).isEqualTo(line);
        assertThat(pieces)
                .hasSize(5); // 1 + 4 * 16384 bytes = 65537 bytes: four full pieces and a bit
    }

    @Test
    void splitsTwoAndThreeByteCharactersWithoutCuttingThem() {
        String line = "é".repeat(MAX) + "€".repeat(MAX) + "tail";

        List<String> pieces = pump(line);

        assertThat(pieces).allSatisfy(OutputPumpTests::isWholeUtf8WithinTheLimit);
        assertThat(String.join("", pieces)).isEqualTo(line);
        assertThat(pieces.get(0)).isEqualTo("é".repeat(MAX / 2));
    }

    @Test
    void countsTheOutputBudgetInBytesAndStopsTheBuildOnce() {
        RecordingReporter reporter = new RecordingReporter();
        Listener listener = new Listener();
        String line = "€".repeat(10); // 30 bytes, 31 with its newline
        byte[] output = (line + "\n" + line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8);

        new OutputPump(
                        new ByteArrayInputStream(output),
                        dev.crateforge.protocol.message.LogStream.STDERR,
                        reporter,
                        new AtomicLong(62),
                        62,
                        listener)
                .run();

        assertThat(reporter.lines)
                .containsExactly(
                        "stderr: " + line,
                        "stderr: " + line,
                        "builder: output past 62 bytes: the build is stopped (log_limit)");
        assertThat(listener.pieces).containsExactly(line, line, line);
        assertThat(listener.overLimit).containsExactly(62L);
    }

    private static void isWholeUtf8WithinTheLimit(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(MAX);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(piece);
        assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isFalse();
        assertThat(Character.isLowSurrogate(piece.charAt(0))).isFalse();
    }

    private static List<String> pump(String text) {
        RecordingReporter reporter = new RecordingReporter();
        new OutputPump(
                        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                        dev.crateforge.protocol.message.LogStream.STDOUT,
                        reporter,
                        new AtomicLong(Long.MAX_VALUE),
                        Long.MAX_VALUE,
                        new Listener())
                .run();
        return reporter.lines.stream().map(l -> l.substring("stdout: ".length())).toList();
    }

    private static final class Listener implements OutputPump.Listener {
        final List<String> pieces = new java.util.ArrayList<>();
        final List<Long> overLimit = new java.util.ArrayList<>();

        @Override
        public void output(String piece) {
            pieces.add(piece);
        }

        @Override
        public void overLimit(long limit) {
            overLimit.add(limit);
        }
    }
}
