package io.twtbridge.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.gateway.Chromium;
import io.twtbridge.gateway.PageChecks;
import io.twtbridge.sandbox.Faults;
import io.twtbridge.sandbox.SampleVideos;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's command: the local stack starts from its jar, a person completes the demo flow in a real browser
 * (headless Chromium) — posts, a thread, a video, a video X cannot process — and Ctrl-C (SIGTERM) stops it, leaving
 * its ports closed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackJarIT {
    private static final String PNG = "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            + "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082";
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
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
        browser.manage().window().setSize(new Dimension(1000, 800)); // the layout the demo tests check
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

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static Path png(String name) throws IOException {
        Path image = Files.createTempDirectory("images").resolve(name + ".png");
        Files.write(image, HexFormat.of().parseHex(PNG));
        return image;
    }

    /** Authorizes the app on the sandbox's page at {@code href} in another tab; returns the PIN it shows. */
    private static String authorize(String href, String screenName) {
        String demo = browser.getWindowHandle();
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
        browser.switchTo().window(demo);
        return pin;
    }

    /** Opens the demo and connects an account through the gateway and the sandbox's PIN page. */
    private static void connect(String screenName, boolean wrongPinFirst) {
        browser.get("http://localhost:" + demoPort + "/");
        browser.findElement(By.id("connect")).click();
        String pin = authorize(
                waitUpTo(20)
                        .until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")))
                        .getAttribute("href"),
                screenName);
        if (wrongPinFirst) {
            browser.findElement(By.id("pin")).sendKeys(pin.equals("0000000") ? "1111111" : "0000000");
            browser.findElement(By.id("verify")).click();
            WebElement error = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-error")));
            assertTrue(
                    error.getText()
                            .matches(
                                    "⚠ [A-Z].*\\. Check the PIN, or click “Connect an X account” again for a new one\\."),
                    error.getText());
            assertNextTo(browser.findElement(By.id("verify")), error);
            try {
                screenshot("2-wrong-pin");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            browser.findElement(By.id("pin")).clear();
        }
        browser.findElement(By.id("pin")).sendKeys(pin);
        browser.findElement(By.id("verify")).click();
        waitForText(By.id("screen-name"), screenName);
        assertEquals(
                "Connect another account", browser.findElement(By.id("connect")).getText());
    }

    /** Types (through the input event, as a keyboard would) once the previous post is settled, then clicks Send. */
    private static void post(String text) {
        WebElement send = waitUpTo(30).until(ExpectedConditions.elementToBeClickable(By.id("send")));
        setText(text);
        send.click();
    }

    /** ChromeDriver types only BMP characters: the text is set and an input event fired, as typing does. */
    private static void setText(String text) {
        setText("text", text);
    }

    private static void setText(String id, String text) {
        js(
                "const t = document.getElementById(arguments[0]); t.value = arguments[1];"
                        + "t.dispatchEvent(new Event('input', {bubbles: true}));",
                id,
                text);
    }

    /** The error is visible, inside the window, and just below the control that caused it. */
    private static void assertNextTo(WebElement control, WebElement error) {
        PageChecks.assertNextTo(browser, control, error);
    }

    private static String attribute(String id, String name) {
        return browser.findElement(By.id(id)).getDomAttribute(name);
    }

    private static String textContent(String id) {
        return (String) js("return document.getElementById(arguments[0]).textContent;", id);
    }

    /** WCAG AA contrast of the page's text and buttons, measured in the browser (4.5:1). */
    private static void assertContrast(String when) {
        PageChecks.assertContrast(browser, when);
    }

    @Test
    @Order(1)
    void theDemoFlowInABrowser() throws Exception {
        connect("demo_user", false);

        // 2. a text post in the legacy format
        post("hello from the local stack");
        waitForText(By.id("replies"), "✓ Posted — request");
        waitForText(By.id("timeline"), "@demo_user: hello from the local stack");

        // 3. a post with an image in the legacy format (stored in the upload directory, sent by path)
        Path image = png("red");
        waitUpTo(30).until(ExpectedConditions.elementToBeClickable(By.id("send")));
        browser.findElement(By.id("images")).sendKeys(image.toString());
        post("a legacy picture");
        waitForText(By.id("timeline"), "@demo_user: a legacy picture [1 image(s): no alt text]");

        // 4. the same in JSON, with alt text
        waitUpTo(30).until(ExpectedConditions.elementToBeClickable(By.id("send")));
        browser.findElement(By.id("format-json")).click();
        browser.findElement(By.id("images")).sendKeys(image.toString());
        waitUpTo(5)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("alt-0")))
                .sendKeys("one red pixel");
        post("a JSON picture");
        waitForText(By.id("replies"), "is on X: https://x.com/i/status/");
        waitForText(By.id("timeline"), "@demo_user: a JSON picture [1 image(s): one red pixel]");
        // "sent" is a summary for a person, not the message with its base64
        String sent = waitUpTo(30)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("sent")))
                .getText();
        assertTrue(
                sent.matches("Request \\d+ is posted\\. It was a JSON post, text of 14/280 weighted characters, "
                        + "1 image \\(66 bytes, 1 with alt text\\); \\d+ bytes on queue twt\\."),
                sent);
        List<String> replies = browser.findElements(By.cssSelector("#replies li")).stream()
                .map(e -> e.getText())
                .toList();
        assertEquals(3, replies.size(), replies.toString());
        assertTrue(replies.stream().allMatch(r -> r.startsWith("✓ Posted — request ")), replies.toString());
        screenshot("1-flow");
    }

    @Test
    @Order(2)
    void theDemoAsAPersonUsesIt() throws Exception {
        // errors next to the action: a wrong PIN, under Verify
        connect("a_person", true);
        screenshot("2-connected");
        assertContrast("connected");

        // the counter counts as X: "see " 4 + a link 23 + " " 1 + an emoji 2 + " " 1 + two CJK characters 4
        String counted = "see https://example.com/a/rather/long/path/to/a/page 😀 日本";
        setText(counted);
        waitForText(By.id("count"), "35");
        assertNotEquals(35, counted.length());
        assertTrue(
                browser.findElement(By.id("counter")).getText().startsWith("35 / 280 characters"),
                browser.findElement(By.id("counter")).getText());

        // a post X refuses (over 280): the failure shows under Send, in words and a sign, and the text is kept
        String tooLong = "x".repeat(285);
        setText(tooLong);
        waitForText(By.id("counter"), "5 over the limit");
        int before = browser.findElements(By.cssSelector("#replies li")).size();
        browser.findElement(By.id("send")).click();
        WebElement sendError = waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("send-error")));
        assertTrue(sendError.getText().contains("failed: exception_occurred"), sendError.getText());
        assertTrue(sendError.getText().contains("Your text is kept"), sendError.getText());
        assertNextTo(browser.findElement(By.id("send")), sendError);
        assertEquals(tooLong, browser.findElement(By.id("text")).getDomProperty("value"));
        List<WebElement> items = browser.findElements(By.cssSelector("#replies li"));
        assertEquals(before + 1, items.size());
        WebElement failed = items.getLast();
        assertTrue(failed.getText().startsWith("✗ Failed — request "), failed.getText());
        assertEquals("legacy failed", failed.getDomAttribute("class"));
        assertEquals("polite", attribute("live", "aria-live"));
        assertTrue(textContent("live").startsWith("Failed: request "), textContent("live"));
        assertTrue(waitUpTo(5)
                .until(ExpectedConditions.elementToBeClickable(By.id("send")))
                .isEnabled());
        screenshot("3-failed");
        assertContrast("after a failure");

        // a double click on Send sends one request; on success the text is cleared and the reply reads differently
        setText("one click too many");
        new Actions(browser).doubleClick(browser.findElement(By.id("send"))).perform();
        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        assertEquals("", browser.findElement(By.id("text")).getDomProperty("value"));
        assertFalse(sendError.isDisplayed(), "the old error is still shown");
        Matcher m = Pattern.compile("Request (\\d+) is posted")
                .matcher(browser.findElement(By.id("sent")).getText());
        assertTrue(m.find());
        long doubleClicked = Long.parseLong(m.group(1));
        WebElement posted = browser.findElements(By.cssSelector("#replies li")).getLast();
        assertTrue(posted.getText().startsWith("✓ Posted — request " + doubleClicked + " is on X"), posted.getText());
        assertEquals("legacy ok", posted.getDomAttribute("class"));
        assertTrue(textContent("live").startsWith("Posted: request " + doubleClicked), textContent("live"));
        // the next request's id follows directly: the double click made one request, not two
        post("the next one");
        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        assertTrue(
                browser.findElement(By.id("sent"))
                        .getText()
                        .startsWith("Request " + (doubleClicked + 1) + " is posted"),
                browser.findElement(By.id("sent")).getText());
        waitForText(By.id("timeline"), "@a_person: the next one");
        assertEquals(
                1,
                browser.findElements(By.xpath("//ol[@id='timeline']/li[.='@a_person: one click too many']"))
                        .size());

        // images: a 5th is refused with a message, the legacy format takes one
        browser.findElement(By.id("format-json")).click();
        List<String> five = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            five.add(png("pixel" + i).toString());
        }
        browser.findElement(By.id("images")).sendKeys(String.join("\n", five));
        WebElement imagesError =
                waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("images-error")));
        assertEquals("⚠ Not attached: pixel5.png. A post takes at most 4 images.", imagesError.getText());
        assertEquals(4, browser.findElements(By.cssSelector("#attached li")).size());
        assertNextTo(browser.findElement(By.id("images")), imagesError);
        browser.findElement(By.id("format-legacy")).click();
        waitForText(By.id("images-error"), "The legacy format takes one image; 4 are attached.");
        screenshot("4-images");
        assertContrast("images refused");
        setText("four pictures in legacy");
        browser.findElement(By.id("send")).click();
        waitForText(By.id("send-error"), "Not sent: too many images for the legacy format.");
        assertEquals(
                "four pictures in legacy", browser.findElement(By.id("text")).getDomProperty("value"));
        for (int i = 0; i < 3; i++) {
            browser.findElement(By.cssSelector("#attached li button")).click();
        }
        waitUpTo(5).until(ExpectedConditions.invisibilityOfElementLocated(By.id("images-error")));
        browser.findElement(By.id("send")).click();
        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        waitForText(By.id("timeline"), "@a_person: four pictures in legacy [1 image(s): no alt text]");
        assertEquals(0, browser.findElements(By.cssSelector("#attached li")).size());
        js("document.getElementById('replies-section').scrollIntoView()");
        screenshot("5-replies");
        assertContrast("at the end");
    }

    /** The sandbox's posts by {@code author}, oldest first (its public control API). */
    private static List<JsonObject> sandboxPosts(String author) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sandboxPort + "/sandbox/posts"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        try (var reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readObject().getJsonArray("posts").getValuesAs(JsonObject.class).stream()
                    .filter(p -> p.getString("author").equals(author))
                    .toList();
        }
    }

    private static JsonObject only(List<JsonObject> posts, String text) {
        List<JsonObject> found =
                posts.stream().filter(p -> p.getString("text").equals(text)).toList();
        assertEquals(1, found.size(), "posts with the text '" + text + "': " + posts);
        return found.getFirst();
    }

    private static Path file(String name, byte[] bytes) throws IOException {
        Path f = Files.createTempDirectory("files").resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** Adds a post to the thread and types its text; the new part's controls have the suffix -n. */
    private static void addPart(int n, String text) {
        browser.findElement(By.id("add-part")).click();
        waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("text-" + n)));
        setText("text-" + n, text);
    }

    /** The reply's list of a thread's posts: each item's text and its link (or null). */
    private static List<String[]> threadParts(WebElement reply) {
        return reply.findElements(By.cssSelector("ol.parts > li")).stream()
                .map(li -> new String[] {
                    li.getText(),
                    li.findElements(By.tagName("a")).isEmpty()
                            ? null
                            : li.findElement(By.tagName("a")).getDomAttribute("href")
                })
                .toList();
    }

    @Test
    @Order(3)
    void theDemoSendsAThread() throws Exception {
        connect("thread_user", false);
        // a thread is JSON only: in legacy, "Add a post" is disabled and says why
        assertFalse(browser.findElement(By.id("add-part")).isEnabled());
        assertEquals(
                "Threads and videos go in the JSON format only: choose JSON.",
                browser.findElement(By.id("add-part-hint")).getText());
        browser.findElement(By.id("format-json")).click();
        waitUpTo(5).until(ExpectedConditions.elementToBeClickable(By.id("add-part")));

        setText("1/3 a thread starts with a picture");
        browser.findElement(By.id("images")).sendKeys(png("thread").toString());
        waitUpTo(5)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("alt-0")))
                .sendKeys("one red pixel");
        addPart(2, "2/3 the middle");
        addPart(3, "3/3 the end");
        assertEquals(
                "Post 3 of 3",
                browser.findElement(By.cssSelector("#part-3 legend")).getText());
        assertEquals("one red pixel", browser.findElement(By.id("alt-0")).getDomProperty("value"));
        screenshot("6-thread");
        assertContrast("a thread composed");
        browser.findElement(By.id("send")).click();

        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        String sent = browser.findElement(By.id("sent")).getText();
        assertTrue(
                sent.matches(
                        "Request \\d+ is posted\\. It was a JSON post_thread of 3 posts \\(1: text of 34/280 weighted characters, "
                                + "1 image \\(66 bytes, 1 with alt text\\); 2: text of 14/280 weighted characters; 3: text of 11/280 weighted "
                                + "characters\\); \\d+ bytes on queue twt\\."),
                sent);
        WebElement reply = browser.findElements(By.cssSelector("#replies > li")).getLast();
        assertTrue(reply.getText().startsWith("✓ Posted — thread request "), reply.getText());
        assertTrue(reply.getText().contains(": all 3 posts are on X (json)"), reply.getText());
        assertTrue(textContent("live").startsWith("Posted: thread request "), textContent("live"));
        List<String[]> parts = threadParts(reply);
        assertEquals(3, parts.size());
        List<String> links = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertTrue(
                    parts.get(i)[0].startsWith("✓ Post " + (i + 1) + " on X: https://x.com/i/status/"),
                    parts.get(i)[0]);
            assertTrue(
                    parts.get(i)[1] != null && parts.get(i)[0].endsWith(parts.get(i)[1]),
                    parts.get(i)[0] + " / " + parts.get(i)[1]);
            links.add(parts.get(i)[1]);
        }
        // the composer is empty again: one post, no text
        assertTrue(browser.findElements(By.id("text-2")).isEmpty());
        assertEquals("", browser.findElement(By.id("text")).getDomProperty("value"));

        // the sandbox holds three posts, each replying to the one before, the first with the image
        List<JsonObject> posts = sandboxPosts("thread_user");
        JsonObject first = only(posts, "1/3 a thread starts with a picture");
        JsonObject second = only(posts, "2/3 the middle");
        JsonObject third = only(posts, "3/3 the end");
        assertEquals("", first.getString("in_reply_to"));
        assertEquals(first.getString("id"), second.getString("in_reply_to"));
        assertEquals(second.getString("id"), third.getString("in_reply_to"));
        assertEquals(1, first.getJsonArray("media").size());
        assertEquals(
                "one red pixel", first.getJsonArray("media").getJsonObject(0).getString("alt_text"));
        assertEquals(
                List.of(
                        "https://x.com/i/status/" + first.getString("id"),
                        "https://x.com/i/status/" + second.getString("id"),
                        "https://x.com/i/status/" + third.getString("id")),
                links);
        waitForText(By.id("timeline"), "@thread_user: 3/3 the end (reply to " + second.getString("id") + ")");
        js("document.getElementById('replies-section').scrollIntoView()");
        screenshot("7-thread-posted");
        assertContrast("a thread posted");
    }

    @Test
    @Order(4)
    void theDemoSendsAVideo() throws Exception {
        connect("video_user", false);
        browser.findElement(By.id("format-legacy")).click();
        assertFalse(browser.findElement(By.id("video")).isEnabled(), "a video in the legacy format");
        assertEquals(
                "(JSON only: choose JSON to attach a video)",
                browser.findElement(By.id("video-hint")).getText());
        browser.findElement(By.id("format-json")).click();
        WebElement video = waitUpTo(5).until(ExpectedConditions.elementToBeClickable(By.id("video")));

        // refused next to the control: not an MP4, too large for a message
        video.sendKeys(png("not-a-video").toString());
        WebElement error = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("video-error")));
        assertEquals(
                "⚠ Not attached: not-a-video.png is not an MP4 video (X takes MP4 with H.264 video and AAC audio).",
                error.getText());
        assertNextTo(video, error);
        Path big = Files.createTempDirectory("big").resolve("big.mp4");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(SampleVideos.mp4(2_000));
            f.setLength(16L << 20);
        }
        browser.findElement(By.id("video")).sendKeys(big.toString());
        waitForText(By.id("video-error"), "Not attached: big.mp4 is 16.0 MB; a video sent inline may take 15.0 MB");
        assertNextTo(browser.findElement(By.id("video")), browser.findElement(By.id("video-error")));
        screenshot("8-video-refused");
        assertContrast("a video refused");
        assertTrue(browser.findElements(By.cssSelector("#video-attached li")).isEmpty());

        // a small valid MP4 goes inline and is posted as the post's one media item
        byte[] clip = SampleVideos.mp4(2_000);
        browser.findElement(By.id("video")).sendKeys(file("clip.mp4", clip).toString());
        waitForText(By.id("video-attached"), "clip.mp4 (" + clip.length + " bytes, MP4)");
        waitUpTo(5).until(ExpectedConditions.invisibilityOfElementLocated(By.id("video-error")));
        setText("a clip");
        browser.findElement(By.id("send")).click();
        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        String sent = browser.findElement(By.id("sent")).getText();
        assertTrue(
                sent.matches(
                        "Request \\d+ is posted\\. It was a JSON post, text of 6/280 weighted characters, 1 video \\("
                                + clip.length + " bytes, MP4 inline\\); \\d+ bytes on queue twt\\."),
                sent);
        WebElement reply = browser.findElements(By.cssSelector("#replies > li")).getLast();
        assertTrue(
                reply.getText().matches("✓ Posted — request \\d+ is on X: https://x\\.com/i/status/\\d+ \\(json\\)"),
                reply.getText());
        JsonObject post = only(sandboxPosts("video_user"), "a clip");
        assertEquals(
                "https://x.com/i/status/" + post.getString("id"),
                reply.findElement(By.tagName("a")).getDomAttribute("href"));
        assertEquals(1, post.getJsonArray("media").size());
        waitForText(By.id("timeline"), "@video_user: a clip [1 video]");
        assertTrue(browser.findElements(By.cssSelector("#video-attached li")).isEmpty(), "the video is still attached");
    }

    @Test
    @Order(5)
    void aVideoXCannotProcessFailsItsThreadPartWay() throws Exception {
        connect("failing_user", false);
        browser.findElement(By.id("format-json")).click();
        waitUpTo(5).until(ExpectedConditions.elementToBeClickable(By.id("add-part")));
        setText("1/3 before the clip");
        addPart(2, "2/3 the clip");
        browser.findElement(By.id("video-2"))
                .sendKeys(file("broken.mp4", SampleVideos.mp4(2_000, Faults.FAIL_PROCESSING_MARKER))
                        .toString());
        waitForText(By.id("video-attached-2"), "broken.mp4");
        addPart(3, "3/3 after the clip");
        int before = browser.findElements(By.cssSelector("#replies > li")).size();
        browser.findElement(By.id("send")).click();

        // the failure shows under Send: which post, X's reason, and what became of the others
        WebElement sendError = waitUpTo(60).until(ExpectedConditions.visibilityOfElementLocated(By.id("send-error")));
        assertTrue(
                sendError
                        .getText()
                        .matches("⚠ Request \\d+ failed at post 2 of 3: media_processing_failed — X could not process "
                                + "the video: .+\\. Post 1 is on X and left the composer; the rest is kept and will reply to it: change it and send "
                                + "again\\."),
                sendError.getText());
        assertNextTo(browser.findElement(By.id("send")), sendError);
        assertEquals(
                before + 1,
                browser.findElements(By.cssSelector("#replies > li")).size());
        WebElement reply = browser.findElements(By.cssSelector("#replies > li")).getLast();
        assertEquals("json failed", reply.getDomAttribute("class"));
        assertTrue(reply.getText().startsWith("✗ Failed — thread request "), reply.getText());
        assertTrue(
                reply.getText()
                        .contains(": 1 of 3 posts on X; media_processing_failed — X could not process the video: "),
                reply.getText());
        assertFalse(reply.getText().contains("AAAA"), "base64 in the reply: " + reply.getText());
        List<String[]> parts = threadParts(reply);
        assertEquals(3, parts.size());
        JsonObject first = only(sandboxPosts("failing_user"), "1/3 before the clip");
        assertEquals("✓ Post 1 on X: https://x.com/i/status/" + first.getString("id"), parts.get(0)[0]);
        assertTrue(
                parts.get(1)[0].startsWith(
                        "✗ Post 2 failed: media_processing_failed — X could not process the video: "),
                parts.get(1)[0]);
        assertNull(parts.get(1)[1]);
        assertEquals("✗ Post 3 not sent (post 2 is not on X)", parts.get(2)[0]);
        assertNull(parts.get(2)[1]);
        assertTrue(textContent("live").startsWith("Failed: thread request "), textContent("live"));
        assertEquals(1, sandboxPosts("failing_user").size(), "only the first post is on X");

        // the composer keeps the rest, continuing after the post on X
        assertTrue(browser.findElement(By.id("continues")).isDisplayed());
        assertEquals(
                "https://x.com/i/status/" + first.getString("id"),
                browser.findElement(By.id("continues-link")).getDomAttribute("href"));
        assertEquals("2/3 the clip", browser.findElement(By.id("text")).getDomProperty("value"));
        assertEquals("3/3 after the clip", browser.findElement(By.id("text-2")).getDomProperty("value"));
        assertTrue(browser.findElements(By.id("text-3")).isEmpty());
        screenshot("9-thread-failed");
        assertContrast("a thread failed part-way");

        // without the video, the rest goes out as replies to the first post: the thread is whole, nothing doubled
        browser.findElement(By.cssSelector("#video-attached li button")).click();
        waitUpTo(30)
                .until(ExpectedConditions.elementToBeClickable(By.id("send")))
                .click();
        waitUpTo(30).until(ExpectedConditions.textMatches(By.id("sent"), Pattern.compile("Request \\d+ is posted\\.")));
        assertTrue(
                browser.findElement(By.id("sent")).getText().contains("replying to " + first.getString("id")),
                browser.findElement(By.id("sent")).getText());
        assertFalse(browser.findElement(By.id("continues")).isDisplayed());
        List<JsonObject> posts = sandboxPosts("failing_user");
        assertEquals(3, posts.size(), posts.toString());
        JsonObject second = only(posts, "2/3 the clip");
        assertEquals(first.getString("id"), second.getString("in_reply_to"));
        assertEquals(second.getString("id"), only(posts, "3/3 after the clip").getString("in_reply_to"));
        assertEquals(0, second.getJsonArray("media").size());
    }

    /** Sets the sandbox's network faults (its public control API); {@code {}} clears them. */
    private static void sandboxFaults(String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sandboxPort + "/sandbox/faults"))
                                .PUT(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    /** The gateway's count of PIN logins started (each {@code auth} request, counted before X is asked). */
    private static long authsStarted() throws Exception {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/observe/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("(?m)^twt_gateway_auth_flows_total\\{[^}]*event=\"started\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(6)
    void connectAndFormatAsAPersonUsesThem() throws Exception {
        browser.get("http://localhost:" + demoPort + "/");
        WebElement connect = browser.findElement(By.id("connect"));

        // X fails the login's first step: the error is under Connect
        sandboxFaults("{\"error_rate\":1.0,\"error_status\":503}");
        try {
            connect.click();
            WebElement error =
                    waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("connect-error")));
            assertTrue(error.getText().startsWith("⚠ X is unavailable"), error.getText());
            assertNextTo(connect, error);
            assertFalse(browser.findElement(By.id("pin-form")).isDisplayed(), "a PIN asked for no login");
        } finally {
            sandboxFaults("{}");
        }

        // a double click on Connect starts one login: X is slow, so both clicks land while the first request is
        // open, and the gateway counts a login before it asks X
        sandboxFaults("{\"latency_ms\":1500}");
        String firstHref;
        try {
            long before = authsStarted();
            waitUpTo(5).until(ExpectedConditions.elementToBeClickable(connect));
            new Actions(browser).doubleClick(connect).perform();
            assertFalse(connect.isEnabled(), "Connect is enabled while its request is open");
            assertEquals("Connecting…", connect.getText());
            firstHref = waitUpTo(20)
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")))
                    .getAttribute("href");
            assertEquals(before + 1, authsStarted(), "auth requests sent by a double click");
            assertFalse(browser.findElement(By.id("connect-error")).isDisplayed(), "the old error is still shown");
            assertFalse(browser.findElement(By.id("pin-note")).isDisplayed(), "a second login replaced the first");
        } finally {
            sandboxFaults("{}");
        }

        // the first page's PIN, then Connect again: the page says next to the PIN field which PIN counts now
        String first = authorize(firstHref, "twice_user");
        waitUpTo(5).until(ExpectedConditions.elementToBeClickable(connect)).click();
        WebElement note = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-note")));
        assertEquals(
                "A newer login replaced the earlier one: type the PIN from the authorization page opened last. A PIN"
                        + " from an earlier page no longer works here.",
                note.getText());
        assertNextTo(browser.findElement(By.id("verify")), note);
        String secondHref = browser.findElement(By.id("authorize-link")).getAttribute("href");
        assertNotEquals(firstHref, secondHref);
        browser.findElement(By.id("pin")).sendKeys(first);
        browser.findElement(By.id("verify")).click();
        WebElement pinError = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("pin-error")));
        assertEquals(
                "⚠ The PIN is wrong. A newer login replaced the earlier one: use the PIN from the authorization page"
                        + " opened last, or click “Connect an X account” again for a new one.",
                pinError.getText());
        assertNextTo(browser.findElement(By.id("verify")), pinError);
        assertFalse(note.isDisplayed(), "the note and the error both shown");
        assertContrast("a replaced login");
        String second = authorize(secondHref, "twice_user");
        browser.findElement(By.id("pin")).clear();
        browser.findElement(By.id("pin")).sendKeys(second);
        browser.findElement(By.id("verify")).click();
        waitForText(By.id("screen-name"), "twice_user");

        // the legacy format's picker takes one file (JSON's up to 4); a second image is refused next to the images
        browser.findElement(By.id("format-json")).click();
        assertEquals("true", browser.findElement(By.id("images")).getDomProperty("multiple"));
        browser.findElement(By.id("format-legacy")).click();
        assertEquals("false", browser.findElement(By.id("images")).getDomProperty("multiple"));
        browser.findElement(By.id("images")).sendKeys(png("first").toString());
        waitForText(By.id("attached"), "first.png");
        browser.findElement(By.id("images")).sendKeys(png("second").toString());
        WebElement imagesError =
                waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("images-error")));
        assertEquals(
                "⚠ Not attached: second.png. The legacy format takes one image; choose JSON for up to 4.",
                imagesError.getText());
        assertNextTo(browser.findElement(By.id("images")), imagesError);
        assertEquals(1, browser.findElements(By.cssSelector("#attached li")).size());

        // a thread in JSON, then legacy: the format's error is under the format
        browser.findElement(By.id("format-json")).click();
        setText("1/2");
        addPart(2, "2/2");
        browser.findElement(By.id("format-legacy")).click();
        WebElement formatError =
                waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("format-error")));
        assertEquals(
                "⚠ The legacy format carries one post, without video: remove post 2, or choose JSON.",
                formatError.getText());
        assertNextTo(browser.findElement(By.cssSelector("#post-form > fieldset")), formatError);
        screenshot("10-format-refused");
        assertContrast("a format refused");
    }

    /**
     * The gateway restarting under the page: the first two connections fail their handshake (sent to a path the
     * gateway does not serve, so the browser closes them with 1006, as when a gateway is gone), the third reaches it.
     * Connect says it reconnects, and the login goes on; before, the first failure was the answer.
     */
    @Test
    @Order(7)
    void connectReconnectsWhileTheGatewayRestarts() throws Exception {
        browser.get("http://localhost:" + demoPort + "/");
        js("""
                const Real = window.WebSocket;
                window.socketsOpened = 0;
                window.WebSocket = function (url) {
                  window.socketsOpened++;
                  return new Real(window.socketsOpened <= 2 ? url.replace(/\\/?$/, '/gone') : url);
                };
                // what the live region announced and Connect said, as they change
                window.shown = [];
                for (const id of ['live', 'connect']) {
                  const el = document.getElementById(id);
                  new MutationObserver(() => window.shown.push(el.textContent))
                      .observe(el, { childList: true, characterData: true, subtree: true });
                }
                """);
        browser.findElement(By.id("connect")).click();
        try {
            waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("authorize-link")));
        } catch (TimeoutException e) {
            throw new AssertionError("no login after reconnecting: connections " + js("return window.socketsOpened;")
                    + ", error " + textContent("connect-error") + ", live " + textContent("live")
                    + ", button " + browser.findElement(By.id("connect")).getText());
        }
        assertEquals(3L, js("return window.socketsOpened;"), "connections opened for one Connect");
        Object shown = js("return window.shown;");
        assertTrue(shown.toString().contains("Reconnecting…"), "Connect did not say it reconnects: " + shown);
        assertTrue(
                shown.toString().contains("The gateway is restarting; reconnecting…"),
                "not announced in the live region: " + shown);
        assertFalse(browser.findElement(By.id("connect-error")).isDisplayed(), "an error shown for a retried request");
        assertTrue(browser.findElement(By.id("connect")).isEnabled(), "Connect stays busy");
    }

    @Test
    @Order(10)
    void ctrlCStopsEverything() throws Exception {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the stack did not stop on SIGTERM");
        for (int port : List.of(demoPort, gatewayPort, sandboxPort, brokerPort)) {
            assertThrows(
                    IOException.class, () -> new Socket("127.0.0.1", port).close(), "port " + port + " still open");
        }
    }
}
