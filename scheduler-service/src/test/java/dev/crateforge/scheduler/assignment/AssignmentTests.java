package dev.crateforge.scheduler.assignment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.JobAssigned;
import dev.crateforge.protocol.kafka.JobRequested;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.submission.JobSubmission;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class AssignmentTests extends SchedulerTest {

    private List<Job> queue(String target, int count) {
        List<Job> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queued.add(submissions.submit(Fixtures.job("crate" + i, "1.0." + i, target)).job());
        }
        return queued;
    }

    @Test
    void sixtyBuildersRequestingThroughKafkaNeverShareAJob() throws Exception {
        String target = "a01-unknown-test";
        int jobCount = 40;
        int builders = 60;
        Set<UUID> queued = new HashSet<>(queue(target, jobCount).stream().map(j -> j.id).toList());
        try (var reader = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < builders; i++) {
                UUID builder = UUID.randomUUID();
                String connection = "a01-conn-" + i;
                sends.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    kafka.send(
                                            Topics.JOB_REQUESTS,
                                            builder.toString(),
                                            Fixtures.request(builder, connection, target, 1));
                                    return null;
                                }));
            }
            start.countDown();
            for (Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            reader.until(WAIT, seen -> forTarget(seen, target).size() >= jobCount);
            // Anything assigned twice would show up as an extra record shortly after.
            List<JobAssigned> assigned = forTarget(reader.drain(Duration.ofSeconds(2)), target);

            assertThat(assigned).hasSize(jobCount);
            assertThat(assigned.stream().map(a -> a.assignment().jobId()).distinct())
                    .hasSize(jobCount)
                    .allMatch(queued::contains);
            assertThat(assigned.stream().map(JobAssigned::builderId).distinct()).hasSize(jobCount);
        }
        assertThat(
                        db.count(
                                "select count(distinct builder_id) from job where target = '"
                                        + target
                                        + "' and state = 'assigned'"))
                .isEqualTo(jobCount);
        // The builders that got nothing wait for the next job of their target.
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job_request where"
                                                        + " connection_id like 'a01-conn-%'")
                                        == builders - jobCount);
    }

    @Test
    void concurrentClaimsFromTwoReplicasInSeparateTransactionsNeverShareAJob() throws Exception {
        String target = "a02-unknown-test";
        int jobCount = 100;
        queue(target, jobCount);
        try (var reader = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            // Two "replicas": two pools of 30 threads, each request in its own transaction.
            ExecutorService replicaA = Executors.newFixedThreadPool(30);
            ExecutorService replicaB = Executors.newFixedThreadPool(30);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> claims = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                UUID builder = UUID.randomUUID();
                JobRequested request = Fixtures.request(builder, "a02-conn-" + i, target, 2);
                ExecutorService replica = i % 2 == 0 ? replicaA : replicaB;
                claims.add(
                        replica.submit(
                                () -> {
                                    start.await();
                                    return assignments.requestReceived(request);
                                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> claim : claims) {
                total += claim.get(60, TimeUnit.SECONDS);
            }
            replicaA.shutdown();
            replicaB.shutdown();

            assertThat(total).isEqualTo(jobCount);
            List<JobAssigned> assigned =
                    forTarget(
                            reader.until(WAIT, seen -> forTarget(seen, target).size() >= jobCount),
                            target);
            assigned = forTarget(reader.drain(Duration.ofSeconds(1)), target);
            assertThat(assigned).hasSize(jobCount);
            assertThat(assigned.stream().map(a -> a.assignment().jobId()).distinct())
                    .hasSize(jobCount);
        }
        assertThat(
                        db.count(
                                "select count(*) from job where target = 'a02-unknown-test'"
                                        + " and state = 'assigned'"))
                .isEqualTo(jobCount);
    }

    @Test
    void waitingRequestIsAnsweredWhenAMatchingJobArrives() {
        String target = "a03-unknown-test";
        UUID builder = UUID.randomUUID();
        kafka.send(
                Topics.JOB_REQUESTS,
                builder.toString(),
                Fixtures.request(builder, "a03-conn", target, 1));
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job_request where"
                                                        + " connection_id = 'a03-conn'")
                                        == 1);
        try (var reader = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            Job job = submissions.submit(Fixtures.job("late", "2.0.0", target)).job();
            List<Map.Entry<String, JobAssigned>> seen =
                    reader.until(WAIT, s -> !forTarget(s, target).isEmpty());
            JobAssigned assigned = forTarget(seen, target).get(0);
            assertThat(assigned.assignment().jobId()).isEqualTo(job.id);
            assertThat(assigned.builderId()).isEqualTo(builder);
            assertThat(assigned.connectionId()).isEqualTo("a03-conn");
            assertThat(assigned.gatewayInstance()).isEqualTo("gateway-1");
            assertThat(
                            seen.stream()
                                    .filter(e -> e.getValue().builderId().equals(builder))
                                    .map(Map.Entry::getKey))
                    .containsOnly(builder.toString());
        }
        // Its only slot is used: the request is gone.
        assertThat(db.count("select count(*) from job_request where connection_id = 'a03-conn'"))
                .isZero();
    }

    @Test
    void disconnectDropsTheWaitingRequest() {
        String target = "a04-unknown-test";
        UUID builder = UUID.randomUUID();
        kafka.send(
                Topics.JOB_REQUESTS,
                builder.toString(),
                Fixtures.request(builder, "a04-conn", target, 1));
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job_request where"
                                                        + " connection_id = 'a04-conn'")
                                        == 1);
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Disconnected(
                        builder, "a04-conn", "gateway-1", "socket closed", Instant.now()));
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job_request where"
                                                        + " connection_id = 'a04-conn'")
                                        == 0);
        Job job = submissions.submit(Fixtures.job("nobody", "1.0.0", target)).job();
        // A late request of the closed connection is refused too.
        kafka.send(
                Topics.JOB_REQUESTS,
                builder.toString(),
                Fixtures.request(builder, "a04-conn", target, 1));
        UUID other = UUID.randomUUID();
        kafka.send(
                Topics.JOB_REQUESTS,
                other.toString(),
                Fixtures.request(other, "t04-other", target, 1));
        // The request behind it on the same topic is served, so the late one was processed.
        await().atMost(WAIT).until(() -> other.equals(db.job(job.id).builderId));
    }

    @Test
    void jobTokenClaimsVerifyAgainstTheServedJwks() throws Exception {
        String target = "a05-unknown-test";
        Job job = submissions.submit(Fixtures.job("tokened", "0.1.0", target)).job();
        UUID builder = UUID.randomUUID();
        JobAssigned assigned;
        try (var reader = kafka.reader(Topics.JOB_ASSIGNMENTS, JobAssigned.class)) {
            assertThat(
                            assignments.requestReceived(
                                    Fixtures.request(builder, "a05-conn", target, 4)))
                    .isEqualTo(1);
            assigned =
                    forTarget(reader.until(WAIT, s -> !forTarget(s, target).isEmpty()), target)
                            .get(0);
        }
        assertThat(assigned.assignment().uploadUrl())
                .isEqualTo("https://artifacts.test/api/v1/jobs/" + job.id + "/artifacts/binary");
        assertThat(assigned.assignment().timeoutSeconds()).isEqualTo(3600);

        String jwksJson =
                given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JsonWebKeySet jwks = new JsonWebKeySet(jwksJson);
        assertThat(jwks.getJsonWebKeys()).hasSize(2).allMatch(k -> k.getKeyId() != null);

        JwtConsumer consumer =
                new JwtConsumerBuilder()
                        .setVerificationKeyResolver(
                                new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                        .setExpectedIssuer("crateforge-scheduler")
                        .setExpectedAudience("crateforge-artifacts")
                        .setRequireExpirationTime()
                        .setRequireJwtId()
                        .setJwsAlgorithmConstraints(
                                org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, "ES256")
                        .build();
        JwtContext context = consumer.process(assigned.assignment().jobToken());
        JwtClaims claims = context.getJwtClaims();
        assertThat(claims.getSubject()).isEqualTo(job.id.toString());
        assertThat(((Number) claims.getClaimValue("attempt")).intValue()).isEqualTo(1);
        assertThat(claims.getStringClaimValue("builder")).isEqualTo(builder.toString());
        assertThat(claims.getStringListClaimValue("kinds")).containsExactly("binary");
        long lifetime = claims.getExpirationTime().getValue() - Instant.now().getEpochSecond();
        assertThat(lifetime).isBetween(3500L, 3601L);
        assertThat(context.getJoseObjects().get(0).getKeyIdHeaderValue())
                .isEqualTo(jwks.getJsonWebKeys().get(0).getKeyId());
    }

    @Test
    void oneCratesFloodOfVersionsDoesNotStarveOtherCrates() {
        String target = "a06-unknown-test";
        for (int i = 0; i < 5; i++) {
            submissions.submit(Fixtures.job("flood", "1.0." + i, target));
        }
        Job other = submissions.submit(Fixtures.job("quiet", "1.0.0", target)).job();
        var urgent = Fixtures.job("urgent", "1.0.0", target);
        Job priority =
                submissions
                        .submit(
                                new JobSubmission(
                                        urgent.crate(),
                                        urgent.version(),
                                        urgent.sourceUrl(),
                                        urgent.sourceSha256(),
                                        urgent.target(),
                                        urgent.kind(),
                                        10,
                                        null))
                        .job();
        UUID builder = UUID.randomUUID();
        assertThat(assignments.requestReceived(Fixtures.request(builder, "a06-conn", target, 3)))
                .isEqualTo(3);
        List<String> taken =
                List.of(priority.id, other.id).stream()
                        .map(id -> db.job(id).state.wireName())
                        .toList();
        assertThat(taken).containsOnly("assigned");
        assertThat(
                        db.count(
                                "select count(*) from job where crate = 'flood' and state ="
                                        + " 'assigned' and version = '1.0.0'"))
                .isEqualTo(1);
        assertThat(db.count("select count(*) from job where crate = 'flood' and state = 'queued'"))
                .isEqualTo(4);
    }

    @Test
    void onePollOfRequestsIsServedAsIfOneByOne() {
        String target = "a07-unknown-test";
        String idle = "a08-unknown-test";
        List<Job> queued = queue(target, 5);
        UUID b1 = UUID.randomUUID();
        UUID b2 = UUID.randomUUID();
        UUID b4 = UUID.randomUUID();
        UUID b5 = UUID.randomUUID();
        db.execute(
                """
                insert into builder_connection (connection_id, builder_id, builder_name,
                    gateway_instance, connected_at, disconnected_at)
                values ('a07-closed', gen_random_uuid(), 'gone', 'gateway-1', now(), now())
                """);
        assertThat(assignments.requestReceived(Fixtures.request(b4, "a07-c4", idle, 1))).isZero();

        int assigned =
                assignments.requestsReceived(
                        List.of(
                                Fixtures.request(b1, "a07-c1", target, 2),
                                Fixtures.request(b2, "a07-c2", target, 1),
                                Fixtures.request(UUID.randomUUID(), "a07-closed", target, 1),
                                // The same connection again: served after its first request.
                                Fixtures.request(b1, "a07-c1", target, 1),
                                // Withdraws c4's waiting request.
                                Fixtures.request(b4, "a07-c4", idle, 0),
                                // Another target in the same poll: nothing queued, so it waits.
                                Fixtures.request(b5, "a07-c5", idle, 2)));

        assertThat(assigned).isEqualTo(4);
        assertThat(queued.stream().map(j -> db.job(j.id).builderId).toList())
                .containsExactly(b1, b1, b2, b1, null);
        assertThat(db.job(queued.get(4).id).state.wireName()).isEqualTo("queued");
        assertThat(
                        db.count(
                                "select count(*) from job_request where connection_id like"
                                        + " 'a07-%'"))
                .isEqualTo(1);
        assertThat(
                        db.count(
                                "select free_slots from job_request where connection_id ="
                                        + " 'a07-c5'"))
                .isEqualTo(2);

        // A request with more slots than jobs keeps the rest.
        UUID b6 = UUID.randomUUID();
        assertThat(assignments.requestsReceived(List.of(Fixtures.request(b6, "a07-c6", target, 3))))
                .isEqualTo(1);
        assertThat(db.job(queued.get(4).id).builderId).isEqualTo(b6);
        assertThat(
                        db.count(
                                "select free_slots from job_request where connection_id ="
                                        + " 'a07-c6'"))
                .isEqualTo(2);
    }

    private static List<JobAssigned> forTarget(
            List<Map.Entry<String, JobAssigned>> seen, String target) {
        return seen.stream()
                .map(Map.Entry::getValue)
                .filter(a -> a.assignment().target().equals(target))
                .toList();
    }

    @Test
    void aBuilderGetsNoMoreThanItsConcurrencyLimitAndTheRestWaitsForAnAttemptToEnd() {
        String target = "a10-unknown-test";
        List<Job> queued = queue(target, 4);
        UUID builder = UUID.randomUUID();
        assertThat(assignments.requestReceived(Fixtures.request(builder, "a10-c1", target, 1, 2)))
                .isEqualTo(1);
        // Three free slots, but a limit of two and one attempt held: one more job only.
        assertThat(assignments.requestReceived(Fixtures.request(builder, "a10-c2", target, 3, 2)))
                .isEqualTo(1);
        String held =
                "select count(*) from job where builder_id = '"
                        + builder
                        + "'"
                        + " and state in ('assigned', 'running')";
        assertThat(db.count(held)).isEqualTo(2);
        assertThat(db.count("select count(*) from job_request where connection_id = 'a10-c2'"))
                .isEqualTo(1);
        // Old records (no limit) are bounded by their free slots only.
        assertThat(
                        assignments.requestReceived(
                                Fixtures.request(UUID.randomUUID(), "a10-c3", target, 1)))
                .isEqualTo(1);
        // One attempt of the builder ends: its waiting request gets the last job.
        Job mine =
                queued.stream()
                        .map(j -> db.job(j.id))
                        .filter(j -> builder.equals(j.builderId))
                        .findFirst()
                        .orElseThrow();
        jobs.cancel(mine.id, "test");
        await().atMost(WAIT).until(() -> db.count(held) == 2);
        assertThat(
                        db.count(
                                "select count(*) from job where target = '"
                                        + target
                                        + "'"
                                        + " and state = 'queued'"))
                .isZero();
    }

    /** Records {@code builder} as connected now, as a gateway's connection record would. */
    private void online(UUID builder, String connection) {
        db.execute(
                "insert into builder_connection (connection_id, builder_id, builder_name,"
                        + " gateway_instance, connected_at) values ('"
                        + connection
                        + "', '"
                        + builder
                        + "', 'test', 'gateway-1', now())");
    }

    /**
     * Lets the job's builder fail it for a reason that is not the crate's; waits for the requeue.
     */
    private void failedByTheMachine(Job job) {
        kafka.send(
                Topics.JOB_EVENTS,
                job.id.toString(),
                Fixtures.failure(job, job.builderId, FailureCode.INFRASTRUCTURE));
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from job where id = '"
                                                        + job.id
                                                        + "' and state = 'queued'"
                                                        + " and not_before <= now()")
                                        == 1);
    }

    @Test
    void aJobRetriedAfterABuildersFaultGoesToAnotherBuilderWhileOneIsOnline() {
        String target = "r01-unknown-test";
        UUID flaky = UUID.randomUUID();
        UUID healthy = UUID.randomUUID();
        online(flaky, "r01-flaky-1");
        online(healthy, "r01-healthy-1");
        Job job = assigned("flaky-disk", target, "r01-flaky-1", flaky);
        failedByTheMachine(job);

        // Alone, the builder that failed it gets nothing, however often it asks.
        assertThat(assignments.requestReceived(Fixtures.request(flaky, "r01-flaky-1", target, 2)))
                .isZero();
        assertThat(db.job(job.id).state).isEqualTo(JobState.QUEUED);

        // Asking together (one statement for both), the other builder gets it.
        int assigned =
                assignments.requestsReceived(
                        List.of(
                                Fixtures.request(flaky, "r01-flaky-1", target, 2),
                                Fixtures.request(healthy, "r01-healthy-1", target, 1)));
        assertThat(assigned).isEqualTo(1);
        Job retried = db.job(job.id);
        assertThat(retried.state).isEqualTo(JobState.ASSIGNED);
        assertThat(retried.builderId).isEqualTo(healthy);
        assertThat(retried.attempt).isEqualTo(2);
    }

    @Test
    void theSameBuilderRetriesWhenNoOtherIsOnlineOrOnceTheAvoidanceRanOut() {
        String target = "r02-unknown-test";
        UUID only = UUID.randomUUID();
        online(only, "r02-only-1");
        // Another builder is online (of any target): avoidances hold.
        online(UUID.randomUUID(), "r02-elsewhere-1");
        Job lonely = assigned("lonely", target, "r02-only-1", only);
        failedByTheMachine(lonely);
        Job waiting = assigned("waiting", target, "r02-only-1", only);
        failedByTheMachine(waiting);
        assertThat(assignments.requestReceived(Fixtures.request(only, "r02-only-1", target, 1)))
                .isZero();

        // Its avoidance ran out: any builder may take the job again.
        db.execute("update job set avoid_until = now() where id = '" + waiting.id + "'");
        assertThat(assignments.requestReceived(Fixtures.request(only, "r02-only-1", target, 1)))
                .isEqualTo(1);
        assertThat(db.job(waiting.id).builderId).isEqualTo(only);

        // No other builder online: the builder that failed it retries it after the backoff.
        List<?> others =
                db.list(
                        "select connection_id from builder_connection where disconnected_at is null"
                                + " and builder_id <> '"
                                + only
                                + "'");
        db.execute(
                "update builder_connection set disconnected_at = now() where disconnected_at is"
                        + " null and builder_id <> '"
                        + only
                        + "'");
        try {
            assertThat(assignments.requestReceived(Fixtures.request(only, "r02-only-2", target, 1)))
                    .isEqualTo(1);
            assertThat(db.job(lonely.id).builderId).isEqualTo(only);
        } finally {
            for (Object connection : others) {
                db.execute(
                        "update builder_connection set disconnected_at = null where connection_id"
                                + " = '"
                                + connection
                                + "'");
            }
        }
    }
}
