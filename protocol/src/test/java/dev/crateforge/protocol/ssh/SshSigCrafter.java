package dev.crateforge.protocol.ssh;

/** Builds SSHSIG blobs field by field so tests can forge exactly one defect at a time. */
final class SshSigCrafter {
    byte[] magic = SignedData.MAGIC;
    long version = 1;
    byte[] publicKey;
    String namespace = SshFixtures.NAMESPACE;
    byte[] reserved = new byte[0];
    String hash = "sha512";
    String algorithm;
    byte[] signature;
    byte[] signatureTrailer = new byte[0];
    byte[] trailer = new byte[0];

    /** Starts from a real signature's fields. */
    static SshSigCrafter from(SshSignature sig) throws SshFormatException {
        SshSigCrafter c = new SshSigCrafter();
        SshWireReader r = new SshWireReader(sig.blob());
        r.readRaw(6, "magic");
        r.readUint32("version");
        c.publicKey = r.readString("key", 1 << 16);
        c.namespace = r.readUtf8("ns", 1 << 16);
        c.reserved = r.readString("reserved", 1 << 16);
        c.hash = r.readName("hash", 64);
        SshWireReader s = new SshWireReader(r.readString("sig", 1 << 16));
        c.algorithm = s.readName("alg", 64);
        c.signature = s.readString("value", 1 << 16);
        return c;
    }

    byte[] build() {
        byte[] sigField =
                new SshWireWriter()
                        .string(algorithm)
                        .string(signature)
                        .raw(signatureTrailer)
                        .toByteArray();
        return new SshWireWriter()
                .raw(magic)
                .uint32(version)
                .string(publicKey)
                .string(namespace)
                .string(reserved)
                .string(hash)
                .string(sigField)
                .raw(trailer)
                .toByteArray();
    }
}
