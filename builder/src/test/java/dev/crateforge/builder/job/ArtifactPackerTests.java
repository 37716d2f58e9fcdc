package dev.crateforge.builder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactPackerTests {

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
                new ArtifactPacker(1 << 20).pack(release, List.of("helper", "hello"), out);

        assertThat(packed).containsExactly("hello", "helper");
        assertThat(ArtifactPacker.list(out)).containsExactly("hello", "helper");
    }

    @Test
    void samesBinariesMakeTheSameBytes() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        executable(release.resolve("hello"));
        ArtifactPacker packer = new ArtifactPacker(1 << 20);

        packer.pack(release, List.of("hello"), temp.resolve("a.tar.gz"));
        packer.pack(release, List.of("hello"), temp.resolve("b.tar.gz"));

        assertThat(Files.readAllBytes(temp.resolve("a.tar.gz")))
                .isEqualTo(Files.readAllBytes(temp.resolve("b.tar.gz")));
    }

    @Test
    void refusesASymlinkInPlaceOfABinary() throws Exception {
        Path release = Files.createDirectories(temp.resolve("release"));
        Files.createSymbolicLink(release.resolve("hello"), Path.of("/bin/sh"));

        assertThatThrownBy(
                        () ->
                                new ArtifactPacker(1 << 20)
                                        .pack(release, List.of("hello"), temp.resolve("o")))
                .isInstanceOf(JobFailure.class)
                .hasMessageContaining("binary 'hello' was not produced");
    }

    private static void executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho " + file.getFileName() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
