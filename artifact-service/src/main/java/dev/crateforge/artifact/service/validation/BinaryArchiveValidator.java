package dev.crateforge.artifact.service.validation;

import dev.crateforge.artifact.service.BoundedRead;
import dev.crateforge.artifact.service.Deadline;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a {@code binary} artifact against the layout the reference builder packs: a
 * gzip-compressed tar whose entries are regular files at the top level (one executable per binary
 * target of the crate), each name used once. Refused: anything that is not gzip or not tar, an
 * absolute path, a {@code ..}, a path with a directory part, directories, symbolic and hard links,
 * device files and FIFOs, sparse entries, an archive without files, more entries than {@code
 * maxEntries}, more than {@code maxUnpackedBytes} once unpacked (a gzip bomb), and bytes after the
 * compressed stream's end that do not decompress.
 *
 * <p>Streams: entries' contents are skipped through the decompressor, never held, so memory does
 * not grow with the artifact.
 */
public final class BinaryArchiveValidator {

    private final int maxEntries;
    private final long maxUnpackedBytes;

    public BinaryArchiveValidator(int maxEntries, long maxUnpackedBytes) {
        this.maxEntries = maxEntries;
        this.maxUnpackedBytes = maxUnpackedBytes;
    }

    /**
     * @throws InvalidArtifact when the bytes are not such an archive (every IOException here is one
     *     of the formats': a source that can fail to read must throw unchecked, so that its failure
     *     is not taken for an invalid artifact)
     */
    public void check(InputStream gzip) throws InvalidArtifact {
        GZIPInputStream unzipped;
        try {
            unzipped = new GZIPInputStream(gzip, 64 * 1024);
        } catch (IOException e) {
            throw new InvalidArtifact("the binary artifact is not gzip-compressed");
        }
        BoundedRead unpacked = new BoundedRead(unzipped, maxUnpackedBytes, Deadline.NONE);
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(unpacked);
            Set<String> names = new HashSet<>();
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (names.size() == maxEntries) {
                    throw new InvalidArtifact(
                            "the binary artifact has more than " + maxEntries + " entries");
                }
                checkEntry(entry);
                if (!names.add(entry.getName())) {
                    throw new InvalidArtifact(
                            "the binary artifact holds "
                                    + InvalidArtifact.quote(entry.getName())
                                    + " twice");
                }
            }
            if (names.isEmpty()) {
                throw new InvalidArtifact("the binary artifact holds no file");
            }
            // The rest of the compressed stream (the tar's padding) must decompress too, up to
            // the gzip trailer, whose CRC is checked on the way.
            unpacked.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: how commons-compress reports some malformed headers
            throw new InvalidArtifact(describe(e));
        }
    }

    private String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BoundedRead.Cut) {
                return "the binary artifact unpacks to more than " + maxUnpackedBytes + " bytes";
            }
            if (t instanceof ZipException || t instanceof EOFException) {
                return "the binary artifact's compressed stream is broken or cut short";
            }
        }
        return "the binary artifact is not a tar archive"
                + (e.getMessage() == null ? "" : ": " + InvalidArtifact.quote(e.getMessage()));
    }

    private static void checkEntry(TarArchiveEntry entry) throws InvalidArtifact {
        String name = entry.getName();
        String quoted = InvalidArtifact.quote(name);
        if (name.isEmpty()) {
            throw new InvalidArtifact("the binary artifact has an entry without a name");
        }
        if (name.startsWith("/")) {
            throw new InvalidArtifact("entry " + quoted + " has an absolute path");
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..")) {
                throw new InvalidArtifact("entry " + quoted + " climbs out with '..'");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidArtifact(
                        "entry " + quoted + " has a control character in its name");
            }
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw new InvalidArtifact("entry " + quoted + " is a device file");
        }
        if (entry.isFIFO()) {
            throw new InvalidArtifact("entry " + quoted + " is a FIFO");
        }
        if (entry.isSymbolicLink()) {
            throw new InvalidArtifact("entry " + quoted + " is a symbolic link");
        }
        if (entry.isLink()) {
            throw new InvalidArtifact("entry " + quoted + " is a hard link");
        }
        if (entry.isDirectory()) {
            throw new InvalidArtifact(
                    "entry " + quoted + " is a directory; binaries lie at the top level");
        }
        byte type = entry.getLinkFlag();
        if ((type != TarArchiveEntry.LF_NORMAL && type != TarArchiveEntry.LF_OLDNORM)
                || entry.isSparse()) {
            throw new InvalidArtifact("entry " + quoted + " is not a regular file");
        }
        if (name.contains("/") || name.equals(".")) {
            throw new InvalidArtifact(
                    "entry " + quoted + " is not at the top level; binaries lie at the top level");
        }
    }
}
