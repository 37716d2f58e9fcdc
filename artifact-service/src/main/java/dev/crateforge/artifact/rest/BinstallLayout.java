package dev.crateforge.artifact.rest;

import java.util.Optional;

/**
 * The stable download layout: {@code /dl/{registry}/{name}/{version}/{name}-{version}-{target}.tgz}
 * and its {@code .sha256}, the URL a cargo-binstall {@code pkg-url} template renders to, and the
 * per-crate index {@code /dl/{registry}/{name}/index.json}. Every URL of the layout is made here.
 */
final class BinstallLayout {

    static final String ROOT = "/dl";
    static final String ARCHIVE_SUFFIX = ".tgz";
    static final String CHECKSUM_SUFFIX = ".sha256";

    private BinstallLayout() {}

    /** A file of a crate version's directory: the archive of a target, or its checksum. */
    record RequestedFile(String target, boolean checksum) {}

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

    /**
     * The target and file type a file name of a version's directory asks for; empty when the name
     * is not {@code {name}-{version}-{target}.tgz[.sha256]} of this crate and version (the target
     * part is returned unchecked).
     */
    static Optional<RequestedFile> parse(String crate, String version, String fileName) {
        String prefix = crate + '-' + version + '-';
        boolean checksum = fileName.endsWith(ARCHIVE_SUFFIX + CHECKSUM_SUFFIX);
        String suffix = checksum ? ARCHIVE_SUFFIX + CHECKSUM_SUFFIX : ARCHIVE_SUFFIX;
        if (!fileName.startsWith(prefix)
                || !fileName.endsWith(suffix)
                || fileName.length() <= prefix.length() + suffix.length()) {
            return Optional.empty();
        }
        return Optional.of(
                new RequestedFile(
                        fileName.substring(prefix.length(), fileName.length() - suffix.length()),
                        checksum));
    }

    /** The contents of the checksum file, in {@code sha256sum} format. */
    static String checksumFile(String sha256, String archiveName) {
        return sha256 + "  " + archiveName + "\n";
    }
}
