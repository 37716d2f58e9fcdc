package dev.crateforge.artifact;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Artifacts as the reference builder makes them (and broken ones): {@code cargo metadata
 * --format-version 1 --no-deps} output with its paths made relative, and a gzip-compressed tar of
 * executables at the top level.
 */
public final class TestArtifacts {

    private TestArtifacts() {}

    /** The metadata the builder uploads for a crate's version. */
    public static byte[] metadata(String crate, String version) {
        return metadata(crate, version, "");
    }

    /**
     * The metadata of a crate's version, with {@code extra} (a JSON member list without braces, or
     * empty) added at the top level, so that two different but valid documents can be made.
     */
    public static byte[] metadata(String crate, String version, String extra) {
        String json =
                "{\"packages\":[{\"name\":\""
                        + crate
                        + "\",\"version\":\""
                        + version
                        + "\",\"id\":\"path+file:///.#"
                        + crate
                        + "@"
                        + version
                        + "\",\"license\":null,\"dependencies\":[],\"targets\":[{\"kind\":[\"bin\"],"
                        + "\"crate_types\":[\"bin\"],\"name\":\""
                        + crate
                        + "\",\"src_path\":\"src/main.rs\",\"edition\":\"2021\"}],"
                        + "\"features\":{},\"manifest_path\":\"Cargo.toml\",\"metadata\":null}],"
                        + "\"workspace_members\":[\"path+file:///.#"
                        + crate
                        + "@"
                        + version
                        + "\"],\"resolve\":null,\"target_directory\":\"../target\","
                        + "\"version\":1,\"workspace_root\":\".\",\"metadata\":null"
                        + (extra.isEmpty() ? "" : "," + extra)
                        + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** The metadata of a crate's version padded with trailing spaces to exactly {@code size}. */
    public static byte[] metadataOfSize(String crate, String version, int size) {
        byte[] json = metadata(crate, version);
        byte[] padded = new byte[size];
        System.arraycopy(json, 0, padded, 0, json.length);
        java.util.Arrays.fill(padded, json.length, size, (byte) ' ');
        return padded;
    }

    /** A binary artifact with one executable per entry of {@code files} (name to contents). */
    public static byte[] binary(Map<String, byte[]> files) {
        return tarGz(
                tar -> {
                    for (Map.Entry<String, byte[]> file : files.entrySet()) {
                        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                        entry.setSize(file.getValue().length);
                        entry.setMode(0100755);
                        entry.setModTime(0);
                        tar.putArchiveEntry(entry);
                        tar.write(file.getValue());
                        tar.closeArchiveEntry();
                    }
                });
    }

    /** A binary artifact holding one executable of {@code size} random bytes. */
    public static byte[] binary(int size) {
        return binary(Map.of("demo", TestJobs.randomBytes(size)));
    }

    /** Writes a tar through gzip. */
    public interface TarWriter {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    /** A gzip-compressed tar with whatever {@code writer} puts into it. */
    public static byte[] tarGz(TarWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A tar with one entry of the given type (and no contents), for the hostile cases. */
    public static byte[] tarGzWithEntry(String name, byte linkFlag, String linkName) {
        return tarGz(
                tar -> {
                    TarArchiveEntry entry = new TarArchiveEntry(name, linkFlag, true);
                    if (linkName != null) {
                        entry.setLinkName(linkName);
                    }
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                });
    }
}
