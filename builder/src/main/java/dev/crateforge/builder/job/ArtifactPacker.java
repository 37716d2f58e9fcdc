package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Packs a crate's release binaries into the {@code binary} artifact, a gzip-compressed tar with one
 * executable per binary target at the top level.
 *
 * <p>Only the crate's own binary targets are packed (named by {@code cargo metadata}), and only
 * when they are regular executable files, so that nothing a build script left in the release
 * directory (a symlink to a host file, say) ends up in the artifact.
 *
 * <p>The archive is deterministic, so that two builders that compiled the same bytes upload the
 * same digest: entries sorted by name, modification time the job's {@code SOURCE_DATE_EPOCH}, owner
 * 0:0 without user or group names, modes normalised (0755 for executables and directories, 0644
 * otherwise) and a gzip header without time or file name and with the OS byte "unknown".
 */
public final class ArtifactPacker {

    private final long maxBytes;

    public ArtifactPacker(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** RFC 1952's "unknown" operating system: the same on every builder. */
    static final int GZIP_OS_UNKNOWN = 255;

    /** zlib's default level, fixed so that a change of default elsewhere cannot change bytes. */
    static final int GZIP_LEVEL = 6;

    /**
     * Packs {@code releaseDir/<name>} for each name into {@code output}.
     *
     * @param sourceDateEpoch the modification time of every entry, in seconds
     * @return the names packed, in order
     * @throws JobFailure when a binary is missing or the archive exceeds the artifact limit
     */
    public List<String> pack(
            Path releaseDir, List<String> binaryNames, Path output, long sourceDateEpoch)
            throws JobFailure {
        if (binaryNames.isEmpty()) {
            throw new JobFailure(
                    FailureCode.BUILD_FAILED, "the crate has no binary target to pack");
        }
        List<String> packed = new ArrayList<>();
        try (OutputStream file = Files.newOutputStream(output);
                GzipCompressorOutputStream gzip =
                        new GzipCompressorOutputStream(file, gzipParameters());
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
                entry.setMode(normalisedMode(binary));
                entry.setModTime(FileTime.from(sourceDateEpoch, TimeUnit.SECONDS));
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
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

    /** A regular file's tar mode: 0755 when its owner may execute it, else 0644. */
    static int normalisedMode(Path file) throws IOException {
        boolean executable =
                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                        .contains(PosixFilePermission.OWNER_EXECUTE);
        return TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | (executable ? 0755 : 0644);
    }

    private static GzipParameters gzipParameters() {
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(GZIP_LEVEL);
        parameters.setModificationTime(0);
        parameters.setFileName(null);
        parameters.setComment(null);
        parameters.setOperatingSystem(GZIP_OS_UNKNOWN);
        return parameters;
    }

    /** The entry names of a packed artifact, for the terminal and for tests. */
    public static List<String> list(Path archive) throws IOException {
        return entries(archive).stream().map(TarArchiveEntry::getName).toList();
    }

    /** The entries (headers) of a packed artifact, in order. */
    static List<TarArchiveEntry> entries(Path archive) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
