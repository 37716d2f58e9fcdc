package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.builder.support.TarBuilder;
import dev.crateforge.protocol.contract.FailureCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrateArchiveExtractorTests {

    private static final long MAX_BYTES = 1024 * 1024;
    private static final int MAX_ENTRIES = 100;

    @TempDir Path temp;

    private final CrateArchiveExtractor extractor =
            new CrateArchiveExtractor(MAX_BYTES, MAX_ENTRIES);

    @Test
    void extractsFilesDirectoriesAndInnerLinks() throws Exception {
        Path archive =
                new TarBuilder()
                        .file("demo-1.0.0/Cargo.toml", "[package]\n")
                        .file("demo-1.0.0/src/main.rs", "fn main() {}\n")
                        .file("demo-1.0.0/run.sh", "#!/bin/sh\n".getBytes(), 0755)
                        .symlink("demo-1.0.0/README", "src/main.rs")
                        .hardlink("demo-1.0.0/copy.rs", "demo-1.0.0/src/main.rs")
                        .writeTo(temp.resolve("a.crate"));
        Path out = temp.resolve("out");

        CrateArchiveExtractor.Extracted extracted = extractor.extract(archive, out);

        assertThat(extracted.entries()).isEqualTo(5);
        assertThat(out.resolve("demo-1.0.0/src/main.rs")).hasContent("fn main() {}");
        assertThat(out.resolve("demo-1.0.0/copy.rs")).hasContent("fn main() {}");
        assertThat(Files.isSymbolicLink(out.resolve("demo-1.0.0/README"))).isTrue();
        assertThat(Files.isExecutable(out.resolve("demo-1.0.0/run.sh"))).isTrue();
    }

    @Test
    void theSourceDateEpochIsTheNewestEntrysTime() throws Exception {
        Path archive =
                new TarBuilder()
                        .modified(Instant.parse("2024-03-01T10:00:00Z"))
                        .file("demo-1.0.0/Cargo.toml", "[package]\n")
                        .modified(Instant.parse("2024-05-02T12:30:00Z"))
                        .file("demo-1.0.0/src/main.rs", "fn main() {}\n")
                        .modified(Instant.parse("2023-01-01T00:00:00Z"))
                        .file("demo-1.0.0/README", "old\n")
                        .writeTo(temp.resolve("a.crate"));

        CrateArchiveExtractor.Extracted extracted = extractor.extract(archive, temp.resolve("o"));

        assertThat(extracted.sourceDateEpoch())
                .isEqualTo(Instant.parse("2024-05-02T12:30:00Z").getEpochSecond());
    }

    @Test
    void anArchiveDatedBefore1980BuildsAsOf1980() throws Exception {
        Path archive =
                new TarBuilder()
                        .modified(Instant.EPOCH)
                        .file("demo-1.0.0/Cargo.toml", "[package]\n")
                        .writeTo(temp.resolve("a.crate"));

        CrateArchiveExtractor.Extracted extracted = extractor.extract(archive, temp.resolve("o"));

        assertThat(extracted.newestModifiedSeconds()).isZero();
        assertThat(extracted.sourceDateEpoch())
                .isEqualTo(Instant.parse("1980-01-01T00:00:00Z").getEpochSecond());
    }

    @Test
    void refusesParentDirectorySegments() throws Exception {
        Path archive =
                new TarBuilder()
                        .file("demo-1.0.0/../../escaped.txt", "pwned")
                        .writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("'..'")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.SOURCE_MISMATCH));
        assertThat(temp.resolve("escaped.txt")).doesNotExist();
        assertThat(temp.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void refusesAbsolutePaths() throws Exception {
        Path target = temp.resolve("absolute.txt");
        Path archive =
                new TarBuilder().file(target.toString(), "pwned").writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("absolute");
        assertThat(target).doesNotExist();
    }

    @Test
    void refusesSymlinkPointingOutside() throws Exception {
        Path archive =
                new TarBuilder()
                        .symlink("demo-1.0.0/etc", "../../../../etc")
                        .writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("points outside");
    }

    @Test
    void refusesAbsoluteSymlink() throws Exception {
        Path archive =
                new TarBuilder()
                        .symlink("demo-1.0.0/passwd", "/etc/passwd")
                        .writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("points outside");
    }

    @Test
    void refusesWritingThroughSymlinkedDirectory() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path out = Files.createDirectories(temp.resolve("out"));
        // a link that already exists in the destination and points out must not be written through
        Files.createSymbolicLink(out.resolve("demo-1.0.0"), outside);
        Path archive =
                new TarBuilder()
                        .file("demo-1.0.0/evil.txt", "pwned")
                        .writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, out))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("outside");
        assertThat(outside.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void refusesHardlinkToFileOutside() throws Exception {
        Path archive =
                new TarBuilder()
                        .hardlink("demo-1.0.0/passwd", "../../etc/passwd")
                        .writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("'..'");
    }

    @Test
    void refusesTooManyEntries() throws Exception {
        TarBuilder tar = new TarBuilder();
        for (int i = 0; i <= MAX_ENTRIES; i++) {
            tar.file("demo-1.0.0/f" + i, "x");
        }
        Path archive = tar.writeTo(temp.resolve("a.crate"));

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("more than " + MAX_ENTRIES + " entries")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.DISK_LIMIT));
    }

    @Test
    void refusesArchiveThatExpandsBeyondTheCap() throws Exception {
        // highly compressible: small on the wire, over the cap once extracted
        Path archive =
                new TarBuilder()
                        .file("demo-1.0.0/zeros", new byte[(int) MAX_BYTES + 1], 0644)
                        .writeTo(temp.resolve("a.crate"));
        assertThat(Files.size(archive)).isLessThan(MAX_BYTES / 10);

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("expands to more than")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.DISK_LIMIT));
    }

    @Test
    void refusesDataThatIsNotGzip() throws Exception {
        Path archive = Files.writeString(temp.resolve("a.crate"), "not a tarball");

        assertThatThrownBy(() -> extractor.extract(archive, temp.resolve("out")))
                .isInstanceOf(JobFailure.class)
                .hasMessageStartingWith("cannot extract source")
                .satisfies(e -> assertThat(code(e)).isEqualTo(FailureCode.SOURCE_MISMATCH));
    }

    private static FailureCode code(Throwable failure) {
        return ((JobFailure) failure).code();
    }
}
