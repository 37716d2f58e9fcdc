package dev.crateforge.builder.config;

import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/** Reads the builder's SSH private key, with errors an operator can act on. */
public final class KeyFiles {

    /** An OpenSSH private key is a few KiB at most; anything larger is not a key. */
    private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private KeyFiles() {}

    /**
     * Reads and parses an unencrypted OpenSSH private key.
     *
     * @throws IllegalArgumentException with a message that starts with "cannot read key:"
     */
    public static SshPrivateKey load(Path file) {
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException(
                        "cannot read key: " + file + " is too large to be an SSH private key");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return SshPrivateKey.parse(text);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read key: " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read key: " + file + ": " + e.getMessage(), e);
        } catch (SshFormatException e) {
            throw new IllegalArgumentException("cannot read key: " + e.getMessage(), e);
        }
    }

    /** A warning when others may read the key, as ssh itself would complain; empty if fine. */
    public static Optional<String> permissionWarning(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ)
                    || perms.contains(PosixFilePermission.OTHERS_READ)) {
                return Optional.of(
                        "key file " + file + " is readable by other users; chmod 600 it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        return Optional.empty();
    }
}
