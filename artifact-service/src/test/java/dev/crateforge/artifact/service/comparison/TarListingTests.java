package dev.crateforge.artifact.service.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.artifact.TestArtifacts;
import dev.crateforge.artifact.TestJobs;
import dev.crateforge.artifact.service.Deadline;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

/** Listing an archive only reads it, within its bounds, whatever its entries are called. */
class TarListingTests {

    private static final long MANY_BYTES = 1 << 20;
    private static final Deadline LATER = Deadline.in(Duration.ofMinutes(1));

    private static TarListing list(byte[] archive, int maxEntries, long maxBytes) {
        return TarListing.read(new ByteArrayInputStream(archive), maxEntries, maxBytes, LATER);
    }

    @Test
    void listsEveryEntryWithItsSizeAndDigest() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("demo", "hello".getBytes(StandardCharsets.UTF_8));
        files.put("demo-helper", TestJobs.randomBytes(70_000));
        TarListing listing = list(TestArtifacts.binary(files), 10, MANY_BYTES);

        assertThat(listing.cut()).isNull();
        assertThat(listing.entries())
                .containsExactly(
                        new TarListing.Entry(
                                "demo",
                                "file",
                                5,
                                TestJobs.sha256("hello".getBytes(StandardCharsets.UTF_8))),
                        new TarListing.Entry(
                                "demo-helper",
                                "file",
                                70_000,
                                TestJobs.sha256(files.get("demo-helper"))));
    }

    @Test
    void hostileNamesAndLinksAreOnlyListed() {
        byte[] archive =
                TestArtifacts.tarGzWithEntry(
                        "../../etc/passwd", TarArchiveEntry.LF_SYMLINK, "/etc");
        TarListing listing = list(archive, 10, MANY_BYTES);

        assertThat(listing.entries())
                .containsExactly(new TarListing.Entry("../../etc/passwd", "symlink", 0, null));
    }

    @Test
    void stopsAtTheEntryBound() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            files.put("bin" + i, new byte[] {(byte) i});
        }
        TarListing listing = list(TestArtifacts.binary(files), 3, MANY_BYTES);

        assertThat(listing.entries()).hasSize(3);
        assertThat(listing.cut()).isEqualTo("more than 3 entries");
    }

    @Test
    void stopsAtTheByteBoundOfAGzipBomb() {
        byte[] bomb = TestArtifacts.binary(Map.of("zeros", new byte[4 << 20]));
        assertThat(bomb.length).isLessThan(64 * 1024);
        TarListing listing = list(bomb, 10, MANY_BYTES);

        assertThat(listing.entries()).isEmpty();
        assertThat(listing.cut()).isEqualTo("more than " + MANY_BYTES + " bytes to read");
    }

    @Test
    void stopsAtTheDeadline() {
        TarListing listing =
                TarListing.read(
                        new ByteArrayInputStream(TestArtifacts.binary(100)),
                        10,
                        MANY_BYTES,
                        Deadline.in(Duration.ZERO));

        assertThat(listing.cut()).isEqualTo("the comparison ran out of time");
    }

    @Test
    void sayWhenTheBytesAreNoArchive() {
        TarListing listing = list("not gzip".getBytes(StandardCharsets.US_ASCII), 10, MANY_BYTES);

        assertThat(listing.entries()).isEmpty();
        assertThat(listing.cut()).isEqualTo("not a readable tar.gz");
    }
}
