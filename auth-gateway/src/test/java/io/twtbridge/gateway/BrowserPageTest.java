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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
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
        browser.findElement(By.id("connect")).click();
        return authorize(
                waitUpTo(15)
                        .until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")))
                        .getAttribute("href"),
                screenName);
    }

    /** Authorizes the app on the sandbox's page at {@code href} in another tab; returns the PIN it shows. */
    private static String authorize(String href, String screenName) {
        assertTrue(href.startsWith(sandbox.baseUri() + "/oauth/authorize?oauth_token="), href);
        String page = browser.getWindowHandle();
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

    private static WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private static String liveText() {
        return (String)
                ((JavascriptExecutor) browser).executeScript("return document.getElementById('live').textContent");
    }

    private static void assertNoErrorShown() {
        for (String id : List.of("connect-error", "redirect-error", "pin-error")) {
            assertFalse(byId(id).isDisplayed(), id + " shown: " + byId(id).getText());
        }
    }

    /** The gateway's count of PIN logins started (each {@code auth} request that reached X's request_token). */
    private static long authsStarted() throws Exception {
        Matcher m = Pattern.compile("(?m)^twt_gateway_auth_flows_total\\{[^}]*event=\"started\"[^}]*} (\\S+)$")
                .matcher(g.metrics());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
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
        assertNoErrorShown();
        // success reads (and is announced) differently from a failure
        assertEquals(
                "✓ Connected", browser.findElement(By.cssSelector("#result h2")).getText());
        assertEquals("Connected as @browser_user.", liveText());
        assertEquals("polite", byId("live").getDomAttribute("aria-live"));
        PageChecks.assertContrast(browser, "connected");
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
        assertNoErrorShown();
        String pin = authorize(href, "restart_user");
        // Another restart while the user types the PIN: the page still holds the request token.
        restartGateway();
        browser.findElement(By.id("pin")).sendKeys(pin);
        browser.findElement(By.id("verify")).click();
        waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertEquals("restart_user", browser.findElement(By.id("screen-name")).getText());
    }

    @Test
    void aWrongPinShowsAClearErrorUnderVerify() {
        String pin = connectAndAuthorize("wrong_pin_user");
        browser.findElement(By.id("pin")).sendKeys(pin.equals("0000000") ? "1111111" : "0000000");
        browser.findElement(By.id("verify")).click();
        WebElement error = waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-error")));
        assertEquals(
                "⚠ The PIN is wrong. Check the PIN, or click “Connect an X account” again for a new one.",
                error.getText());
        PageChecks.assertNextTo(browser, byId("verify"), error);
        assertFalse(byId("result").isDisplayed());
        PageChecks.assertContrast(browser, "a wrong PIN");
    }

    @Test
    void aFailedConnectShowsItsErrorUnderConnect() {
        sandbox.reset();
        browser.get(g.http("/").toString());
        sandbox.faults().errors(1.0, 503);
        try {
            browser.findElement(By.id("connect")).click();
            WebElement error =
                    waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("connect-error")));
            assertTrue(error.getText().startsWith("⚠ X is unavailable: X answered 503"), error.getText());
            PageChecks.assertNextTo(browser, byId("connect"), error);
            assertFalse(byId("step-2").isDisplayed(), "a PIN asked for a login that did not start");
            assertTrue(byId("connect").isEnabled(), "Connect stays disabled after the failure");
            PageChecks.assertContrast(browser, "a failed Connect");
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void aDoubleClickOnConnectStartsOneLogin() throws Exception {
        sandbox.reset();
        browser.get(g.http("/").toString());
        // X is slow, so both clicks land while the first request is open: the gateway counts a login when it asks X
        sandbox.faults().latency(Duration.ofMillis(1_500));
        try {
            long before = authsStarted();
            new Actions(browser).doubleClick(byId("connect")).perform();
            assertFalse(byId("connect").isEnabled(), "Connect is enabled while its request is open");
            assertEquals("Connecting…", byId("connect").getText());
            PageChecks.assertContrast(browser, "Connect disabled");
            waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")));
            assertEquals(before + 1, authsStarted(), "auth requests sent by a double click");
            assertFalse(byId("pin-note").isDisplayed(), "a second login replaced the first");
            assertEquals("Connect an X account", byId("connect").getText());
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void aSecondConnectSaysWhichPinCountsNextToThePinField() {
        sandbox.reset();
        String first = connectAndAuthorize("twice_user");
        String firstHref = byId("authorize-link").getAttribute("href");
        byId("connect").click();
        WebElement note = waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-note")));
        assertEquals(
                "A newer login replaced the earlier one: type the PIN from the X window opened last. A PIN from an"
                        + " earlier X window no longer works here.",
                note.getText());
        PageChecks.assertNextTo(browser, byId("verify"), note);
        String secondHref = byId("authorize-link").getAttribute("href");
        assertFalse(secondHref.equals(firstHref), "the second Connect made a new login");

        // the first window's PIN: the page says why it fails, under Verify
        byId("pin").sendKeys(first);
        byId("verify").click();
        WebElement error = waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-error")));
        assertEquals(
                "⚠ The PIN is wrong. A newer login replaced the earlier one: use the PIN from the X window opened last,"
                        + " or click “Connect an X account” again for a new one.",
                error.getText());
        PageChecks.assertNextTo(browser, byId("verify"), error);
        assertFalse(note.isDisplayed(), "the note and the error both shown");
        PageChecks.assertContrast(browser, "a replaced login");

        // the latest window's PIN connects the account
        String second = authorize(secondHref, "twice_user");
        byId("pin").clear();
        byId("pin").sendKeys(second);
        byId("verify").click();
        waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertEquals("twice_user", byId("screen-name").getText());
        assertNoErrorShown();
        assertFalse(byId("pin-note").isDisplayed());
    }
}
