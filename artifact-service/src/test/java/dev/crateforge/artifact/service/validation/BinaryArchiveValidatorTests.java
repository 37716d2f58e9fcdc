package dev.crateforge.artifact.service.validation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.artifact.TestArtifacts;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class BinaryArchiveValidatorTests {

    private final BinaryArchiveValidator validator = new BinaryArchiveValidator(3, 1 << 20);

    private void check(byte[] archive) throws InvalidArtifact {
        validator.check(new ByteArrayInputStream(archive));
    }

    @Test
    void acceptsTheBuildersLayout() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("demo", new byte[] {1, 2, 3});
        files.put(
                "demo-helper-with-a-name-longer-than-one-hundred-characters-" + "x".repeat(60),
                new byte[10]);
        assertThatCode(() -> check(TestArtifacts.binary(files))).doesNotThrowAnyException();
    }

    @Test
    void refusesWhatIsNotAGzippedTar() {
        assertThatThrownBy(() -> check("just text".getBytes()))
                .isInstanceOf(InvalidArtifact.class)
                .hasMessage("the binary artifact is not gzip-compressed");
        assertThatThrownBy(() -> check(new byte[0]))
                .hasMessage("the binary artifact is not gzip-compressed");
        assertThatThrownBy(() -> check(TestArtifacts.tarGz(tar -> {})))
                .hasMessage("the binary artifact holds no file");
        byte[] whole = TestArtifacts.binary(10_000);
        assertThatThrownBy(() -> check(Arrays.copyOf(whole, whole.length / 2)))
                .hasMessage("the binary artifact's compressed stream is broken or cut short");
    }

    @Test
    void refusesEntriesOutsideTheTopLevelOrNotRegularFiles() {
        assertThatThrownBy(() -> check(entry("/etc/passwd", TarConstants.LF_NORMAL, null)))
                .hasMessage("entry '/etc/passwd' has an absolute path");
        assertThatThrownBy(() -> check(entry("../escape", TarConstants.LF_NORMAL, null)))
                .hasMessage("entry '../escape' climbs out with '..'");
        assertThatThrownBy(() -> check(entry("bin/demo", TarConstants.LF_NORMAL, null)))
                .hasMessageStartingWith("entry 'bin/demo' is not at the top level");
        assertThatThrownBy(() -> check(entry("bin/", TarConstants.LF_DIR, null)))
                .hasMessageStartingWith("entry 'bin/' is a directory");
        assertThatThrownBy(() -> check(entry("demo", TarConstants.LF_SYMLINK, "/etc/passwd")))
                .hasMessage("entry 'demo' is a symbolic link");
        assertThatThrownBy(() -> check(entry("demo", TarConstants.LF_LINK, "other")))
                .hasMessage("entry 'demo' is a hard link");
        assertThatThrownBy(() -> check(entry("tty", TarConstants.LF_CHR, null)))
                .hasMessage("entry 'tty' is a device file");
        assertThatThrownBy(() -> check(entry("disk", TarConstants.LF_BLK, null)))
                .hasMessage("entry 'disk' is a device file");
        assertThatThrownBy(() -> check(entry("pipe", TarConstants.LF_FIFO, null)))
                .hasMessage("entry 'pipe' is a FIFO");
        assertThatThrownBy(() -> check(entry("bad\nname", TarConstants.LF_NORMAL, null)))
                .hasMessage("entry 'bad\\x0aname' has a control character in its name");
    }

    @Test
    void refusesTheSameNameTwiceAndTooManyEntries() {
        byte[] twice =
                TestArtifacts.tarGz(
                        tar -> {
                            for (int i = 0; i < 2; i++) {
                                TarArchiveEntry e = new TarArchiveEntry("demo");
                                e.setSize(1);
                                tar.putArchiveEntry(e);
                                tar.write(1);
                                tar.closeArchiveEntry();
                            }
                        });
        assertThatThrownBy(() -> check(twice)).hasMessage("the binary artifact holds 'demo' twice");
        Map<String, byte[]> four = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            four.put("bin" + i, new byte[1]);
        }
        assertThatThrownBy(() -> check(TestArtifacts.binary(four)))
                .hasMessage("the binary artifact has more than 3 entries");
    }

    @Test
    void ignoresBytesAfterTheArchiveUnlessTheyStartABrokenGzipMember() {
        byte[] archive = TestArtifacts.binary(10_000);
        // What follows the gzip trailer is read as a further member only when it starts with a
        // gzip header (java.util.zip): anything else ends the stream and is not looked at.
        assertThatCode(() -> check(concat(archive, "trailing text".getBytes())))
                .doesNotThrowAnyException();
        assertThatCode(() -> check(concat(archive, archive))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(concat(archive, Arrays.copyOf(archive, 100))))
                .hasMessage("the binary artifact's compressed stream is broken or cut short");
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Test
    void refusesAnArchiveThatUnpacksBeyondTheLimit() {
        // 2 MiB of zeros compress to a few KiB: a small gzip bomb for a 1 MiB limit.
        assertThatThrownBy(() -> check(TestArtifacts.binary(Map.of("bomb", new byte[2 << 20]))))
                .hasMessage("the binary artifact unpacks to more than 1048576 bytes");
    }

    private static byte[] entry(String name, byte type, String link) {
        return TestArtifacts.tarGzWithEntry(name, type, link);
    }
}
