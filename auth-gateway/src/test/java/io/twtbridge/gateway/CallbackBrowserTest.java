package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.SealKeys;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The callback login in headless Chromium: the page on replica A, X's (the sandbox's) authorize page, X's redirect
 * to replica B's callback, and the page on B showing the account, without any PIN.
 */
class CallbackBrowserTest {
    private static TwitterSandbox sandbox;
    private static CallbackReplicas replicas;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        replicas = new CallbackReplicas(sandbox, SealKeys.generate("k1"));
        browser = BrowserPageTest.chromium();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (replicas != null) {
            replicas.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aCallbackLoginStartsOnOneReplicaAndFinishesOnTheOtherWithoutAPin() {
        sandbox.reset();
        browser.get(replicas.a.http("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("connect-redirect")))
                .click();
        // X's authorize page, in the same tab.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("screen_name")));
        assertTrue(browser.getCurrentUrl().startsWith(sandbox.baseUri() + "/oauth/authorize"), browser.getCurrentUrl());
        browser.findElement(By.id("screen_name")).clear();
        browser.findElement(By.id("screen_name")).sendKeys("redirect_user");
        browser.findElement(By.id("allow")).click();
        // X sends the browser to replica B's callback, which sends it to B's page.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertEquals("redirect_user", browser.findElement(By.id("screen-name")).getText());
        assertTrue(browser.findElement(By.id("access-token")).getText().startsWith("••••"));
        assertTrue(
                browser.getCurrentUrl().startsWith("http://127.0.0.1:" + replicas.b.server.port() + "/"),
                browser.getCurrentUrl());
        assertFalse(browser.getCurrentUrl().contains("login="), "the sealed result left the address bar");
        assertTrue(browser.findElement(By.id("step-2")).getAttribute("hidden") != null, "no PIN asked");
        for (String id : List.of("connect-error", "redirect-error", "pin-error")) {
            assertFalse(browser.findElement(By.id(id)).isDisplayed(), id + " shown");
        }
        Object cookies = ((JavascriptExecutor) browser).executeScript("return document.cookie");
        assertFalse(String.valueOf(cookies).contains("twt_login"), "the login cookies are HttpOnly: " + cookies);
        // A page opened with a forged result shows an error, not an account.
        browser.get("about:blank");
        browser.get(replicas.b.http("/").toString() + "#login=tb1.k1.AAAA");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("redirect-error")));
        assertTrue(error.getText().startsWith("⚠ "), error.getText());
        PageChecks.assertNextTo(browser, browser.findElement(By.id("redirect-option")), error);
        assertTrue(browser.findElement(By.id("result")).getAttribute("hidden") != null);
    }
}
