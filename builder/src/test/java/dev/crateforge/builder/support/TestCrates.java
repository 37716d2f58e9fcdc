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

    private static String manifest(String name, String version) {
        return "[package]\nname = \""
                + name
                + "\"\nversion = \""
                + version
                + "\"\nedition = \"2021\"\n\n[dependencies]\n";
    }
}
