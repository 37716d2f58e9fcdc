package dev.crateforge.scheduler.intake;

import java.util.Locale;

/**
 * The {@code dl} value of a registry's {@code config.json}, turned into the download URL of one
 * version as cargo does: the markers {@code {crate}}, {@code {version}}, {@code {prefix}}, {@code
 * {lowerprefix}} and {@code {sha256-checksum}} are replaced; a template without any marker gets
 * {@code /{crate}/{version}/download} appended.
 */
public record DownloadUrlTemplate(String template) {

    private static final String[] MARKERS = {
        "{crate}", "{version}", "{prefix}", "{lowerprefix}", "{sha256-checksum}"
    };

    public DownloadUrlTemplate {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("the dl template is empty");
        }
    }

    /** The download URL of {@code crate}@{@code version} whose file has SHA-256 {@code cksum}. */
    public String resolve(String crate, String version, String cksum) {
        boolean hasMarker = false;
        for (String marker : MARKERS) {
            hasMarker |= template.contains(marker);
        }
        if (!hasMarker) {
            return template + "/" + crate + "/" + version + "/download";
        }
        return template.replace("{crate}", crate)
                .replace("{version}", version)
                .replace("{prefix}", prefix(crate))
                .replace("{lowerprefix}", prefix(crate.toLowerCase(Locale.ROOT)))
                .replace("{sha256-checksum}", cksum);
    }

    /**
     * Cargo's directory prefix of a crate name: {@code 1}, {@code 2}, {@code 3/a}, {@code se/rd}.
     */
    static String prefix(String crate) {
        return switch (crate.length()) {
            case 1 -> "1";
            case 2 -> "2";
            case 3 -> "3/" + crate.charAt(0);
            default -> crate.substring(0, 2) + "/" + crate.substring(2, 4);
        };
    }
}
