package dev.crateforge.artifact.rest;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The stable download layout: {@code /dl/{registry}/{name}/{version}/{name}-{version}-{target}.tgz}
 * (the URL a cargo-binstall {@code pkg-url} template renders to), the files beside it (its {@code
 * .sha256} and its build's provenance, {@code .intoto.jsonl} and the rest of {@link
 * ProvenanceFile}), and the per-crate index {@code /dl/{registry}/{name}/index.json}. Every URL of
 * the layout is made here.
 */
final class BinstallLayout {

    static final String ROOT = "/dl";
    static final String ARCHIVE_SUFFIX = ".tgz";
    static final String CHECKSUM_SUFFIX = ".sha256";

    private BinstallLayout() {}

    /**
     * A file of a crate version's directory: the archive of a target, or a file beside it.
     *
     * @param suffix what follows the archive name: empty for the archive, {@value
     *     #CHECKSUM_SUFFIX}, or a {@link ProvenanceFile#archiveSuffix()}
     */
    record RequestedFile(String target, String suffix) {

        boolean archive() {
            return suffix.isEmpty();
        }

        boolean checksum() {
            return suffix.equals(CHECKSUM_SUFFIX);
        }

        /** The provenance file it is; empty for the archive and the checksum. */
        Optional<ProvenanceFile> provenance() {
            return ProvenanceFile.ofArchiveSuffix(suffix);
        }
    }

    /** What may follow the archive name in a file name, longest first (the first match wins). */
    static List<String> suffixes() {
        return Stream.concat(
                        Stream.of("", CHECKSUM_SUFFIX),
                        Arrays.stream(ProvenanceFile.values()).map(ProvenanceFile::archiveSuffix))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** {@code {name}-{version}-{target}.tgz} */
    static String archiveName(String crate, String version, String target) {
        return crate + '-' + version + '-' + target + ARCHIVE_SUFFIX;
    }

    static String archiveUrl(String registry, String crate, String version, String target) {
        return ROOT
                + '/'
                + registry
                + '/'
                + crate
                + '/'
                + version
                + '/'
                + archiveName(crate, version, target);
    }

    static String checksumUrl(String registry, String crate, String version, String target) {
        return archiveUrl(registry, crate, version, target) + CHECKSUM_SUFFIX;
    }

    /** The URL of a provenance file beside the archive. */
    static String provenanceUrl(
            String registry, String crate, String version, String target, ProvenanceFile file) {
        return archiveUrl(registry, crate, version, target) + file.archiveSuffix();
    }

    /**
     * The target and file a file name of a version's directory asks for; empty when the name is not
     * {@code {name}-{version}-{target}.tgz} of this crate and version followed by one of the {@link
     * #suffixes()} (the target part is returned unchecked).
     */
    static Optional<RequestedFile> parse(String crate, String version, String fileName) {
        String prefix = crate + '-' + version + '-';
        if (!fileName.startsWith(prefix)) {
            return Optional.empty();
        }
        for (String suffix : suffixes()) {
            String ending = ARCHIVE_SUFFIX + suffix;
            if (fileName.endsWith(ending)) {
                if (fileName.length() <= prefix.length() + ending.length()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new RequestedFile(
                                fileName.substring(
                                        prefix.length(), fileName.length() - ending.length()),
                                suffix));
            }
        }
        return Optional.empty();
    }

    /** The contents of the checksum file, in {@code sha256sum} format. */
    static String checksumFile(String sha256, String archiveName) {
        return sha256 + "  " + archiveName + "\n";
    }
}
