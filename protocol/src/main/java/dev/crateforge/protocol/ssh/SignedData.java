package dev.crateforge.protocol.ssh;

import java.nio.charset.StandardCharsets;

/**
 * The bytes an SSHSIG signature actually covers (PROTOCOL.sshsig, "Signed Data"): magic, namespace,
 * reserved, hash algorithm and the hash of the message. Binding the namespace into the signed bytes
 * is what keeps a signature made for one purpose from being replayed for another.
 */
final class SignedData {
    static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);

    private SignedData() {}

    static byte[] of(String namespace, SshHashAlgorithm hash, byte[] messageHash) {
        return new SshWireWriter()
                .raw(MAGIC)
                .string(namespace)
                // OpenSSH signs and verifies with an empty reserved field whatever the blob says.
                .string(new byte[0])
                .string(hash.wireName())
                .string(messageHash)
                .toByteArray();
    }
}
