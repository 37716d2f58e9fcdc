package dev.crateforge.scheduler.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.localstack.registry.LocalRegistry;
import dev.crateforge.localstack.registry.LocalRegistry.Published;
import dev.crateforge.localstack.server.FreePort;
import dev.crateforge.messaging.outbox.AfterCommit;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.protocol.kafka.VersionYankChanged;
import dev.crateforge.scheduler.assignment.WorkSignal;
import dev.crateforge.scheduler.config.SchedulerConfig;
import dev.crateforge.scheduler.console.ConsoleLogins;
import dev.crateforge.scheduler.intake.RegistryWatcher.Outcome;
import dev.crateforge.scheduler.intake.RegistryWatcher.PollResult;
import dev.crateforge.scheduler.job.JobRepository;
import dev.crateforge.scheduler.lifecycle.JobLifecycle;
import dev.crateforge.scheduler.lifecycle.JobTransitions;
import dev.crateforge.scheduler.messaging.EventPublisher;
import dev.crateforge.scheduler.reproduction.ReproductionRepository;
import dev.crateforge.scheduler.submission.JobValidator;
import dev.crateforge.scheduler.support.Db;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.TestKafka;
import dev.crateforge.scheduler.support.TestRegistries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The intake against real git indexes (written with JGit by {@link LocalRegistry}, which also
 * serves the {@code .crate} files over HTTP), real PostgreSQL and Kafka. The timer is off: each
 * test polls when it wants, so that every assertion is about a known set of index commits.
 */
