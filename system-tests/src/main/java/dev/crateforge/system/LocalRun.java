package dev.crateforge.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crateforge.localstack.LocalStack;
import dev.crateforge.localstack.LocalStackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The run command: the whole system on this machine with nothing but a JDK (and cargo for the demo
 * build). Starts the local stack and the three services, registers one builder with a fresh key and
 * starts it, builds a small real crate, follows its live log, prints where the artifact is and how
 * to verify it, then keeps running until Ctrl-C and stops everything it started.
 */
public final class LocalRun {

    private static final Set<String> FINAL_STATES = Set.of("succeeded", "failed", "cancelled");

    private LocalRun() {}

    public static void main(String[] args) throws Exception {
        Path work = Repository.root().resolve("target/local-run");
        deleteRecursively(work);
        Files.createDirectories(work);
        say("Starting PostgreSQL, Kafka and S3Proxy …");
        LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
        Optional<Cargo> cargo = Cargo.find();
        String target = cargo.map(Cargo::hostTarget).orElse("x86_64-unknown-linux-gnu");
        // The registry the scheduler follows: every version published to it becomes a job.
        RegistryFeed registry = RegistryFeed.start(work.resolve("registry"));
        stack.closeFirst(registry);
        say("Starting scheduler, artifact service and gateway …");
        CrateForgeSystem system =
                CrateForgeSystem.start(
                        stack,
                        CrateForgeSystem.Options.defaults(work),
                        registry.schedulerSettings(target, "binary"),
                        registry.artifactSettings());
        CrateForgeClient client = system.client();

        Path keyFile = work.resolve("builder/id_ed25519");
        BuilderProcess.newKey(keyFile);
        BuilderProcess builder =
                BuilderProcess.start(
                        "builder-1",
                        system.builderUrl(system.gateway()),
                        keyFile,
                        List.of(target),
                        work.resolve("builder"));
        client.registerBuilder("builder-1", builder.publicKeyLine(), List.of(target), 1);
        // On Ctrl-C the stack's own shutdown hook stops these first, last registered first:
        // builder, then the services (gateway, artifact service, scheduler), then the servers.
        // A hook of our own would run in parallel with the stack's and race it.
        stack.closeFirst(system);
        stack.closeFirst(
                () -> {
                    say(
                            "Stopping: builder, gateway, artifact service, scheduler, then Kafka, S3 and PostgreSQL …");
                    builder.close();
                });

        say("");
        say("CrateForge is running:");
        say(
                "  console                                            "
                        + system.scheduler().baseUri().resolve("/console"));
        say("  scheduler (jobs API, Swagger UI at /q/swagger-ui)  " + system.scheduler().baseUri());
        say("  artifact service                                   " + system.artifacts().baseUri());
        say("  gateway (builders dial " + system.builderUrl(system.gateway()) + ")");
        say(
                "  operator token (admin, submitter; 1 hour)          "
                        + system.operatorTokens().operator());
        say("  operator key (EC P-256, PKCS#8)                    " + system.operatorKey());
        say("  logs                                               " + work.resolve("logs"));
        say(
                "  followed registry '"
                        + RegistryFeed.NAME
                        + "' (git index)                "
                        + registry.registry().indexUrl());
        say("");
        say(
                "Every version published to that registry becomes a "
                        + target
                        + " binary job. Publish one:");
        say(
                "  cargo package --allow-dirty --no-verify   # in your crate; then, with its name and version:");
        say("  " + registry.publishCommand("target/package/NAME-VERSION.crate", "NAME", "VERSION"));
        say("");
        say("Mint a new operator token from that key (only a JDK needed):");
        say(
                "  java "
                        + Repository.root().resolve("tools/OperatorToken.java")
                        + " --key "
                        + system.operatorKey()
                        + " --subject alice --roles admin,submitter --hours 8");
        say("");

        if (cargo.isEmpty()) {
            say(
                    "cargo was not found on PATH or in ~/.cargo/bin: no demo build. Install Rust to see one.");
        } else {
            runDemo(cargo.get(), target, work, registry, system, client);
        }
        say("");
        say("Press Ctrl-C to stop.");
        new CountDownLatch(1).await();
    }

    private static void runDemo(
            Cargo cargo,
            String target,
            Path work,
            RegistryFeed registry,
            CrateForgeSystem system,
            CrateForgeClient client)
            throws IOException {
        Path crateDir =
                Cargo.writeBinaryCrate(
                        work.resolve("crates"),
                        "hello-crateforge",
                        "0.1.0",
                        "fn main() {\n    println!(\"Hello from a CrateForge build!\");\n}\n");
        Path crate = cargo.pack(crateDir, "hello-crateforge", "0.1.0");
        say("Publishing hello-crateforge 0.1.0 to the local registry:");
        say("  " + registry.publishCommand(crate.toString(), "hello-crateforge", "0.1.0"));
        registry.registry().publishFile("hello-crateforge", "0.1.0", Files.readAllBytes(crate));
        UUID jobId = awaitJob(client, "hello-crateforge");
        say(
                "The intake queued job "
                        + jobId
                        + " (hello-crateforge 0.1.0, binary, "
                        + target
                        + "). Live log:");
        long seen = 0;
        String state;
        long deadline = System.nanoTime() + 15L * 60 * 1_000_000_000;
        do {
            List<JsonNode> lines = client.logs(jobId);
            for (JsonNode line : lines.subList((int) Math.min(seen, lines.size()), lines.size())) {
                say("  | " + line.path("line").asText());
            }
            seen = lines.size();
            state = client.state(jobId);
            pause();
        } while (!FINAL_STATES.contains(state) && System.nanoTime() < deadline);
        JsonNode job = client.job(jobId);
        say(
                "Job "
                        + jobId
                        + " "
                        + state
                        + (job.hasNonNull("failureReason")
                                ? ": " + job.path("failureReason").asText()
                                : ""));
        if ("succeeded".equals(state)) {
            String base = system.artifacts().baseUri() + "/api/v1/jobs/" + jobId;
            say("");
            say("Artifact:   " + base + "/artifacts/binary");
            say("Provenance: " + base + "/provenance");
            say("Verify it yourself:");
            say(
                    "  curl -sO "
                            + base
                            + "/provenance/statement -sO "
                            + base
                            + "/provenance/signature -sO "
                            + base
                            + "/provenance/allowed_signers");
            say(
                    "  ssh-keygen -Y verify -f allowed_signers -I builder -n build@crateforge.dev -s signature < statement");
        }
    }

    /** The first job of the crate, once the intake has queued it (it polls every 2 s). */
    private static UUID awaitJob(CrateForgeClient client, String crate) {
        long deadline = System.nanoTime() + 60L * 1_000_000_000;
        while (System.nanoTime() < deadline) {
            List<JsonNode> jobs = client.jobsOf(crate);
            if (!jobs.isEmpty()) {
                return UUID.fromString(jobs.get(0).path("id").asText());
            }
            pause();
        }
        throw new IllegalStateException("the intake queued no job of " + crate + " within 60 s");
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            path -> {
                                try {
                                    Files.delete(path);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
