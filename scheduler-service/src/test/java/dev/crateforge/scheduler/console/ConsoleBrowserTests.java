package dev.crateforge.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.contract.FailureCode;
import dev.crateforge.protocol.job.JobState;
import dev.crateforge.scheduler.job.Job;
import dev.crateforge.scheduler.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console in a real browser (headless chromium): the live log, hostile text that must not run,
 * signing in and acting through the forms, and the layout on a phone and on a wide screen.
 * Screenshots of the pages are written to {@code target/console-screenshots}.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
class ConsoleBrowserTests extends BrowserTest {

    /** Each would change the page's title if the browser ran it. */
    private static final String[] HOSTILE_LINES = {
        "<script>document.title='pwned'</script>",
        "<img src=x onerror=\"document.title='pwned'\">",
        "<a href=\"javascript:document.title='pwned'\">link</a>",
        "\u001B[1;31mred and bold\u001B[0m after the colour"
    };

    @Test
    void theLiveLogShowsHostileLinesAsTextAndRunsNothing() {
        UUID builder = UUID.randomUUID();
        Job job = assigned("browser-live", "c05-unknown-test", "c05-conn", builder);
        ChromeDriver browser = open(1280, 900);
        try {
            browser.get(url("/console/jobs/" + job.id));
            String title = browser.getTitle();
            await().atMost(WAIT)
                    .until(
                            () ->
                                    browser.findElement(By.id("log-status"))
                                            .getText()
                                            .startsWith("Following"));
            for (int i = 0; i < HOSTILE_LINES.length; i++) {
                logLine(job, builder, i + 1, HOSTILE_LINES[i]);
            }

            await().atMost(WAIT)
                    .until(() -> browser.findElements(By.cssSelector("#log .line")).size() == 4);
            String shown = browser.findElement(By.id("log")).getText();
            assertThat(shown)
                    .contains("<script>document.title='pwned'</script>")
                    .contains("<img src=x onerror=")
                    .contains("red and bold after the colour")
                    .doesNotContain("\u001B");
            assertThat(browser.findElements(By.cssSelector("#log img, #log script, #log a")))
                    .isEmpty();
            assertThat(browser.getTitle()).isEqualTo(title).doesNotContain("pwned");
        } finally {
            browser.quit();
        }
    }

    @Test
    void aFailureReasonRenderedByTheServerRunsNothing() {
        Job job =
                failedAfterLogging(
                        "browser-failed",
                        "c06-unknown-test",
                        HOSTILE_LINES[1],
                        FailureCode.COMPILE_ERROR,
                        HOSTILE_LINES[0]);

        ChromeDriver browser = open(1280, 900);
        try {
            browser.get(url("/console/jobs/" + job.id));
            assertThat(browser.findElement(By.cssSelector(".failure")).getText())
                    .contains("<script>document.title='pwned'</script>");
            assertThat(browser.findElement(By.id("log")).getText()).contains("<img src=x");
            assertThat(browser.findElements(By.cssSelector("main img, main script"))).isEmpty();
            assertThat(browser.getTitle()).doesNotContain("pwned").contains("browser-failed");
            // Stated in words, not only in colour.
            assertThat(browser.findElement(By.cssSelector(".state")).getText())
                    .contains("State: failed");
        } finally {
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInThroughTheFormAndCancelsAJob() throws IOException {
        Job job =
                submissions
                        .submit(Fixtures.job("browser-cancel", "1.0.0", "k08-unknown-test"))
                        .job();
        ChromeDriver browser = open(375, 900);
        try {
            signIn(browser);
            assertThat(browser.findElement(By.id("signed-in")).getText())
                    .contains("Signed in as ada with admin");

            browser.get(url("/console/jobs/" + job.id));
            ((JavascriptExecutor) browser)
                    .executeScript("document.querySelector('.actions').scrollIntoView();");
            Path shots = screenshots();
            Files.write(
                    shots.resolve("job-signed-in-375.png"),
                    browser.getScreenshotAs(OutputType.BYTES));
            browser.findElement(By.cssSelector("form[action$='/cancel'] button")).click();

            await().atMost(WAIT)
                    .until(
                            () ->
                                    browser.findElement(By.cssSelector(".state"))
                                            .getText()
                                            .contains("State: cancelled"));
            assertThat(browser.findElement(By.id("actions")).getText()).contains("ada cancel");
            assertThat(db.job(job.id).state).isEqualTo(JobState.CANCELLED);
        } finally {
            browser.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {375, 1920})
    void pagesFitThePhoneAndTheWideScreen(int width) throws IOException {
        // A target per width: each run's queued job stays out of the other's claim.
        String target = width < 1000 ? "c07-unknown-test" : "c08-unknown-test";
        UUID builder = UUID.randomUUID();
        Job job = assigned("browser-layout-" + width, target, "c07-" + width, builder);
        logLine(
                job,
                builder,
                1,
                "Compiling browser-layout v1.0.0 (" + "/very/long/path".repeat(12) + ")");
        submissions.submit(Fixtures.job("browser-layout-" + width, "1.1.0", target));
        ChromeDriver browser = open(width, 900);
        try {
            Path shots = screenshots();
            java.util.Map<String, String> pages = new java.util.LinkedHashMap<>();
            pages.put("queue", "/console");
            pages.put("job", "/console/jobs/" + job.id);
            pages.put("crate", "/console/crates/" + job.crate);
            pages.put("builders", "/console/builders");
            pages.put("login", "/console/login");
            for (java.util.Map.Entry<String, String> entry : pages.entrySet()) {
                String page = entry.getValue();
                browser.get(url(page));
                await().atMost(WAIT).until(() -> !browser.findElements(By.tagName("h1")).isEmpty());
                long overflow =
                        (Long)
                                ((JavascriptExecutor) browser)
                                        .executeScript(
                                                "return document.documentElement.scrollWidth"
                                                        + " - window.innerWidth;");
                assertThat(overflow).as("horizontal overflow of " + page).isLessThanOrEqualTo(0);
                Files.write(
                        shots.resolve(entry.getKey() + "-" + width + ".png"),
                        browser.getScreenshotAs(OutputType.BYTES));
            }
        } finally {
            browser.quit();
        }
    }
}
