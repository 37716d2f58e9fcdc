package dev.crateforge.scheduler.console;

import static org.awaitility.Awaitility.await;

import dev.crateforge.scheduler.support.OperatorTokens;
import dev.crateforge.scheduler.support.SchedulerTest;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the console's browser tests share: the console's address, a headless {@link Browser} that
 * each test opens at the size it looks at, signing in through the login form, and the folder the
 * screenshots go to. Without chromium the tests skip, loudly.
 */
abstract class BrowserTest extends SchedulerTest {

    @TestHTTPResource("/")
    URL base;

    private Browser.Binaries binaries;

    @BeforeEach
    void findBrowser() {
        binaries = Browser.find().orElse(null);
        Assumptions.assumeTrue(binaries != null, "chromium not found: SKIPPING browser tests");
    }

    /** A fresh browser whose window is {@code width} × {@code height} CSS pixels; quit it. */
    ChromeDriver open(int width, int height) {
        return Browser.open(binaries, width, height);
    }

    String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    /** Signs in through the login form with the admin's token, as a person would. */
    void signIn(ChromeDriver browser) {
        browser.get(url("/console/login"));
        browser.findElement(By.id("token")).sendKeys(OperatorTokens.admin());
        browser.findElement(By.cssSelector("form.login button")).click();
        await().atMost(WAIT).until(() -> !browser.findElements(By.id("signed-in")).isEmpty());
    }

    static Path screenshots() throws IOException {
        return Files.createDirectories(Path.of("target/console-screenshots"));
    }
}
