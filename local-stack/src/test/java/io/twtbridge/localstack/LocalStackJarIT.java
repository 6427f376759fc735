package io.twtbridge.localstack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's command: the local stack starts from its jar, a person completes the demo flow in a real browser
 * (headless Chromium), and Ctrl-C (SIGTERM) stops it, leaving its ports closed.
 */
class LocalStackJarIT {
    private static Process process;
    private static WebDriver browser;
    private static int demoPort;
    private static int gatewayPort;
    private static int sandboxPort;
    private static int brokerPort;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        if (!Chromium.installed()) {
            return; // each test is skipped (or, on CI, failed) saying why: see requireBrowser
        }
        demoPort = freePort();
        gatewayPort = freePort();
        sandboxPort = freePort();
        brokerPort = freePort();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", "target/local-stack.jar").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TWITTER_") || k.startsWith("AMQP"));
        pb.environment().put("LOCAL_DEMO_PORT", String.valueOf(demoPort));
        pb.environment().put("LOCAL_GATEWAY_PORT", String.valueOf(gatewayPort));
        pb.environment().put("LOCAL_SANDBOX_PORT", String.valueOf(sandboxPort));
        pb.environment().put("LOCAL_BROKER_PORT", String.valueOf(brokerPort));
        process = pb.start();
        CompletableFuture<String> banner = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder all = new StringBuilder();
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    if (line.startsWith("Ctrl-C stops everything.")) {
                        banner.complete(all.toString());
                    }
                }
                banner.completeExceptionally(new AssertionError("the stack exited before its banner:\n" + all));
            } catch (IOException e) {
                banner.completeExceptionally(e);
            }
        });
        String text = banner.get(90, TimeUnit.SECONDS);
        assertTrue(text.contains("Demo (you are the main server):  http://localhost:" + demoPort + "/"), text);
        assertTrue(text.contains("embedded Qpid Broker-J"), text);

        browser = Chromium.start();
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
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static void waitForText(By where, String text) {
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }

    @Test
    void theDemoFlowInABrowserThenCtrlC() throws Exception {
        browser.get("http://localhost:" + demoPort + "/");
        String demo = browser.getWindowHandle();

        // 1. connect an account through the gateway and the sandbox's PIN page
        browser.findElement(By.id("connect")).click();
        String href = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link"))).getAttribute("href");
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(href);
        browser.findElement(By.id("screen_name")).clear();
        browser.findElement(By.id("screen_name")).sendKeys("demo_user");
        browser.findElement(By.id("allow")).click();
        String pin = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("oauth_pin"))).getText().trim();
        browser.close();
        browser.switchTo().window(demo);
        browser.findElement(By.id("pin")).sendKeys(pin);
        browser.findElement(By.id("verify")).click();
        waitForText(By.id("screen-name"), "demo_user");

        // 2. a text post in the legacy format
        browser.findElement(By.id("text")).sendKeys("hello from the local stack");
        browser.findElement(By.id("send")).click();
        waitForText(By.id("replies"), ": posted [");
        waitForText(By.id("timeline"), "@demo_user: hello from the local stack");

        // 3. a post with an image in the legacy format (stored in the upload directory, sent by path)
        Path image = Files.createTempFile("red", ".png");
        Files.write(image, HexFormat.of().parseHex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                + "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082"));
        browser.findElement(By.id("text")).sendKeys("a legacy picture");
        browser.findElement(By.id("images")).sendKeys(image.toString());
        browser.findElement(By.id("send")).click();
        waitForText(By.id("timeline"), "@demo_user: a legacy picture [1 image(s): no alt text]");

        // 4. the same in JSON, with alt text
        browser.findElement(By.id("format-json")).click();
        browser.findElement(By.id("text")).sendKeys("a JSON picture");
        browser.findElement(By.id("images")).sendKeys(image.toString());
        waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("alt-0"))).sendKeys("one red pixel");
        browser.findElement(By.id("send")).click();
        waitForText(By.id("replies"), "posted https://x.com/i/status/");
        waitForText(By.id("timeline"), "@demo_user: a JSON picture [1 image(s): one red pixel]");
        List<String> replies = browser.findElements(By.cssSelector("#replies li")).stream().map(e -> e.getText()).toList();
        assertEquals(3, replies.size(), replies.toString());

        // Ctrl-C
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the stack did not stop on SIGTERM");
        for (int port : List.of(demoPort, gatewayPort, sandboxPort, brokerPort)) {
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(), "port " + port + " still open");
        }
    }
}
