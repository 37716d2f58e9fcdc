package dev.crateforge.builder.support;

/**
 * Small crates made in the test, packed as {@code .crate} files the way {@code cargo package} lays
 * them out: every entry under {@code <name>-<version>/}.
 */
public final class TestCrates {

    private TestCrates() {}

    public static byte[] library(String name, String version) {
        return new TarBuilder()
                .file(name + "-" + version + "/Cargo.toml", manifest(name, version))
                .file(name + "-" + version + "/src/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n")
                .bytes();
    }

    public static byte[] binary(String name, String version, String printed) {
        return new TarBuilder()
                .file(name + "-" + version + "/Cargo.toml", manifest(name, version))
                .file(
                        name + "-" + version + "/src/main.rs",
                        "fn main() {\n    println!(\"" + printed + "\");\n}\n")
                .bytes();
    }

    public static byte[] brokenBinary(String name, String version) {
        return new TarBuilder()
                .file(name + "-" + version + "/Cargo.toml", manifest(name, version))
                .file(
                        name + "-" + version + "/src/main.rs",
                        "fn main() {\n    let x: u32 = \"not a number\";\n}\n")
                .bytes();
    }

    /**
     * A binary whose build script fails the build if it can reach {@code 127.0.0.1:port} or read
     * {@code secret}: inside the sandbox neither is possible, outside both are.
     */
    public static byte[] sandboxProbe(String name, String version, int port, String secret) {
        String buildRs =
                "use std::net::TcpStream;\n"
                        + "fn main() {\n"
                        + "    if TcpStream::connect(\"127.0.0.1:"
                        + port
                        + "\").is_ok() {\n"
                        + "        panic!(\"probe: the network is reachable\");\n"
                        + "    }\n"
                        + "    if std::fs::read(\""
                        + secret
                        + "\").is_ok() {\n"
                        + "        panic!(\"probe: the builder's files are readable\");\n"
                        + "    }\n"
                        + "    println!(\"cargo:warning=probe: no network, no builder files\");\n"
                        + "}\n";
        return binaryWithBuildRs(name, version, buildRs);
    }

    /**
     * A binary crate whose build script is the given body of {@code fn main()}: the hostile crates
     * of the limit tests (allocating, spawning, writing or printing without end, or staying
     * silent).
     */
    public static byte[] withBuildScript(String name, String version, String mainBody) {
        String buildRs =
                "#![allow(unreachable_code, unused_must_use, unused_imports)]\n"
                        + "use std::io::Write;\n"
                        + "fn main() {\n"
                        + mainBody
                        + "\n}\n";
        return binaryWithBuildRs(name, version, buildRs);
    }

    private static byte[] binaryWithBuildRs(String name, String version, String buildRs) {
        return new TarBuilder()
                .file(name + "-" + version + "/Cargo.toml", manifest(name, version))
                .file(name + "-" + version + "/build.rs", buildRs)
                .file(name + "-" + version + "/src/main.rs", "fn main() {}\n")
                .bytes();
    }

    private static String manifest(String name, String version) {
        return "[package]\nname = \""
                + name
                + "\"\nversion = \""
                + version
                + "\"\nedition = \"2021\"\n\n[dependencies]\n";
    }
}
