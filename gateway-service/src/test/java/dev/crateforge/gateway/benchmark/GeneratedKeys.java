package dev.crateforge.gateway.benchmark;

import dev.crateforge.protocol.ssh.SshPrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;

/** Many ed25519 keys in OpenSSH format, made in memory (ssh-keygen per key would take minutes). */
final class GeneratedKeys {

    private GeneratedKeys() {}

    static List<SshPrivateKey> ed25519(int count) throws Exception {
        SecureRandom random = new SecureRandom();
        List<SshPrivateKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
            byte[] blob = OpenSSHPrivateKeyUtil.encodePrivateKey(key);
            String pem =
                    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(70, new byte[] {'\n'}).encodeToString(blob)
                            + "\n-----END OPENSSH PRIVATE KEY-----\n";
            keys.add(SshPrivateKey.parse(pem));
        }
        return keys;
    }
}