@QuarkusTest
@TestProfile(RegistryIntakeTests.Profile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class RegistryIntakeTests {

    /**
     * Three registries, their indexes in a fresh directory: alpha (loopback downloads allowed, two
     * kinds), beta (backfill, a dl template with markers on a public address, two jobs per poll),
     * gamma (loopback downloads, not allowed).
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestRegistries.inTempDirectory("crateforge-intake-test")
                    .with("crateforge.intake.enabled", "false")
                    .registry(
                            "alpha",
                            "i01-unknown-test",
                            "kinds",
                            "metadata,binary",
                            "deny",
                            "denied-crate",
                            "allow-private-addresses",
                            "true",
                            "sparse-index",
                            "http://127.0.0.1:" + FreePort.pick(0) + "/index/")
                    .registry(
                            "beta",
                            "i02-unknown-test",
                            "backfill",
                            "true",
                            "max-jobs-per-poll",
                            "2")
                    .registry("gamma", "i03-unknown-test")
                    .config();
        }
    }

    private static final String BETA_DL =
            "https://203.0.113.7/dl/{lowerprefix}/{crate}/{version}/{sha256-checksum}";

    private static LocalRegistry alpha;
    private static LocalRegistry beta;
    private static LocalRegistry gamma;
    private static List<Published> betaBefore;
    private static PollResult betaFirst;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "crateforge.kafka.topic-prefix")
    String topicPrefix;

    @Inject RegistryWatcher watcher;
    @Inject IntakeConfig config;
    @Inject IntakeRepository repository;
    @Inject IntakeMetrics metrics;
    @Inject JobValidator validator;
    @Inject JobRepository jobRepository;
    @Inject JobLifecycle lifecycle;
    @Inject JobTransitions transitions;
    @Inject EventPublisher publisher;
    @Inject AfterCommit afterCommit;
    @Inject ReproductionRepository reproductions;
    @Inject WorkSignal workSignal;
    @Inject SchedulerConfig scheduler;
    @Inject SourceProxy sourceProxy;
    @Inject Db db;

    @BeforeEach
    void registries() {
        if (alpha == null) {
            alpha = TestRegistries.open(config, "alpha");
            gamma = TestRegistries.open(config, "gamma");
            beta = TestRegistries.open(config, "beta");
            beta.setDownloadTemplate(BETA_DL);
            // Published before beta's first poll: its backfill.
            betaBefore =
                    beta.publishAll(List.of("old-one@1.0.0", "old-one@1.1.0", "old-two@0.1.0"));
            betaFirst = watcher.poll("beta");
            // alpha and gamma start at their head; what follows is new.
            assertThat(watcher.poll("alpha").outcome()).isEqualTo(Outcome.POLLED);
            assertThat(watcher.poll("gamma").outcome()).isEqualTo(Outcome.POLLED);
        }
    }

    private long jobs(String where) {
        return db.count("select count(*) from job where " + where);
    }

    private RegistryCursor cursor(String registry) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> repository.cursor(registry).orElseThrow());
    }

    @Test
    void newVersionsBecomeJobsWithTheDownloadUrlAndChecksumOfTheIndex() {
        Published first = alpha.publish("fresh-crate", "1.0.0");
        List<Published> more =
                alpha.publishAll(List.of("fresh-crate@1.1.0", "other-fresh@0.2.0-beta.1"));
        alpha.publish("denied-crate", "1.0.0");

        PollResult result = watcher.poll("alpha");

        assertThat(result.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(result.versionsSeen()).isEqualTo(4);
        assertThat(result.jobsCreated()).isEqualTo(6); // 3 wanted versions × 2 kinds
        assertThat(jobs("crate = 'denied-crate'")).isZero();
        for (Published p : List.of(first, more.get(0), more.get(1))) {
            assertThat(
                            jobs(
                                    "crate = '"
                                            + p.crate()
                                            + "' and version = '"
                                            + p.version()
                                            + "' and source_url = '"
                                            + p.downloadUrl()
                                            + "' and source_sha256 = '"
                                            + p.cksum()
                                            + "' and target = 'i01-unknown-test' and priority = 0"
                                            + " and state = 'queued'"))
                    .as("%s@%s", p.crate(), p.version())
                    .isEqualTo(2);
        }
        RegistryCursor cursor = cursor("alpha");
        assertThat(cursor.commitId()).isEqualTo(alpha.head());
        assertThat(cursor.headCommit()).isEqualTo(alpha.head());
        assertThat(cursor.lagCommits()).isZero();

        // Nothing new: nothing happens.
        assertThat(watcher.poll("alpha").jobsCreated()).isZero();
        assertThat(jobs("crate in ('fresh-crate', 'other-fresh')")).isEqualTo(6);

        // A signed-in operator sees the registry on the console (the cookie holds the token).
        String page =
                given().cookie(ConsoleLogins.COOKIE, OperatorTokens.submitter())
                        .get("/console/registries")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        assertThat(page)
                .contains("<th scope=\"row\">alpha</th>")
                .contains("<td>following</td>")
                .contains("<td class=\"number\">0 commits</td>");
    }

    @Test
    void aCrateFilePutToTheLocalRegistryIsBuiltFromItsOwnBytes() throws Exception {
        byte[] crateFile =
                "not really a gzip, but these exact bytes"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> put =
                http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(alpha.publishUrl("put-crate", "0.1.0")))
                                .PUT(
                                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                                                crateFile))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(201);
        String sha =
                java.util.HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(crateFile));
        assertThat(put.body()).contains(sha);

        assertThat(watcher.poll("alpha").jobsCreated()).isEqualTo(2);
        String url = alpha.downloadBase() + "/put-crate/0.1.0/download";
        assertThat(
                        jobs(
                                "crate = 'put-crate' and source_url = '"
                                        + url
                                        + "' and source_sha256 = '"
                                        + sha
                                        + "'"))
                .isEqualTo(2);
        java.net.http.HttpResponse<byte[]> download =
                http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(crateFile);

        // The same version again is refused and changes nothing.
        assertThat(
                        http.send(
                                        java.net.http.HttpRequest.newBuilder(
                                                        java.net.URI.create(
                                                                alpha.publishUrl(
                                                                        "put-crate", "0.1.0")))
                                                .PUT(
                                                        java.net.http.HttpRequest.BodyPublishers
                                                                .ofByteArray(crateFile))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(409);
    }

    @Test
    void theFirstPollBackfillsAtLowPriorityAndTheRateLimitLeavesALag() {
        assertThat(betaFirst.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(betaFirst.jobsCreated()).isEqualTo(3);
        for (Published p : betaBefore) {
            String url =
                    "https://203.0.113.7/dl/"
                            + DownloadUrlTemplate.prefix(p.crate())
                            + "/"
                            + p.crate()
                            + "/"
                            + p.version()
                            + "/"
                            + p.cksum();
            assertThat(
                            jobs(
                                    "crate = '"
                                            + p.crate()
                                            + "' and version = '"
                                            + p.version()
                                            + "' and source_url = '"
                                            + url
                                            + "' and priority = -100"))
                    .isEqualTo(1);
        }
        // Four commits of one version each, two jobs per poll: two polls, a lag of two between.
        for (int i = 0; i < 4; i++) {
            beta.publish("rated", "1.0." + i);
        }
        assertThat(watcher.poll("beta").jobsCreated()).isEqualTo(2);
        assertThat(cursor("beta").lagCommits()).isEqualTo(2);
        assertThat(jobs("crate = 'rated' and priority = 0")).isEqualTo(2);
        assertThat(watcher.poll("beta").jobsCreated()).isEqualTo(2);
        assertThat(cursor("beta").lagCommits()).isZero();
        assertThat(cursor("beta").commitId()).isEqualTo(beta.head());
        assertThat(jobs("crate = 'rated'")).isEqualTo(4);
    }

    @Test
    void aYankCancelsQueuedJobsAndAnUnyankQueuesThemAgain() {
        try (TestKafka kafka = new TestKafka(bootstrap, topicPrefix);
                var announced = kafka.reader(Topics.VERSION_YANKS, VersionYankChanged.class)) {
            yankAndUnyank();
            // Both changes reach the artifact service's topic, in order, keyed by registry/crate.
            List<Map.Entry<String, VersionYankChanged>> seen =
                    announced.until(
                            Duration.ofSeconds(30),
                            all ->
                                    all.stream()
                                                    .filter(
                                                            e ->
                                                                    e.getValue()
                                                                            .crate()
                                                                            .equals("yank-me"))
                                                    .count()
                                            >= 2);
            List<Map.Entry<String, VersionYankChanged>> mine =
                    seen.stream().filter(e -> e.getValue().crate().equals("yank-me")).toList();
            assertThat(mine).extracting(Map.Entry::getKey).containsOnly("alpha/yank-me");
            assertThat(mine)
                    .extracting(e -> e.getValue().version() + ":" + e.getValue().yanked())
                    .containsExactly("1.0.0:true", "1.0.0:false");
            assertThat(mine.get(1).getValue().changedAt())
                    .isAfter(mine.get(0).getValue().changedAt());
        }
    }

    private void yankAndUnyank() {
        Published p = alpha.publish("yank-me", "1.0.0");
        alpha.publish("yank-me", "1.1.0");
        watcher.poll("alpha");
        assertThat(jobs("crate = 'yank-me' and state = 'queued'")).isEqualTo(4);

        alpha.yank("yank-me", "1.0.0", true);
        PollResult yanked = watcher.poll("alpha");
        assertThat(yanked.versionsSeen()).isEqualTo(1);
        assertThat(
                        jobs(
                                "crate = 'yank-me' and version = '1.0.0' and state = 'cancelled'"
                                        + " and failure_reason = 'yanked'"))
                .isEqualTo(2);
        assertThat(jobs("crate = 'yank-me' and version = '1.1.0' and state = 'queued'"))
                .isEqualTo(2);
        assertThat(
                        db.count(
                                "select count(*) from crate_version_yank where registry = 'alpha'"
                                        + " and crate = 'yank-me' and version = '1.0.0' and yanked"))
                .isEqualTo(1);

        alpha.yank("yank-me", "1.0.0", false);
        watcher.poll("alpha");
        assertThat(
                        jobs(
                                "crate = 'yank-me' and version = '1.0.0' and state = 'queued'"
                                        + " and attempt = 2 and source_sha256 = '"
                                        + p.cksum()
                                        + "'"))
                .isEqualTo(2);
        assertThat(
                        db.count(
                                "select count(*) from crate_version_yank where registry = 'alpha'"
                                        + " and crate = 'yank-me' and version = '1.0.0' and not yanked"))
                .isEqualTo(1);
        assertThat(jobs("crate = 'yank-me'")).isEqualTo(4);
    }

    @Test
    void aVersionPublishedAlreadyYankedIsRecordedButNotBuilt() {
        alpha.publish("born-yanked", "1.0.0");
        alpha.yank("born-yanked", "1.0.0", true);
        watcher.poll("alpha");
        // Added and yanked between two polls: recorded, never queued.
        assertThat(jobs("crate = 'born-yanked'")).isZero();
        assertThat(
                        db.count(
                                "select count(*) from crate_version_yank where crate = 'born-yanked'"
                                        + " and yanked"))
                .isEqualTo(1);
    }

    @Test
    void aSquashedIndexIsComparedByTreeAndOnlyTheNewVersionsBecomeJobs() {
        alpha.publishAll(List.of("before-squash@1.0.0", "before-squash@1.1.0"));
        watcher.poll("alpha");
        long jobsBefore = jobs("true");
        String oldCursor = cursor("alpha").commitId();

        alpha.squash();
        alpha.publish("after-squash", "2.0.0");
        alpha.yank("before-squash", "1.0.0", true);
        PollResult result = watcher.poll("alpha");

        assertThat(result.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(result.versionsSeen()).isEqualTo(2); // the new version and the yank
        assertThat(result.jobsCreated()).isEqualTo(2);
        assertThat(jobs("true")).isEqualTo(jobsBefore + 2);
        assertThat(jobs("crate = 'after-squash' and state = 'queued'")).isEqualTo(2);
        assertThat(jobs("crate = 'before-squash' and version = '1.0.0' and state = 'cancelled'"))
                .isEqualTo(2);
        assertThat(cursor("alpha").commitId()).isNotEqualTo(oldCursor).isEqualTo(alpha.head());
    }

    @Test
    void twoRegistriesAreFollowedSideBySide() {
        alpha.publish("shared-name", "1.0.0");
        gamma.publish("shared-name", "1.0.0");
        beta.publish("shared-name", "1.0.0");
        watcher.poll("alpha");
        watcher.poll("beta");
        watcher.poll("gamma");
        // Same crate and version, but each registry's own file (checksum) and target.
        assertThat(jobs("crate = 'shared-name' and target = 'i01-unknown-test'")).isEqualTo(2);
        assertThat(jobs("crate = 'shared-name' and target = 'i02-unknown-test'")).isEqualTo(1);
        assertThat(
                        db.count(
                                "select count(distinct source_sha256) from job where crate = 'shared-name'"))
                .isEqualTo(2);
    }

    @Test
    void aDownloadTemplateOnAPrivateAddressIsRefusedUnlessAllowed() {
        gamma.publish("local-only", "1.0.0");
        long errorsBefore = cursor("gamma").badLines();
        PollResult result = watcher.poll("gamma");
        assertThat(result.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(result.jobsCreated()).isZero();
        assertThat(result.badInput()).isEqualTo(1);
        assertThat(cursor("gamma").badLines()).isEqualTo(errorsBefore + 1);
        assertThat(cursor("gamma").commitId()).isEqualTo(gamma.head());
        assertThat(jobs("crate = 'local-only'")).isZero();
    }

    @Test
    void badLinesAreSkippedAndCountedAndTheFeedGoesOn() {
        alpha.appendRawLine("bad-lines", "{not json");
        alpha.appendRawLine("bad-lines", "{\"name\":\"bad-lines\",\"vers\":\"1.0.0\"}");
        alpha.appendRawLine(
                "bad-lines", "{\"name\":\"bad-lines\",\"x\":\"" + "y".repeat(1024 * 1024) + "\"}");
        alpha.publish("bad-lines", "1.0.0");
        alpha.appendRawLine(
                "bad-lines", LocalRegistry.line("someone-else", "1.0.0", "0".repeat(64), false));
        long before = cursor("alpha").badLines();

        PollResult result = watcher.poll("alpha");

        assertThat(result.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(result.badInput()).isEqualTo(4);
        assertThat(result.jobsCreated()).isEqualTo(2);
        assertThat(cursor("alpha").badLines()).isEqualTo(before + 4);
        assertThat(cursor("alpha").lastError()).isNull();
        // The file changes again: its old bad lines are not counted twice.
        alpha.publish("bad-lines", "1.1.0");
        PollResult next = watcher.poll("alpha");
        assertThat(next.badInput()).isZero();
        assertThat(next.jobsCreated()).isEqualTo(2);
    }

    @Test
    void aPollThatFailsAfterInsertingItsJobsLeavesNothingAndTheNextOneQueuesThemOnce() {
        alpha.publish("crash-me", "1.0.0");
        // The cursor's update, the poll's last statement, fails: the jobs inserted before it in
        // the same transaction must go with it.
        db.execute(
                """
                create or replace function refuse_cursor_move() returns trigger language plpgsql as
                $$ begin
                  if new.commit_id is distinct from old.commit_id then
                    raise exception 'simulated crash after the job insert';
                  end if;
                  return new;
                end $$
                """);
        db.execute(
                "create trigger refuse_cursor_move before update on registry_cursor"
                        + " for each row execute function refuse_cursor_move()");
        String cursorBefore = cursor("alpha").commitId();
        try {
            PollResult failed = watcher.poll("alpha");
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(jobs("crate = 'crash-me'")).isZero();
            assertThat(cursor("alpha").commitId()).isEqualTo(cursorBefore);
            assertThat(cursor("alpha").lastError()).contains("simulated crash");
        } finally {
            db.execute("drop trigger refuse_cursor_move on registry_cursor");
        }
        PollResult retried = watcher.poll("alpha");
        assertThat(retried.jobsCreated()).isEqualTo(2);
        assertThat(jobs("crate = 'crash-me'")).isEqualTo(2);
        assertThat(cursor("alpha").lastError()).isNull();
        assertThat(watcher.poll("alpha").jobsCreated()).isZero();
    }

    @Test
    void aWatcherWhoseConnectionDiesMidPollLeavesNothingAndItsLockGoesWithIt() throws Exception {
        alpha.publish("killed-mid-poll", "1.0.0");
        // The poll stalls in its last statement, its jobs inserted but not committed; then its
        // database backend is terminated, which is what PostgreSQL sees when the watcher's
        // process is killed with -9: the connection is gone.
        db.execute(
                """
                create or replace function stall_cursor_move() returns trigger language plpgsql as
                $$ begin
                  if new.commit_id is distinct from old.commit_id then
                    perform pg_sleep(60);
                  end if;
                  return new;
                end $$
                """);
        db.execute(
                "create trigger stall_cursor_move before update on registry_cursor"
                        + " for each row execute function stall_cursor_move()");
        String stalled =
                "from pg_stat_activity where datname = current_database()"
                        + " and wait_event = 'PgSleep'";
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<PollResult> poll = pool.submit(() -> watcher.poll("alpha"));
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> db.count("select count(*) " + stalled) == 1);
            assertThat(jobs("crate = 'killed-mid-poll'")).as("not committed").isZero();
            // Another watcher meanwhile is turned away by the lock.
            assertThat(watcher.poll("alpha").outcome()).isEqualTo(Outcome.NOT_LEADER);
            assertThat(db.count("select count(pg_terminate_backend(pid)) " + stalled)).isEqualTo(1);
            assertThat(poll.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.FAILED);
        } finally {
            pool.shutdownNow();
            db.execute("drop trigger stall_cursor_move on registry_cursor");
        }
        assertThat(jobs("crate = 'killed-mid-poll'")).isZero();
        // The lock died with the connection: the next poll gets in at once and queues each job
        // once.
        PollResult next = watcher.poll("alpha");
        assertThat(next.outcome()).isEqualTo(Outcome.POLLED);
        assertThat(next.jobsCreated()).isEqualTo(2);
        assertThat(jobs("crate = 'killed-mid-poll'")).isEqualTo(2);
        assertThat(cursor("alpha").commitId()).isEqualTo(alpha.head());
    }

    @Test
    void twoWatchersRacingOverOneDatabaseQueueEachJobOnce() throws Exception {
        // A second watcher with its own clone of the index, as on another replica.
        RegistryWatcher other =
                new RegistryWatcher(
                        config,
                        repository,
                        metrics,
                        validator,
                        jobRepository,
                        lifecycle,
                        transitions,
                        publisher,
                        afterCommit,
                        workSignal,
                        scheduler,
                        sourceProxy,
                        reproductions);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PollResult>> polls = new ArrayList<>();
            int versions = 30;
            for (int i = 0; i < versions; i++) {
                alpha.publish("raced", "1.0." + i);
                polls.add(pool.submit(() -> watcher.poll("alpha")));
                polls.add(pool.submit(() -> other.poll("alpha")));
            }
            long created = 0;
            boolean someoneWaited = false;
            for (Future<PollResult> poll : polls) {
                PollResult result = poll.get(60, TimeUnit.SECONDS);
                assertThat(result.outcome()).isIn(Outcome.POLLED, Outcome.NOT_LEADER);
                someoneWaited |= result.outcome() == Outcome.NOT_LEADER;
                created += result.jobsCreated();
            }
            // Catch up with whatever the last racing polls left.
            created += watcher.poll("alpha").jobsCreated();
            created += other.poll("alpha").jobsCreated();
            assertThat(created).isEqualTo(2L * versions);
            assertThat(jobs("crate = 'raced'")).isEqualTo(2L * versions);
            assertThat(
                            db.count(
                                    "select count(distinct (version, kind)) from job where crate = 'raced'"))
                    .isEqualTo(2L * versions);
            assertThat(cursor("alpha").commitId()).isEqualTo(alpha.head());
            assertThat(someoneWaited)
                    .as("the lock turned a racing poll away at least once")
                    .isTrue();
        } finally {
            pool.shutdownNow();
            other.close();
        }
    }

    @Test
    void aCrateLookedUpInTheSparseIndexIsQueuedAtOnceAndAnUnchangedFileCostsA304() {
        List<Published> published =
                alpha.publishAll(List.of("looked-up@1.0.0", "looked-up@1.1.0", "looked-up@2.0.0"));
        alpha.yank("looked-up", "1.1.0", true);
        assertThat(alpha.sparseIndexUrl())
                .isEqualTo(config.registries().get("alpha").sparseIndex().orElseThrow());

        var first =
                given().auth()
                        .oauth2(OperatorTokens.submitter())
                        .when()
                        .post("/api/v1/registries/alpha/crates/Looked-Up/look-up")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(first.getBoolean("notModified")).isFalse();
        assertThat(first.getLong("versionsSeen")).isEqualTo(3);
        assertThat(first.getLong("jobsCreated")).isEqualTo(4); // two unyanked versions × 2 kinds
        assertThat(
                        jobs(
                                "crate = 'looked-up' and version = '2.0.0' and source_url = '"
                                        + published.get(2).downloadUrl()
                                        + "' and state = 'queued'"))
                .isEqualTo(2);
        assertThat(
                        db.count(
                                "select count(*) from crate_version_yank where crate = 'looked-up' and yanked"))
                .isEqualTo(1);

        RegistryWatcher.LookUp again = watcher.lookUp("alpha", "looked-up");
        assertThat(again.notModified()).isTrue();
        assertThat(again.jobsCreated()).isZero();
        // The history catches up later and finds the jobs there.
        assertThat(watcher.poll("alpha").jobsCreated()).isZero();
        assertThat(jobs("crate = 'looked-up'")).isEqualTo(4);

        given().auth()
                .oauth2(OperatorTokens.submitter())
                .when()
                .post("/api/v1/registries/alpha/crates/never-published/look-up")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .when()
                .post("/api/v1/registries/beta/crates/old-one/look-up")
                .then()
                .statusCode(409);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .when()
                .post("/api/v1/registries/alpha/crates/9bad/look-up")
                .then()
                .statusCode(400);
    }

    @Test
    void operatorsSeeTheRegistriesAndPauseAndResumeThem() {
        given().when().get("/api/v1/registries").then().statusCode(401);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .when()
                .post("/api/v1/registries/alpha/pause")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(OperatorTokens.admin())
                .when()
                .post("/api/v1/registries/nope/pause")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");

        given().auth()
                .oauth2(OperatorTokens.admin())
                .when()
                .post("/api/v1/registries/alpha/pause")
                .then()
                .statusCode(200)
                .body("paused", org.hamcrest.Matchers.equalTo(true));
        alpha.publish("paused-crate", "1.0.0");
        assertThat(watcher.poll("alpha").outcome()).isEqualTo(Outcome.PAUSED);
        assertThat(jobs("crate = 'paused-crate'")).isZero();

        var list =
                given().auth()
                        .oauth2(OperatorTokens.submitter())
                        .when()
                        .get("/api/v1/registries")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(list.getList("name", String.class)).containsExactly("alpha", "beta", "gamma");
        assertThat(list.getBoolean("find { it.name == 'alpha' }.paused")).isTrue();
        assertThat(list.getString("find { it.name == 'alpha' }.cursorCommit"))
                .isEqualTo(cursor("alpha").commitId());

        given().auth()
                .oauth2(OperatorTokens.admin())
                .when()
                .post("/api/v1/registries/alpha/resume")
                .then()
                .statusCode(200)
                .body("paused", org.hamcrest.Matchers.equalTo(false));
        assertThat(watcher.poll("alpha").jobsCreated()).isEqualTo(2);

        String metrics =
                given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("crateforge_intake_jobs_created_total{registry=\"alpha\"}")
                .contains("crateforge_intake_versions_seen_total{registry=\"alpha\"}")
                .contains("crateforge_intake_lag_commits{registry=\"alpha\"} 0.0");
    }
}
