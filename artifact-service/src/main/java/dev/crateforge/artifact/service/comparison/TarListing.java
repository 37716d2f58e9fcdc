package dev.crateforge.artifact.service.comparison;

import dev.crateforge.artifact.service.BoundedRead;
import dev.crateforge.artifact.service.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The entries of a gzip-compressed tar with each one's type, size and SHA-256, read as a stream:
 * nothing is extracted, and an entry's name is only ever a string in the listing, never a path on
 * this machine. Reading stops at {@code maxEntries} entries or when the bounded source stops it;
 * what was read until then is kept, with the reason it stopped.
 *
 * @param entries in archive order
 * @param cut why the listing stopped early, or null when it is whole
 */
public record TarListing(List<Entry> entries, String cut) {

    /**
     * One entry.
     *
     * @param type {@code file}, {@code directory}, {@code symlink}, {@code hardlink} or {@code
     *     other}
     * @param sha256 of the contents of a {@code file}; null for other types
     */
    public record Entry(String name, String type, long size, String sha256) {}

    /** Lists an archive of at most {@code maxBytes} unpacked bytes, stopping at the deadline. */
    static TarListing read(InputStream gzip, int maxEntries, long maxBytes, Deadline deadline) {
        List<Entry> entries = new ArrayList<>();
        try (GZIPInputStream unzipped = new GZIPInputStream(gzip, 64 * 1024);
                TarArchiveInputStream tar =
                        new TarArchiveInputStream(new BoundedRead(unzipped, maxBytes, deadline))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entries.size() == maxEntries) {
                    return new TarListing(entries, "more than " + maxEntries + " entries");
                }
                entries.add(entry(entry, tar));
            }
            return new TarListing(entries, null);
        } catch (BoundedRead.Cut e) {
            return new TarListing(entries, e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: how commons-compress reports some malformed headers
            return new TarListing(entries, "not a readable tar.gz");
        }
    }

    private static Entry entry(TarArchiveEntry entry, InputStream contents) throws IOException {
        String type = type(entry);
        if (!type.equals("file")) {
            return new Entry(entry.getName(), type, entry.getSize(), null);
        }
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        int n;
        while ((n = contents.read(buffer)) >= 0) {
            sha256.update(buffer, 0, n);
            size += n;
        }
        return new Entry(entry.getName(), type, size, HexFormat.of().formatHex(sha256.digest()));
    }

    private static String type(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return "symlink";
        }
        if (entry.isLink()) {
            return "hardlink";
        }
        if (entry.isDirectory()) {
            return "directory";
        }
        return entry.isFile() && !entry.isSparse() ? "file" : "other";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
