package dev.crateforge.scheduler.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium driven through its own chromedriver, for the console's browser tests.
 * Nothing is downloaded: without both binaries the tests skip, loudly.
 */
final class Browser {

    private Browser() {}

    /** The chromium and chromedriver binaries, when both are installed. */
    record Binaries(Path chromium, Path chromedriver) {}

    static Optional<Binaries> find() {
        Optional<Path> chromium = executable("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<Path> driver =
                executable("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium.isEmpty() || driver.isEmpty()) {
            System.err.println(
                    "WARNING: chromium or chromedriver not found (Debian: chromium,"
                            + " chromium-driver): SKIPPING the console's browser tests");
            return Optional.empty();
        }
        return Optional.of(new Binaries(chromium.get(), driver.get()));
    }

    /** A fresh headless browser whose window is {@code width} × {@code height} CSS pixels. */
    static ChromeDriver open(Binaries binaries, int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binaries.chromium().toFile());
        options.addArguments(
                "--headless=new",
                // Tests run as root in CI, where chromium's own sandbox cannot start.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=" + width + "," + height);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(binaries.chromedriver().toFile())
                        .usingAnyFreePort()
                        .build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> executable(String... candidates) {
        return Stream.of(candidates).map(Path::of).filter(Files::isExecutable).findFirst();
    }
}
