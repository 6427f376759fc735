package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The sample page in real headless Chromium (Debian's chromium and chromedriver), through the sandbox's PIN page. */
class BrowserPageTest {
    private static TwitterSandbox sandbox;
    private static GatewayFixture g;
    private static WebDriver browser;

    /** Starts Debian's Chromium through the system chromedriver; nothing is downloaded. */
    static WebDriver chromium() throws Exception {
        return Chromium.start();
    }

    @BeforeAll
    static void start() throws Exception {
        if (!Chromium.installed()) {
            return; // each test is skipped (or, on CI, failed) saying why: see requireBrowser
        }
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        // No allowed origins configured: Helidon's same-origin default admits the gateway's own page.
        g = new GatewayFixture(sandbox, GatewayFixture.config("allowed.origins", ""));
        browser = chromium();
    }

    @BeforeEach
    void requireBrowser() {
        Chromium.require();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (g != null) {
            g.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** Clicks Connect, authorizes on the sandbox's page in another tab, and returns the PIN it shows. */
    private static String connectAndAuthorize(String screenName) {
        browser.get(g.http("/").toString());
        String page = browser.getWindowHandle();
        browser.findElement(By.id("connect")).click();
        waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")));
        String href = browser.findElement(By.id("authorize-link")).getAttribute("href");
        assertTrue(href.startsWith(sandbox.baseUri() + "/oauth/authorize?oauth_token="), href);
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(href);
        browser.findElement(By.id("screen_name")).clear();
        browser.findElement(By.id("screen_name")).sendKeys(screenName);
        browser.findElement(By.id("allow")).click();
        String pin = waitUpTo(10)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("oauth_pin")))
                .getText()
                .trim();
        browser.close();
        browser.switchTo().window(page);
        return pin;
    }

    @Test
    void theWholeFlowInABrowser() {
        sandbox.reset();
        String pin = connectAndAuthorize("browser_user");
        browser.findElement(By.id("pin")).sendKeys(pin);
        browser.findElement(By.id("verify")).click();
        waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertEquals("browser_user", browser.findElement(By.id("screen-name")).getText());
        String masked = browser.findElement(By.id("access-token")).getText();
        assertTrue(masked.startsWith("••••"), masked);
        browser.findElement(By.id("reveal")).click();
        String token = browser.findElement(By.id("access-token")).getText();
        String secret = browser.findElement(By.id("access-token-secret")).getText();
        assertFalse(token.contains("•") || secret.contains("•"));
        assertTrue(browser.findElement(By.id("error")).getAttribute("hidden") != null, "no error shown");
        // The tokens the page shows are the user's real tokens.
        XClient x = GatewayFixture.x(sandbox);
        assertInstanceOf(
                XResult.Ok.class, x.post(new Tokens(token, secret), "from the browser", List.of(), Optional.empty()));
        assertEquals("browser_user", sandbox.posts().all().getFirst().authorScreenName());
    }

    /** Stops the gateway as a rollout does (1001 to every open session) and starts a new one on the same port. */
    private static void restartGateway() throws InterruptedException {
        int port = g.server.port();
        g.gateway.shutdown(Duration.ofSeconds(5));
        g.close();
        g = new GatewayFixture(sandbox, GatewayFixture.config("allowed.origins", ""), port);
    }

    @Test
    void aLoginSurvivesGatewayRestartsMidRequestAndBetweenSteps() throws Exception {
        sandbox.reset();
        browser.get(g.http("/").toString());
        String page = browser.getWindowHandle();
        // X is slow: the page's auth request is still open on the gateway when the gateway restarts.
        sandbox.faults().latency(Duration.ofMillis(2_000));
        browser.findElement(By.id("connect")).click();
        GatewayFixture.await("the page's request is open", () -> g.gateway.openConnections() == 1);
        restartGateway();
        sandbox.faults().clear();
        // The page got 1001, reconnected to the new gateway and sent auth again.
        String href = waitUpTo(20)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")))
                .getAttribute("href");
        assertTrue(browser.findElement(By.id("error")).getAttribute("hidden") != null, "no error shown");
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(href);
        browser.findElement(By.id("screen_name")).clear();
        browser.findElement(By.id("screen_name")).sendKeys("restart_user");
        browser.findElement(By.id("allow")).click();
        String pin = waitUpTo(10)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("oauth_pin")))
                .getText()
                .trim();
        browser.close();
        browser.switchTo().window(page);
        // Another restart while the user types the PIN: the page still holds the request token.
        restartGateway();
        browser.findElement(By.id("pin")).sendKeys(pin);
        browser.findElement(By.id("verify")).click();
        waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertEquals("restart_user", browser.findElement(By.id("screen-name")).getText());
    }

    @Test
    void aWrongPinShowsAClearError() {
        String pin = connectAndAuthorize("wrong_pin_user");
        browser.findElement(By.id("pin")).sendKeys(pin.equals("0000000") ? "1111111" : "0000000");
        browser.findElement(By.id("verify")).click();
        String error = waitUpTo(15)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("error")))
                .getText();
        assertEquals("the PIN is wrong", error);
    }
}
