package dev.crateforge.protocol.ssh;

/**
 * The SSH key types CrateForge accepts, by their OpenSSH wire names.
 *
 * <p>The list is deliberately closed (see DESIGN.md, "Security rules"): DSA, certificates,
 * security-key ({@code sk-*}) keys and anything unknown are refused by {@link #fromWireName} with a
 * message that says which rule applies, so a user knows which key to use instead.
 */
public enum SshKeyType {
    ED25519("ssh-ed25519", null, 0),
    ECDSA_NISTP256("ecdsa-sha2-nistp256", "nistp256", 32),
    ECDSA_NISTP384("ecdsa-sha2-nistp384", "nistp384", 48),
    ECDSA_NISTP521("ecdsa-sha2-nistp521", "nistp521", 66),
    RSA("ssh-rsa", null, 0);

    /** Smallest RSA modulus we accept; smaller keys are refused, not merely warned about. */
    public static final int MIN_RSA_BITS = 2048;

    /** Largest RSA modulus we accept (OpenSSH's own ceiling); bounds the work per verify. */
    public static final int MAX_RSA_BITS = 16384;

    private final String wireName;
    private final String curveName;
    private final int fieldBytes;

    SshKeyType(String wireName, String curveName, int fieldBytes) {
        this.wireName = wireName;
        this.curveName = curveName;
        this.fieldBytes = fieldBytes;
    }

    /** The name used in key blobs and {@code authorized_keys} lines, e.g. {@code ssh-ed25519}. */
    public String wireName() {
        return wireName;
    }

    /** True for the three ECDSA types. */
    public boolean isEcdsa() {
        return curveName != null;
    }

    /** OpenSSH's curve identifier ({@code nistp256}, ...), or {@code null} for non-ECDSA types. */
    String curveName() {
        return curveName;
    }

    /** Length in bytes of one coordinate (ECDSA only). */
    int fieldBytes() {
        return fieldBytes;
    }

    /**
     * Maps a wire name to a supported type.
     *
     * @throws SshFormatException naming the refused or unknown type and why it is refused
     */
    public static SshKeyType fromWireName(String name) throws SshFormatException {
        if (name != null) {
            for (SshKeyType t : values()) {
                if (t.wireName.equals(name)) {
                    return t;
                }
            }
        }
        String shown = SshFormatException.describe(name);
        if (name == null || name.isEmpty()) {
            throw new SshFormatException("missing key type");
        }
        if (name.endsWith("-cert-v01@openssh.com")) {
            throw new SshFormatException(
                    "unsupported key type "
                            + shown
                            + ": certificates are refused, register the plain public key");
        }
        if (name.startsWith("sk-")) {
            throw new SshFormatException(
                    "unsupported key type "
                            + shown
                            + ": security-key (sk-*) keys are refused, use ssh-ed25519 or ecdsa");
        }
        if (name.equals("ssh-dss")) {
            throw new SshFormatException(
                    "unsupported key type ssh-dss: DSA keys are refused, use ssh-ed25519");
        }
        throw new SshFormatException(
                "unsupported key type "
                        + shown
                        + " (supported: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa)");
    }
}
