package dev.crateforge.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crateforge.localstack.quarkus.KafkaTestResource;
import dev.crateforge.localstack.quarkus.PostgresTestResource;
import dev.crateforge.protocol.ssh.SshPrivateKey;
import dev.crateforge.scheduler.support.GatewayStandIn;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The builders page and the health page in a real browser (headless chromium), against a server
 * that answers as the gateway's admin API ({@link GatewayStandIn}): an admin registers a builder by
 * pasting its key, disables it and deletes it after the confirm page; a rejected key shows the
 * gateway's message; the health page states every service. Screenshots go to {@code
 * target/console-screenshots}.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(GatewayStandIn.class)
class ConsoleBuildersBrowserTests extends BrowserTest {

    private static void fillRegisterForm(ChromeDriver browser, String name, String key) {
        browser.findElement(By.id("publicKey")).sendKeys(key);
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("owner")).sendKeys("team-h");
        browser.findElement(By.id("targets")).sendKeys("x86_64-unknown-linux-gnu");
    }

    private static WebElement row(ChromeDriver browser, String name) {
        return browser.findElements(By.cssSelector("#registry tbody tr")).stream()
                .filter(r -> r.getText().contains(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not listed"));
    }

    private static Path shots() throws IOException {
        return screenshots();
    }

    @Test
    void anAdminRegistersDisablesAndDeletesABuilder() throws IOException {
        ChromeDriver browser = open(1920, 1100);
        try {
            signIn(browser);
            browser.get(url("/console/builders"));
            fillRegisterForm(
                    browser,
                    "browser-h-builder",
                    SshPrivateKey.generateEd25519().publicKey().openSshLineWithComment());
            browser.findElement(By.cssSelector("form.register button")).click();

            await().atMost(WAIT).until(() -> !browser.findElements(By.id("registry")).isEmpty());
            WebElement registered = row(browser, "browser-h-builder");
            assertThat(registered.getText())
                    .contains("enabled")
                    .contains("SHA256:")
                    .contains("team-h");
            String id = registered.getAttribute("id").substring("builder-".length());
            assertThat(
                            db.count(
                                    "select count(*) from operator_action where target = '"
                                            + id
                                            + "' and action = 'register-builder' and actor = 'ada'"))
                    .isEqualTo(1);
            Files.write(
                    screenshots().resolve("builders-register-1920.png"),
                    browser.getScreenshotAs(OutputType.BYTES));

            row(browser, "browser-h-builder").findElement(By.cssSelector("button.disable")).click();
            await().atMost(WAIT)
                    .until(
                            () ->
                                    row(browser, "browser-h-builder")
                                            .findElement(By.cssSelector(".enabled-state"))
                                            .getText()
                                            .startsWith("disabled"));
            assertThat(
                            db.count(
                                    "select count(*) from operator_action where target = '"
                                            + id
                                            + "' and action = 'disable-builder'"))
                    .isEqualTo(1);

            row(browser, "browser-h-builder").findElement(By.cssSelector("a.delete")).click();
            await().atMost(WAIT)
                    .until(() -> !browser.findElements(By.id("confirm-delete")).isEmpty());
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Delete builder browser-h-builder?");
            assertThat(GatewayStandIn.current().has("browser-h-builder")).isTrue();
            browser.findElement(By.id("confirm-delete")).click();

            await().atMost(WAIT)
                    .until(
                            () ->
                                    browser.getCurrentUrl().contains("/console/builders")
                                            && browser.findElements(By.id("confirm-delete"))
                                                    .isEmpty());
            assertThat(browser.findElement(By.tagName("main")).getText())
                    .doesNotContain("browser-h-builder");
            assertThat(GatewayStandIn.current().has("browser-h-builder")).isFalse();
            assertThat(
                            db.count(
                                    "select count(*) from operator_action where target = '"
                                            + id
                                            + "' and action = 'delete-builder'"))
                    .isEqualTo(1);
        } finally {
            browser.quit();
        }
    }

    @Test
    void aRejectedKeyShowsTheGatewaysPreciseMessage() throws IOException {
        ChromeDriver browser = open(375, 900);
        try {
            signIn(browser);
            browser.get(url("/console/builders"));
            fillRegisterForm(browser, "browser-h-rejected", "ssh-dss AAAAB3NzaC1kc3MAAACBAP");
            browser.findElement(By.cssSelector("form.register button")).click();

            await().atMost(WAIT)
                    .until(() -> !browser.findElements(By.id("builder-error")).isEmpty());
            assertThat(browser.findElement(By.id("builder-error")).getText())
                    .startsWith("The gateway refused to register the builder (400): publicKey: ")
                    .endsWith("Nothing was changed here.");
            assertThat(browser.findElement(By.id("name")).getAttribute("value"))
                    .isEqualTo("browser-h-rejected");
            assertThat(GatewayStandIn.current().has("browser-h-rejected")).isFalse();
            assertThat(
                            db.count(
                                    "select count(*) from operator_action where new_value like 'browser-h-rejected%'"))
                    .isZero();
            ((JavascriptExecutor) browser)
                    .executeScript("document.getElementById('builder-error').scrollIntoView();");
            Files.write(
                    screenshots().resolve("builders-rejected-375.png"),
                    browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {375, 1920})
    void theHealthPageStatesEveryServiceAndFitsTheScreen(int width) throws IOException {
        ChromeDriver browser = open(width, 1000);
        try {
            signIn(browser);
            browser.get(url("/console"));
            browser.findElement(By.cssSelector("nav a[href='/console/health']")).click();

            await().atMost(WAIT).until(() -> !browser.findElements(By.id("services")).isEmpty());
            String services = browser.findElement(By.id("services")).getText();
            assertThat(services)
                    .containsPattern("Scheduler[\\s\\S]*up")
                    .containsPattern("Gateway[\\s\\S]*up")
                    .containsPattern("Artifact service[\\s\\S]*no answer");
            assertThat(browser.findElement(By.id("postgres")).getText()).isEqualTo("up");
            assertThat(browser.findElement(By.id("kafka")).getText()).isEqualTo("up");
            assertThat(browser.findElement(By.id("outbox")).getText())
                    .contains("unpublished record");
            assertThat(browser.findElement(By.id("queued")).getText()).contains("queued job");
            long overflow =
                    (Long)
                            ((JavascriptExecutor) browser)
                                    .executeScript(
                                            "return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(overflow).isLessThanOrEqualTo(0);
            Files.write(
                    screenshots().resolve("health-" + width + ".png"),
                    browser.getScreenshotAs(OutputType.BYTES));

            browser.get(url("/console/builders"));
            overflow =
                    (Long)
                            ((JavascriptExecutor) browser)
                                    .executeScript(
                                            "return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(overflow).as("builders page overflow").isLessThanOrEqualTo(0);
        } finally {
            browser.quit();
        }
    }
}
