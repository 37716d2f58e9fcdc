package dev.crateforge.protocol.job;

import java.util.regex.Pattern;

/**
 * The rules for the names a job is made of, in one place so that the scheduler's API, the builder
 * and the artifact service accept exactly the same things.
 */
public final class Naming {

    /**
     * A crate name as crates.io accepts it: an ASCII letter, then letters, digits, {@code -} or
     * {@code _}, at most 64 characters.
     */
    public static final Pattern CRATE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /** A Semantic Versioning 2.0 version, as Cargo requires for a published crate. */
    public static final Pattern VERSION =
            Pattern.compile(
                    "(0|[1-9]\\d{0,9})\\.(0|[1-9]\\d{0,9})\\.(0|[1-9]\\d{0,9})"
                            + "(-(0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)"
                            + "(\\.(0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*))*)?"
                            + "(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");

    /** A target triple such as {@code x86_64-unknown-linux-gnu}. */
    public static final Pattern TARGET =
            Pattern.compile("[a-z0-9_.]{1,32}(-[a-z0-9_.]{1,32}){1,4}");

    /** A SHA-256 digest as 64 lowercase hexadecimal digits. */
    public static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /** The longest version string accepted. */
    public static final int MAX_VERSION_LENGTH = 128;

    private Naming() {}

    public static boolean isCrateName(String name) {
        return name != null && CRATE_NAME.matcher(name).matches();
    }

    public static boolean isVersion(String version) {
        return version != null
                && version.length() <= MAX_VERSION_LENGTH
                && VERSION.matcher(version).matches();
    }

    public static boolean isTarget(String target) {
        return target != null && target.length() <= 100 && TARGET.matcher(target).matches();
    }

    public static boolean isSha256Hex(String digest) {
        return digest != null && SHA256_HEX.matcher(digest).matches();
    }
}
