package dev.crateforge.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The console's pages as a browser receives them: security headers, untrusted text escaped and
 * stripped of terminal codes, and precise errors for bad input. Each test has a target of its own.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class ConsoleTests extends SchedulerTest {

    private static final String HOSTILE_LINE =
            "<script>alert('line')</script> <a href=\"javascript:alert(1)\">x</a>"
                    + " \u001B[31mred\u001B[0m \u001B]0;title\u0007done";
    private static final String HOSTILE_REASON = "<img src=x onerror=alert('reason')> broke";

    private static Response page(String path) {
        return given().get(path).then().extract().response();
    }

    private static void assertConsoleHeaders(Response response) {
        assertThat(response.contentType()).startsWith("text/html");
        assertThat(response.header("Content-Security-Policy"))
                .contains("script-src 'self'")
                .contains("default-src 'none'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void theQueuePageShowsEachTargetsQueue() {
        String target = "c01-unknown-test";
        submissions.submit(Fixtures.job("console-queued", "1.0.0", target));

        Response response = page("/console");

        assertThat(response.statusCode()).isEqualTo(200);
        assertConsoleHeaders(response);
        assertThat(response.body().asString()).contains("<code>" + target + "</code>");
    }

    @Test
    void untrustedLogLinesAndFailureReasonsStayText() {
        String target = "c02-unknown-test";
        Job job =
                failedAfterLogging(
                        "console-hostile",
                        target,
                        HOSTILE_LINE,
                        FailureCode.COMPILE_ERROR,
                        HOSTILE_REASON);

        Response response = page("/console/jobs/" + job.id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertConsoleHeaders(response);
        String html = response.body().asString();
        // The page's only script is its own file; the untrusted text is escaped.
        assertThat(html.split("<script", -1)).hasSize(2);
        assertThat(html).contains("<script src=\"/console/console.js\" defer></script>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;line&#39;)&lt;/script&gt;");
        assertThat(html).doesNotContain("<a href=\"javascript:");
        assertThat(html).contains("&lt;img src=x onerror=alert(&#39;reason&#39;)&gt; broke");
        assertThat(html).doesNotContain("<img");
        // Terminal codes are gone, their text stays.
        assertThat(html).doesNotContain("\u001B").doesNotContain("\u0007");
        assertThat(html).contains(" red ").contains("done");
        // A finished job has nothing to follow.
        assertThat(html).doesNotContain("data-follow");
    }

    @Test
    void aRunningJobsPageFollowsItsLogFromTheLastLineShown() {
        String target = "c03-unknown-test";
        Job job = assigned("console-live", target, "c03-conn", UUID.randomUUID());

        String html = page("/console/jobs/" + job.id).body().asString();

        assertThat(html)
                .contains(
                        "data-follow=\"/api/v1/jobs/"
                                + job.id
                                + "/logs/stream?attempt=1&amp;after=0\"")
                .doesNotContain("log-cut");
    }

    @Test
    void anEndedJobsLongLogSaysWhereTheRestIs() {
        String target = "c10-unknown-test";
        Job job =
                failedAfterLogging(
                        "console-long", target, "line 1", FailureCode.COMPILE_ERROR, "no");
        db.execute(
                "insert into job_log (job_id, attempt, seq, stream, line)"
                        + " select '"
                        + job.id
                        + "', 1, n, 'stdout', 'line ' || n from generate_series(2, 2500) n");

        String html = page("/console/jobs/" + job.id).body().asString();

        assertThat(html)
                .contains("The first 2000 lines of the log are shown")
                .contains("href=\"/api/v1/jobs/" + job.id + "/logs?attempt=1\"")
                .contains(">line 2000</span>")
                .doesNotContain(">line 2001</span>")
                .doesNotContain("data-follow");
        // The stream, like the pages, names the attempt it follows; a wrong one is refused.
        given().get("/api/v1/jobs/" + job.id + "/logs/stream?attempt=0")
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("'attempt'"));
    }

    @Test
    void theCratePageListsItsBuildsAndTheSearchLeadsThere() {
        String target = "c04-unknown-test";
        List<Job> builds =
                List.of(
                        submissions.submit(Fixtures.job("console-crate", "1.0.0", target)).job(),
                        submissions.submit(Fixtures.job("console-crate", "1.1.0", target)).job());

        Response search =
                given().redirects()
                        .follow(false)
                        .queryParam("name", " console-crate ")
                        .get("/console/crates")
                        .then()
                        .extract()
                        .response();
        assertThat(search.statusCode()).isEqualTo(303);
        assertThat(search.header("Location")).endsWith("/console/crates/console-crate");

        String html = page("/console/crates/console-crate").body().asString();
        for (Job build : builds) {
            assertThat(html).contains("href=\"/console/jobs/" + build.id + "\">" + build.version);
        }
        assertThat(html).doesNotContain("(yanked)");

        // A version a followed registry yanked says so beside it.
        db.execute(
                "insert into crate_version_yank (registry, crate, version, yanked)"
                        + " values ('console-registry', 'console-crate', '1.0.0', true)");
        String after = page("/console/crates/console-crate").body().asString();
        assertThat(after)
                .contains(
                        "href=\"/console/jobs/"
                                + builds.get(0).id
                                + "\">1.0.0</a> <span class=\"yanked\">(yanked)</span>")
                .contains("href=\"/console/jobs/" + builds.get(1).id + "\">1.1.0</a></th>");
    }

    @Test
    void aSucceededBuildLinksItsDownloadAndProvenanceWithTheCommandsThatVerifyThem() {
        String target = "c09-unknown-test";
        Job job = submissions.submit(Fixtures.job("console-built", "2.0.0", target)).job();
        // The page only reads the state; how a job succeeds is the lifecycle tests' business.
        assertThat(
                        db.execute(
                                "update job set state = 'succeeded', finished_at = now() where id"
                                        + " = '"
                                        + job.id
                                        + "'"))
                .isEqualTo(1);
        String base = "https://artifacts.test/api/v1/jobs/" + job.id;
        String file = "console-built-2.0.0-" + target + ".tar.gz";

        String html = page("/console/jobs/" + job.id).body().asString();

        assertThat(html)
                .contains("<a href=\"" + base + "/artifacts/binary\">" + file + "</a>")
                .contains("href=\"" + base + "/provenance/intoto.jsonl\"")
                .contains("href=\"" + base + "/provenance/builder-key.json\"")
                .contains(
                        "ssh-keygen -Y verify -f allowed_signers -I builder -n build@crateforge.dev"
                                + " -s statement.sig &lt; statement")
                .contains("python3 verify_dsse.py provenance.intoto.jsonl builder-key.json");
        assertThat(page("/console/crates/console-built").body().asString())
                .contains("<a href=\"" + base + "/artifacts/binary\">" + file + "</a>");
    }

    @Test
    void aBuildThatDidNotSucceedOffersNoDownload() {
        Job job =
                submissions
                        .submit(Fixtures.job("console-unbuilt", "1.0.0", "c09-unknown-test"))
                        .job();
        assertThat(page("/console/jobs/" + job.id).body().asString())
                .doesNotContain("Download and verify")
                .doesNotContain("/artifacts/binary");
    }

    @Test
    void badInputGetsAPreciseProblem() {
        Response badName =
                given().queryParam("name", "<script>")
                        .get("/console/crates")
                        .then()
                        .extract()
                        .response();
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body().asString()).contains("must be a crate name");

        assertThat(page("/console/jobs/not-a-uuid").statusCode()).isEqualTo(400);
        assertThat(page("/console/jobs/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    }
}
