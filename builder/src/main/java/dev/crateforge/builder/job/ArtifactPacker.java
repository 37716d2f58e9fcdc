package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a crate's release binaries into the {@code binary} artifact, a gzip-compressed tar with one
 * executable per binary target at the top level.
 *
 * <p>Only the crate's own binary targets are packed (named by {@code cargo metadata}), and only
 * when they are regular executable files, so that nothing a build script left in the release
 * directory (a symlink to a host file, say) ends up in the artifact. Entries carry a fixed owner
 * and timestamp, so the same binaries always make the same bytes.
 */
public final class ArtifactPacker {

    private final long maxBytes;

    public ArtifactPacker(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Packs {@code releaseDir/<name>} for each name into {@code output}.
     *
     * @return the names packed, in order
     * @throws JobFailure when a binary is missing or the archive exceeds the artifact limit
     */
    public List<String> pack(Path releaseDir, List<String> binaryNames, Path output)
            throws JobFailure {
        if (binaryNames.isEmpty()) {
            throw new JobFailure(
                    FailureCode.BUILD_FAILED, "the crate has no binary target to pack");
        }
        List<String> packed = new ArrayList<>();
        try (OutputStream file = Files.newOutputStream(output);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String name : binaryNames.stream().sorted().distinct().toList()) {
                Path binary = releaseDir.resolve(name);
                if (!Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)
                        || !Files.isExecutable(binary)) {
                    throw new JobFailure(
                            FailureCode.BUILD_FAILED,
                            "binary '" + name + "' was not produced in the release directory");
                }
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(Files.size(binary));
                entry.setMode(0100755);
                entry.setModTime(0);
                entry.setUserName("root");
                entry.setGroupName("root");
                tar.putArchiveEntry(entry);
                Files.copy(binary, tar);
                tar.closeArchiveEntry();
                packed.add(name);
            }
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot pack binaries: " + JobFailure.describe(e),
                    e);
        }
        try {
            if (Files.size(output) > maxBytes) {
                throw new JobFailure(
                        FailureCode.ARTIFACT_TOO_LARGE,
                        "packed binaries are larger than the artifact limit of "
                                + maxBytes
                                + " bytes");
            }
        } catch (IOException e) {
            throw new JobFailure(
                    FailureCode.INFRASTRUCTURE,
                    "cannot pack binaries: " + JobFailure.describe(e),
                    e);
        }
        return packed;
    }

    /** The entry names of a packed artifact, for the terminal and for tests. */
    public static List<String> list(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
