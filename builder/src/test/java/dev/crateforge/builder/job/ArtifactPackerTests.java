package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactPackerTests {

    private static final long EPOCH = 1_700_000_000L;

    @TempDir Path temp;

    @Test
    void packsTheNamedExecutablesOnly() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        executable(release.resolve("hello"));
        executable(release.resolve("helper"));
        executable(release.resolve("build-script-leftover"));
        Files.writeString(release.resolve("hello.d"), "deps");
        Path out = temp.resolve("binary.tar.gz");

        List<String> packed =
                new ArtifactPacker(1 << 20).pack(release, List.of("helper", "hello"), out, EPOCH);

        assertThat(packed).containsExactly("hello", "helper");
        assertThat(ArtifactPacker.list(out)).containsExactly("hello", "helper");
    }

    @Test
    void samesBinariesMakeTheSameBytes() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        executable(release.resolve("hello"));
        ArtifactPacker packer = new ArtifactPacker(1 << 20);

        packer.pack(release, List.of("hello"), temp.resolve("a.tar.gz"), EPOCH);
        packer.pack(release, List.of("hello"), temp.resolve("b.tar.gz"), EPOCH);

        assertThat(Files.readAllBytes(temp.resolve("a.tar.gz")))
                .isEqualTo(Files.readAllBytes(temp.resolve("b.tar.gz")));
    }

    @Test
    void entriesAndTheGzipHeaderCarryNothingOfThisMachineOrThisMoment() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        executable(release.resolve("zeta"));
        executable(release.resolve("alpha"));
        // group- and world-writable on disk, as a loose umask leaves it
        Files.setPosixFilePermissions(
                release.resolve("alpha"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = temp.resolve("binary.tar.gz");

        new ArtifactPacker(1 << 20).pack(release, List.of("zeta", "alpha"), out, EPOCH);

        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes[3]).as("FLG: no file name, no comment, no extra").isZero();
        assertThat(Arrays.copyOfRange(bytes, 4, 8)).as("MTIME").containsOnly(0);
        assertThat(bytes[9] & 0xff).as("OS").isEqualTo(255);
        List<TarArchiveEntry> entries = ArtifactPacker.entries(out);
        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("alpha", "zeta");
        assertThat(entries)
                .allSatisfy(
                        entry -> {
                            assertThat(entry.getLastModifiedTime().toInstant())
                                    .isEqualTo(Instant.ofEpochSecond(EPOCH));
                            assertThat(entry.getLongUserId()).isZero();
                            assertThat(entry.getLongGroupId()).isZero();
                            assertThat(entry.getUserName()).isEmpty();
                            assertThat(entry.getGroupName()).isEmpty();
                            assertThat(entry.getMode()).isEqualTo(0100755);
                        });
    }

    @Test
    void modesAreNormalisedToExecutableOrNot() throws Exception {
        Path owned = Files.writeString(temp.resolve("owned"), "x");
        Files.setPosixFilePermissions(owned, PosixFilePermissions.fromString("rwx------"));
        Path plain = Files.writeString(temp.resolve("plain"), "x");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThat(ArtifactPacker.normalisedMode(owned)).isEqualTo(0100755);
        assertThat(ArtifactPacker.normalisedMode(plain)).isEqualTo(0100644);
    }

    @Test
    void refusesASymlinkInPlaceOfABinary() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        Files.createSymbolicLink(release.resolve("hello"), Path.of("/bin/sh"));

        assertThatThrownBy(
                        () ->
                                new ArtifactPacker(1 << 20)
                                        .pack(release, List.of("hello"), temp.resolve("o"), EPOCH))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("binary 'hello' was not produced");
    }

    private static void executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho " + file.getFileName() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
