package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and ChromeDriver for the page tests (nothing is downloaded). Where they are missing, the tests
 * are skipped saying why, except when CI=true: there a missing browser fails the build, nothing may be skipped.
 * local-stack's browser tests use it too (auth-gateway's test jar).
 */
public final class Chromium {
    public static final Path BINARY = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    private Chromium() {}

    private static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(BINARY)) {
            missing.add(BINARY.toString());
        }
        if (!Files.isExecutable(DRIVER)) {
            missing.add(DRIVER.toString());
        }
        return missing;
    }

    /** Whether the browser and its driver are installed. */
    public static boolean installed() {
        return missing().isEmpty();
    }

    /**
     * Returns when the browser and its driver are installed; otherwise skips the calling test, or fails it on CI.
     * Call it per test ({@code @BeforeEach}): surefire reports a class skipped in {@code @BeforeAll} as no tests at all.
     */
    public static void require() {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        String why = "needs Debian's chromium and chromedriver (apt-get install chromium chromium-driver, or"
                + " .ci/install-browser), missing: " + String.join(", ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        System.err.println("[twt tests] SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
    }

    /** Starts headless Chromium through chromedriver, after {@link #require()}. */
    public static WebDriver start() throws IOException {
        require();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
