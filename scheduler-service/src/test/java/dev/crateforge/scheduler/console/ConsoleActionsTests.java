package dev.crateforge.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.protocol.kafka.BuilderConnectionChange;
import dev.crateforge.protocol.kafka.Topics;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Signing in to the console and its operator actions over HTTP, as a browser posts them: the
 * session cookie, refused tokens, the CSRF and origin checks (a refused form changes nothing), each
 * action's effect on the job or crate with its audit row, and which forms each visitor sees. Each
 * test has a target of its own (k01…k09).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class ConsoleActionsTests extends SchedulerTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TestHTTPResource("/")
    URL base;

    /** The origin a browser names when it posts a console form. */
    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private RequestSpecification form() {
        return given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .header("Origin", origin());
    }

    private Response signIn(String token) {
        return form().formParam("token", token).post("/console/login").then().extract().response();
    }

    /** The session cookie of a successful sign-in. */
    private Cookie session(String token) {
        Response response = signIn(token);
        assertThat(response.statusCode()).as(response.body().asString()).isEqualTo(303);
        return response.getDetailedCookie(ConsoleLogins.COOKIE);
    }

    private static String page(Cookie session, String path) {
        return given().cookie(session).get(path).then().statusCode(200).extract().asString();
    }

    /** The CSRF token the page's forms carry for the session. */
    private static String csrf(Cookie session, String path) {
        Matcher matcher = CSRF.matcher(page(session, path));
        assertThat(matcher.find()).as("a form with a CSRF token on " + path).isTrue();
        return matcher.group(1);
    }

    private Response post(Cookie session, String path, Map<String, String> fields) {
        return form().cookie(session).formParams(fields).post(path).then().extract().response();
    }

    private Job queued(String crate, String target) {
        return submissions.submit(Fixtures.job(crate, "1.0.0", target)).job();
    }

    /** The audit row of the action on the target, as {@code actor|old value|new value}. */
    private Object auditRow(Object target, String action) {
        return db.single(
                "select actor || '|' || coalesce(old_value, '-') || '|' || coalesce(new_value, '-')"
                        + " from operator_action where target = '"
                        + target
                        + "' and action = '"
                        + action
                        + "'");
    }

    /** A post with the session's cookie and these headers only (no Origin unless given). */
    private static Response postWithHeaders(
            Cookie session, String path, String csrf, Map<String, String> headers) {
        return given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .cookie(session)
                .headers(headers)
                .formParam("csrf", csrf)
                .post(path)
                .then()
                .extract()
                .response();
    }

    /** Sends a form of the page with the page's CSRF token and one field. */
    private Response fill(Cookie session, String page, String action, String field, String value) {
        return post(session, page + action, Map.of("csrf", csrf(session, page), field, value));
    }

    /** The page answered with the status and says the text. */
    private static void assertAnswer(Response response, int status, String text) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body().asString()).contains(text);
    }

    private long audited(Object target, String action) {
        return db.count(
                "select count(*) from operator_action where target = '"
                        + target
                        + "' and action = '"
                        + action
                        + "'");
    }

    @Test
    void aGoodTokenOpensAStrictSessionThatShowsWhoIsSignedIn() {
        Response response = signIn(OperatorTokens.admin());

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.header("Location")).endsWith("/console/login");
        String setCookie = response.header("Set-Cookie");
        assertThat(setCookie)
                .startsWith(ConsoleLogins.COOKIE + "=")
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=/console");
        Cookie cookie = response.getDetailedCookie(ConsoleLogins.COOKIE);
        // The test token lives ten minutes: the session may not outlive it.
        assertThat(cookie.getMaxAge()).isBetween(1L, 600L);
        assertThat(cookie.isSecured()).as("plain http in tests").isFalse();

        String html = page(cookie, "/console/login");
        assertThat(html).contains("id=\"signed-in\"").contains("<strong>ada</strong> with admin");
        assertThat(page(cookie, "/console")).contains("Signed in as <strong>ada</strong>");
    }

    /**
     * HTTP/2 names the address in {@code :authority} and sends no Host header, so the console's own
     * origin must come from the request's authority: a browser over h2, or a client that upgrades a
     * plain connection as the JDK's does by default, posts from the console's own origin too.
     */
    @Test
    void aSignInOverHttp2IsFromTheConsolesOwnOrigin() throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        URI login = URI.create(origin() + "/console/login");
        // The first request upgrades the connection (h2c); the post then goes over HTTP/2.
        http.send(HttpRequest.newBuilder(login).build(), HttpResponse.BodyHandlers.discarding());

        HttpResponse<String> signedIn =
                http.send(
                        HttpRequest.newBuilder(login)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("Origin", origin())
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "token="
                                                        + URLEncoder.encode(
                                                                OperatorTokens.admin(),
                                                                StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(signedIn.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(c -> assertThat(c).startsWith(ConsoleLogins.COOKIE + "="));
    }

    @Test
    void tokensThatDoNotVerifyOrLackAGroupOpenNoSession() {
        Response foreign = signIn(OperatorTokens.signedByAnotherKey("mallory", "admin"));
        assertAnswer(foreign, 401, "signature does not verify");
        assertThat(foreign.header("Set-Cookie")).isNull();

        Response expired = signIn(OperatorTokens.expired("ada", "admin"));
        assertAnswer(expired, 401, "The token has expired");
        assertThat(expired.header("Set-Cookie")).isNull();

        Response viewer = signIn(OperatorTokens.withRoles("vic", "viewer"));
        assertAnswer(viewer, 403, "in neither group admin nor submitter");
        assertThat(viewer.header("Set-Cookie")).isNull();

        Response garbage = signIn("not a token");
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body().asString())
                .contains("not a valid operator token")
                .doesNotContain("not a token</");

        Response forged =
                given().redirects()
                        .follow(false)
                        .contentType(ContentType.URLENC)
                        .header("Origin", "https://evil.example")
                        .formParam("token", OperatorTokens.admin())
                        .post("/console/login")
                        .then()
                        .extract()
                        .response();
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.header("Set-Cookie")).isNull();
    }

    @Test
    void aCookieThatIsNotASessionShowsTheSignedOutPage() {
        String html =
                given().cookie(ConsoleLogins.COOKIE, OperatorTokens.expired("ada", "admin"))
                        .get("/console/login")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
        assertThat(html).contains("name=\"token\"").doesNotContain("Signed in as");
    }

    @Test
    void signedOutPagesShowNoActionForms() {
        Job job = queued("console-guest", "k01-unknown-test");

        String jobPage = given().get("/console/jobs/" + job.id).then().extract().asString();
        String cratePage = given().get("/console/crates/console-guest").then().extract().asString();

        for (String html : new String[] {jobPage, cratePage}) {
            assertThat(html)
                    .doesNotContain("method=\"post\"")
                    .doesNotContain("name=\"csrf\"")
                    .contains("href=\"/console/login\">Sign in</a>");
        }
    }

    @Test
    void aSubmitterActsOnJobsButSeesNoLimitForms() {
        Job job = queued("console-sam", "k09-unknown-test");
        Cookie sam = session(OperatorTokens.submitter());

        assertThat(page(sam, "/console/jobs/" + job.id))
                .contains("action=\"/console/jobs/" + job.id + "/cancel\"")
                .contains("action=\"/console/jobs/" + job.id + "/priority\"");
        assertThat(page(sam, "/console/crates/console-sam"))
                .doesNotContain("/limits\" method=\"post\"");

        Response refused =
                post(
                        sam,
                        "/console/crates/console-sam/limits",
                        Map.of("csrf", csrf(sam, "/console"), "processes", "64"));
        assertAnswer(refused, 403, "needs the admin group");
        assertThat(db.count("select count(*) from crate_limits where crate = 'console-sam'"))
                .isZero();
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenOrFromAnotherOriginChangesNothing() {
        Job job = queued("console-csrf", "k02-unknown-test");
        Cookie ada = session(OperatorTokens.admin());
        Cookie sam = session(OperatorTokens.submitter());
        String cancel = "/console/jobs/" + job.id + "/cancel";

        Response missing = post(ada, cancel, Map.of());
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.contentType()).startsWith("text/html");
        assertThat(missing.body().asString()).contains("CSRF token is missing or does not belong");

        assertThat(post(ada, cancel, Map.of("csrf", "forged")).statusCode()).isEqualTo(403);
        // Another session's token is no good either.
        assertThat(post(ada, cancel, Map.of("csrf", csrf(sam, "/console"))).statusCode())
                .isEqualTo(403);

        String token = csrf(ada, "/console/jobs/" + job.id);
        Response elsewhere =
                postWithHeaders(ada, cancel, token, Map.of("Origin", "https://evil.example"));
        assertAnswer(elsewhere, 403, "sent from another site");

        Response unnamed = postWithHeaders(ada, cancel, token, Map.of());
        assertAnswer(unnamed, 403, "neither its Origin nor its Referer");

        Response signedOut =
                form().formParam("csrf", token).post(cancel).then().extract().response();
        assertThat(signedOut.statusCode()).isEqualTo(401);

        assertThat(db.job(job.id).state).isEqualTo(JobState.QUEUED);
        assertThat(db.count("select count(*) from operator_action where target = '" + job.id + "'"))
                .isZero();

        // A Referer of the console's own origin stands in for a missing Origin.
        Response viaReferer =
                postWithHeaders(
                        ada,
                        cancel,
                        token,
                        Map.of("Referer", origin() + "/console/jobs/" + job.id));
        assertThat(viaReferer.statusCode()).isEqualTo(303);
        assertThat(db.job(job.id).state).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void cancellingFromTheJobPageCancelsAndAuditsIt() {
        Job job = queued("console-cancel", "k03-unknown-test");
        Cookie ada = session(OperatorTokens.admin());
        String jobPage = "/console/jobs/" + job.id;

        Response response = post(ada, jobPage + "/cancel", Map.of("csrf", csrf(ada, jobPage)));

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.header("Location")).endsWith(jobPage);
        assertThat(db.job(job.id).state).isEqualTo(JobState.CANCELLED);
        assertThat(auditRow(job.id, "cancel"))
                .isEqualTo("ada|queued, attempt 1|cancelled, attempt 1");
        String html = page(ada, jobPage);
        assertThat(html)
                .contains("<strong>ada</strong> cancel")
                .doesNotContain("/cancel\" method=\"post\"")
                .contains("/retry\" method=\"post\"");

        // Cancelling again is refused with a page that says why, and records nothing.
        Response again = post(ada, jobPage + "/cancel", Map.of("csrf", csrf(ada, jobPage)));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("text/html");
        assertThat(audited(job.id, "cancel")).isEqualTo(1);
    }

    @Test
    void retryingACancelledJobQueuesANewAttemptAndAuditsIt() {
        Job job = queued("console-retry", "k04-unknown-test");
        jobs.cancel(job.id, "sam");
        Cookie ada = session(OperatorTokens.admin());
        String jobPage = "/console/jobs/" + job.id;

        Response response = post(ada, jobPage + "/retry", Map.of("csrf", csrf(ada, jobPage)));

        assertThat(response.statusCode()).isEqualTo(303);
        Job retried = db.job(job.id);
        assertThat(retried.state).isEqualTo(JobState.QUEUED);
        assertThat(retried.attempt).isEqualTo(2);
        assertThat(auditRow(job.id, "retry"))
                .isEqualTo("ada|cancelled, attempt 1|queued, attempt 2");
        // The API's cancel before it is in the same audit.
        assertThat(audited(job.id, "cancel")).isEqualTo(1);
    }

    @Test
    void changingThePriorityChangesItAndAuditsBothValues() {
        Job job = queued("console-priority", "k05-unknown-test");
        Cookie sam = session(OperatorTokens.submitter());
        String jobPage = "/console/jobs/" + job.id;

        Response response = fill(sam, jobPage, "/priority", "priority", "7");

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(db.job(job.id).priority).isEqualTo(7);
        assertThat(auditRow(job.id, "set-priority")).isEqualTo("sam|" + job.priority + "|7");
        assertThat(page(sam, jobPage)).contains("value=\"7\"");

        Response word = fill(sam, jobPage, "/priority", "priority", "high");
        assertAnswer(word, 422, "must be a whole number");
        Response far = fill(sam, jobPage, "/priority", "priority", "5000");
        assertAnswer(far, 422, "must be between -1000 and 1000");
        assertThat(db.job(job.id).priority).isEqualTo(7);
        assertThat(audited(job.id, "set-priority")).isEqualTo(1);
    }

    @Test
    void anAdminSetsAndClearsACratesLimitsFromItsPage() {
        String cratePage = "/console/crates/console-limits";
        Cookie ada = session(OperatorTokens.admin());
        assertThat(page(ada, cratePage)).contains("No limits of its own");

        Response set =
                post(
                        ada,
                        cratePage + "/limits",
                        Map.of(
                                "csrf", csrf(ada, cratePage),
                                "processes", "64",
                                "cpuSeconds", "600",
                                "memoryBytes", ""));
        assertThat(set.statusCode()).isEqualTo(303);
        assertThat(set.header("Location")).endsWith(cratePage);
        assertThat(
                        db.single(
                                "select processes || '|' || cpu_seconds || '|' ||"
                                        + " coalesce(memory_bytes::text, 'none') from crate_limits"
                                        + " where crate = 'console-limits'"))
                .isEqualTo("64|600|none");
        assertThat(page(ada, cratePage)).contains("<dt>Processes</dt><dd>64</dd>");
        assertThat(audited("console-limits", "set-limits")).isEqualTo(1);

        Response empty = post(ada, cratePage + "/limits", Map.of("csrf", csrf(ada, cratePage)));
        assertAnswer(empty, 422, "No limit is filled in");
        Response tooMany = fill(ada, cratePage, "/limits", "processes", "99999999999");
        assertAnswer(tooMany, 422, "field &#39;processes&#39; must be between");

        Response clear =
                post(ada, cratePage + "/limits/clear", Map.of("csrf", csrf(ada, cratePage)));
        assertThat(clear.statusCode()).isEqualTo(303);
        assertThat(db.count("select count(*) from crate_limits where crate = 'console-limits'"))
                .isZero();
        assertThat(auditRow("console-limits", "clear-limits"))
                .isEqualTo("ada|{\"cpuSeconds\":600,\"processes\":64}|-");
        assertThat(page(ada, cratePage)).contains("No limits of its own").contains("clear-limits");
    }

    @Test
    void signingOutEndsTheSessionInTheBrowser() {
        Cookie ada = session(OperatorTokens.admin());

        Response out = post(ada, "/console/logout", Map.of("csrf", csrf(ada, "/console")));

        assertThat(out.statusCode()).isEqualTo(303);
        Cookie cleared = out.getDetailedCookie(ConsoleLogins.COOKIE);
        assertThat(cleared.getValue()).isEmpty();
        assertThat(cleared.getMaxAge()).isZero();
    }

    @Test
    void theAuditIsReadByAdminsThroughTheApi() {
        Job job = queued("console-audit", "k06-unknown-test");
        jobs.changePriority(job.id, 3, "ada");
        jobs.cancel(job.id, "ada");

        given().get("/api/v1/audit").then().statusCode(401);
        given().auth()
                .oauth2(OperatorTokens.submitter())
                .get("/api/v1/audit")
                .then()
                .statusCode(403);
        var entries =
                given().auth()
                        .oauth2(OperatorTokens.admin())
                        .queryParam("job", job.id.toString())
                        .get("/api/v1/audit")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
        assertThat(entries.getList("action", String.class))
                .containsExactly("cancel", "set-priority");
        assertThat(entries.getList("actor", String.class)).containsOnly("ada");
        assertThat(entries.getString("[1].newValue")).isEqualTo("3");
        long newest = entries.getLong("[0].id");
        assertThat(
                        given().auth()
                                .oauth2(OperatorTokens.admin())
                                .queryParam("job", job.id.toString())
                                .queryParam("before", newest)
                                .get("/api/v1/audit")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("action", String.class))
                .containsExactly("set-priority");

        given().auth()
                .oauth2(OperatorTokens.admin())
                .queryParam("job", "nope")
                .get("/api/v1/audit")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(OperatorTokens.admin())
                .queryParam("limit", 0)
                .get("/api/v1/audit")
                .then()
                .statusCode(400);
    }

    @Test
    void theBuildersPageListsOnlineBuildersWithWhatTheyRun() {
        UUID builder = UUID.randomUUID();
        kafka.send(
                Topics.BUILDER_CONNECTIONS,
                builder.toString(),
                new BuilderConnectionChange.Connected(
                        builder, "builder-k07", "k07-conn", "gateway-1", Instant.now()));
        await().atMost(WAIT)
                .until(
                        () ->
                                db.count(
                                                "select count(*) from builder_connection where"
                                                        + " connection_id = 'k07-conn'")
                                        == 1);
        Job job = assigned("console-builders", "k07-unknown-test", "k07-conn", builder);

        String html = given().get("/console/builders").then().statusCode(200).extract().asString();

        assertThat(html)
                .contains("builder-k07")
                .contains("<code class=\"wrap hint\">" + builder + "</code>")
                .contains("<a href=\"/console/jobs/" + job.id + "\">console-builders 1.0.0</a>")
                .contains("href=\"/console/builders\">Builders</a>");
    }

    @Test
    void theRegistriesPageIsForSignedInOperators() {
        assertThat(given().get("/console/registries").then().statusCode(200).extract().asString())
                .contains("id=\"sign-in-needed\"")
                .doesNotContain("<table>");
        assertThat(page(session(OperatorTokens.submitter()), "/console/registries"))
                .doesNotContain("sign-in-needed")
                .contains("No registry is followed");
    }
}
