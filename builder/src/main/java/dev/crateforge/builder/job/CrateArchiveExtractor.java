package dev.crateforge.builder.job;

import dev.crateforge.protocol.contract.FailureCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a {@code .crate} (a gzip-compressed tar) into a directory without trusting a byte of it.
 *
 * <p>The archive comes from the internet, so every entry must stay inside the destination: no
 * absolute names, no {@code ..}, no link whose target leaves the tree, no write through a link that
 * points elsewhere, and caps on the number of entries and the bytes written, so that a tar bomb
 * fails fast instead of filling the disk. Device files and FIFOs are refused.
 */
public final class CrateArchiveExtractor {

    private final long maxBytes;
    private final int maxEntries;

    public CrateArchiveExtractor(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /**
     * What an extraction found: the number of entries and the newest modification time among them,
     * which fixes the job's {@code SOURCE_DATE_EPOCH}.
     */
    public record Extracted(int entries, long newestModifiedSeconds) {

        /** 1980-01-01T00:00:00Z: ZIP, which some build scripts write, has no earlier time. */
        public static final long EARLIEST_EPOCH = 315_532_800L;

        /**
         * The {@code SOURCE_DATE_EPOCH} of a build of these sources: the newest entry's time, never
         * before {@link #EARLIEST_EPOCH}. Taken from the archive, whose bytes the job fixes by
         * their SHA-256, so every builder derives the same value, and a build script that stamps a
         * date stamps the crate's own.
         */
        public long sourceDateEpoch() {
            return Math.max(newestModifiedSeconds, EARLIEST_EPOCH);
        }
    }

    /** Extracts {@code archive} into {@code destination} (created if missing). */
    public Extracted extract(Path archive, Path destination) throws JobFailure {
        try {
            Files.createDirectories(destination);
            Path root = destination.toRealPath();
            try (InputStream file = Files.newInputStream(archive);
                    InputStream gzip = new GZIPInputStream(new BufferedInputStream(file), 65536);
                    TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
                return extract(tar, root);
            }
        } catch (IOException e) {
            throw new JobFailure(
                    writeFault(e) ? FailureCode.INFRASTRUCTURE : FailureCode.SOURCE_MISMATCH,
                    "cannot extract source: " + JobFailure.describe(e),
                    e);
        }
    }

    /**
     * True for a fault of this machine (full disk, permissions), false for bytes that are not a
     * gzip-compressed tar: the archive's hash was verified, so a read error is the archive's.
     */
    private static boolean writeFault(IOException e) {
        String message = String.valueOf(e.getMessage());
        return e instanceof java.nio.file.FileSystemException
                || message.contains("No space left")
                || message.contains("Disk quota exceeded");
    }

    private Extracted extract(TarArchiveInputStream tar, Path root) throws IOException, JobFailure {
        int entries = 0;
        long written = 0;
        long newest = 0;
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (++entries > maxEntries) {
                throw tooBig("it has more than " + maxEntries + " entries");
            }
            if (entry.getLastModifiedTime() != null) {
                newest = Math.max(newest, entry.getLastModifiedTime().to(TimeUnit.SECONDS));
            }
            String name = entry.getName();
            Path target = inside(root, name);
            if (entry.isDirectory()) {
                Files.createDirectories(target);
                requireInside(root, target.toRealPath(), name);
            } else if (entry.isSymbolicLink()) {
                createSymlink(root, target, entry.getLinkName(), name);
            } else if (entry.isLink()) {
                Path source = inside(root, entry.getLinkName());
                if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw refused("hard link '" + name + "' does not point to an extracted file");
                }
                written += Files.size(source);
                checkSize(written);
                createParent(root, target, name);
                Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
            } else if (entry.isFile()) {
                createParent(root, target, name);
                written = copy(tar, target, written, name);
                if ((entry.getMode() & 0100) != 0) {
                    makeExecutable(target);
                }
            } else {
                throw refused("entry '" + name + "' is not a file, directory or link");
            }
        }
        return new Extracted(entries, newest);
    }

    private long copy(InputStream in, Path target, long written, String name)
            throws IOException, JobFailure {
        try (OutputStream out =
                Files.newOutputStream(
                        target,
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                checkSize(written);
                out.write(buffer, 0, n);
            }
        } catch (FileAlreadyExistsException e) {
            throw refused("entry '" + name + "' appears twice");
        }
        return written;
    }

    private void createSymlink(Path root, Path link, String linkName, String name)
            throws IOException, JobFailure {
        if (linkName == null || linkName.isEmpty() || linkName.startsWith("/")) {
            throw refused("symbolic link '" + name + "' points outside the crate");
        }
        Path resolved = link.getParent().resolve(linkName).normalize();
        if (!resolved.startsWith(root)) {
            throw refused("symbolic link '" + name + "' points outside the crate");
        }
        createParent(root, link, name);
        try {
            Files.createSymbolicLink(link, Path.of(linkName));
        } catch (FileAlreadyExistsException e) {
            throw refused("entry '" + name + "' appears twice");
        }
    }

    /** Creates the parent directory and checks that, links resolved, it is still inside. */
    private static void createParent(Path root, Path target, String name)
            throws IOException, JobFailure {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        requireInside(root, parent.toRealPath(), name);
    }

    private static Path inside(Path root, String name) throws JobFailure {
        if (name == null
                || name.isEmpty()
                || name.indexOf('\0') >= 0
                || name.startsWith("/")
                || name.startsWith("\\")
                || name.matches("^[A-Za-z]:.*")) {
            throw refused("entry '" + printable(name) + "' has an absolute or empty path");
        }
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw refused("entry '" + printable(name) + "' has a '..' path segment");
            }
        }
        Path target = root.resolve(name).normalize();
        requireInside(root, target, name);
        return target;
    }

    private static void requireInside(Path root, Path path, String name) throws JobFailure {
        if (!path.startsWith(root)) {
            throw refused("entry '" + printable(name) + "' leads outside the crate");
        }
    }

    private void checkSize(long written) throws JobFailure {
        if (written > maxBytes) {
            throw tooBig("it expands to more than " + maxBytes + " bytes");
        }
    }

    private static void makeExecutable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // a non-POSIX work dir; cargo does not rely on source files being executable
        }
    }

    /** An archive that is not a well-formed crate: the submission's fault. */
    private static JobFailure refused(String why) {
        return new JobFailure(FailureCode.SOURCE_MISMATCH, "source archive refused: " + why);
    }

    /** An archive past this builder's limits: the crate's fault, like any other disk limit. */
    private static JobFailure tooBig(String why) {
        return new JobFailure(FailureCode.DISK_LIMIT, "source archive refused: " + why);
    }

    private static String printable(String name) {
        if (name == null) {
            return "";
        }
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
