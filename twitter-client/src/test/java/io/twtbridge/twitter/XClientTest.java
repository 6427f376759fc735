package io.twtbridge.twitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import io.helidon.webclient.api.Proxy;
import io.helidon.webserver.WebServer;
import io.twtbridge.protocol.ErrorCode;
import io.twtbridge.protocol.Outcome;
import io.twtbridge.protocol.Poll;
import io.twtbridge.protocol.PostOptions;
import io.twtbridge.protocol.ReplySettings;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.Faults;
import io.twtbridge.sandbox.Limits;
import io.twtbridge.sandbox.MediaState;
import io.twtbridge.sandbox.Post;
import io.twtbridge.sandbox.SampleVideos;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sandbox.UserTokens;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every typed outcome of the client, each from a real HTTP exchange with the sandbox. */
class XClientTest {
    private static TwitterSandbox sandbox;
    private static XClient client;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        client = new XClient(config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    private static XClientConfig config(URI base, String secret, Duration readTimeout) {
        return XClientConfig.builder()
                .baseUri(base)
                .consumer(TwitterSandbox.DEFAULT_CONSUMER_KEY, secret)
                .callback("oob")
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(readTimeout)
                .mediaProcessingMaxWait(Duration.ofMinutes(5))
                .build();
    }

    private static Tokens user(String name) {
        UserTokens u = sandbox.users().create(name);
        return new Tokens(u.accessToken(), u.accessTokenSecret());
    }

    @SuppressWarnings("unchecked")
    private static <T> T ok(XResult<T> r) {
        return ((XResult.Ok<T>) assertInstanceOf(XResult.Ok.class, r, () -> "expected success, got " + r)).value();
    }

    private static <F extends XFailure> F failed(XResult<?> r, Class<F> type) {
        XResult.Failed<?> f = assertInstanceOf(XResult.Failed.class, r, () -> "expected failure, got " + r);
        return assertInstanceOf(type, f.failure());
    }

    @Test
    void pinFlowThenPost() {
        Outcome.AuthStarted start = ok(client.requestToken());
        assertTrue(
                start.authorizeUrl().startsWith(sandbox.baseUri() + "/oauth/authorize?oauth_token="),
                start.authorizeUrl());
        String pin =
                sandbox.users().authorize(start.requestToken().token(), "alice").orElseThrow();
        Outcome.PinVerified grant = ok(client.accessToken(start.requestToken(), pin));
        assertEquals("alice", grant.screenName());
        String id = ok(client.post(grant.accessToken(), "hello from the PIN flow", List.of(), Optional.empty()));
        assertEquals(
                List.of("hello from the PIN flow"),
                sandbox.posts().all().stream().map(Post::text).toList());
        assertEquals(id, sandbox.posts().all().getFirst().id());
    }

    /**
     * Without proxy settings the client asks no proxy selector (asked on every request, it costs a worker 2 % of its
     * CPU to answer "no proxy"); with one set, the JVM's proxy settings apply.
     */
    @Test
    void theJvmsProxySelectorIsAskedOnlyWhenAProxyIsSet() {
        List<String> properties =
                List.of("https.proxyHost", "http.proxyHost", "socksProxyHost", "java.net.useSystemProxies");
        Map<String, String> before = new HashMap<>();
        for (String p : properties) {
            if (System.getProperty(p) != null) {
                before.put(p, System.clearProperty(p));
            }
        }
        try {
            assertSame(Proxy.noProxy(), newClient().proxy());
            for (String p : properties) {
                System.setProperty(p, p.equals("java.net.useSystemProxies") ? "true" : "proxy.example");
                try {
                    assertEquals(Proxy.ProxyType.SYSTEM, newClient().proxy().type(), p);
                } finally {
                    System.clearProperty(p);
                }
            }
        } finally {
            before.forEach(System::setProperty);
        }
    }

    /**
     * Calls at once up to the connections the client keeps reuse them: no TCP (and, against X, TLS) handshake per
     * call. Beyond it, every extra call opens a connection and closes it afterwards; by default a client keeps 256,
     * fewer than a worker's requests in flight, hence {@link XClientConfig#withKeptConnections}.
     */
    @Test
    void callsAtOnceUpToTheKeptConnectionsReuseThem() throws Exception {
        int reused = connectionsFor(24, 24);
        assertTrue(reused <= 24, reused + " connections");
        int churned = connectionsFor(24, 8);
        assertTrue(churned > 24, churned + " connections");
    }

    /** Three rounds of {@code atOnce} posts that overlap (X answers in 200 ms), by a client keeping {@code kept}. */
    private static int connectionsFor(int atOnce, int kept) throws Exception {
        sandbox.reset();
        XClient c = new XClient(config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5))
                .withKeptConnections(kept));
        List<Tokens> users = new ArrayList<>();
        for (int i = 0; i < atOnce; i++) {
            users.add(user("conn" + i));
        }
        sandbox.faults().latency(Duration.ofMillis(200));
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 3; round++) {
                List<Future<XResult<String>>> posts = new ArrayList<>();
                for (int i = 0; i < atOnce; i++) {
                    String text = "round " + round + " post " + i;
                    Tokens u = users.get(i);
                    posts.add(calls.submit(() -> c.post(u, text, List.of(), Optional.empty())));
                }
                for (Future<XResult<String>> p : posts) {
                    ok(p.get(30, TimeUnit.SECONDS));
                }
            }
        }
        assertEquals(3L * atOnce, sandbox.counters().posts());
        assertEquals(Math.min(atOnce, kept), c.connections().idle());
        return sandbox.counters().connections();
    }

    private static XClient newClient() {
        return new XClient(config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5)));
    }

    @Test
    void wrongPinAndReusedRequestTokenAreDistinct() {
        Outcome.AuthStarted start = ok(client.requestToken());
        String pin =
                sandbox.users().authorize(start.requestToken().token(), "bob").orElseThrow();
        failed(
                client.accessToken(start.requestToken(), pin.equals("0000000") ? "1111111" : "0000000"),
                XFailure.WrongPin.class);
        ok(client.accessToken(start.requestToken(), pin));
        failed(client.accessToken(start.requestToken(), pin), XFailure.RequestTokenInvalid.class);
    }

    @Test
    void duplicateContent() {
        Tokens u = user("dup");
        ok(client.post(u, "same words", List.of(), Optional.empty()));
        XFailure.Duplicate d =
                failed(client.post(u, "same words", List.of(), Optional.empty()), XFailure.Duplicate.class);
        assertEquals("You are not allowed to create a Tweet with duplicate content.", d.detail());
    }

    @Test
    void aSuspendedAccountIsForbiddenNotDuplicate() {
        Tokens u = user("suspended");
        sandbox.users().suspend("suspended");
        XFailure.Forbidden f = failed(client.post(u, "hi", List.of(), Optional.empty()), XFailure.Forbidden.class);
        assertEquals("You are not permitted to perform this action.", f.detail());
    }

    @Test
    void callbackUrlFlowRedirectsWithTheVerifier() throws Exception {
        XClient withCallback =
                new XClient(config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5))
                        .withCallback("https://app.example/x-callback?state=1"));
        Outcome.AuthStarted start = ok(withCallback.requestToken());
        // the user presses "Authorize app" on X's page
        HttpResponse<String> approved = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sandbox.baseUri() + "/oauth/authorize"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "oauth_token=" + start.requestToken().token() + "&screen_name=callback_user"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(302, approved.statusCode());
        String location = approved.headers().firstValue("Location").orElseThrow();
        assertTrue(
                location.startsWith("https://app.example/x-callback?state=1&oauth_token="
                        + start.requestToken().token() + "&oauth_verifier="),
                location);
        String verifier = location.substring(location.indexOf("oauth_verifier=") + "oauth_verifier=".length());
        assertEquals(
                "callback_user",
                ok(withCallback.accessToken(start.requestToken(), verifier)).screenName());
    }

    @Test
    void revokedTokenIsInvalid() {
        Tokens u = user("revoked");
        sandbox.tokens().revoke(u.token());
        failed(client.post(u, "hi", List.of(), Optional.empty()), XFailure.InvalidToken.class);
    }

    @Test
    void wrongConsumerSecretIsRefused() {
        XClient bad = new XClient(
                config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET + "x", Duration.ofSeconds(5)));
        failed(bad.post(user("c"), "hi", List.of(), Optional.empty()), XFailure.InvalidToken.class);
        failed(bad.requestToken(), XFailure.InvalidToken.class);
        assertEquals(2, sandbox.counters().signatureFailures());
        assertEquals(0, sandbox.counters().posts());
    }

    @Test
    void userAndAppRateLimits() {
        sandbox.limits(Limits.defaults().withUserPostLimit(1));
        Tokens u = user("limited");
        ok(client.post(u, "first", List.of(), Optional.empty()));
        XFailure.RateLimited r =
                failed(client.post(u, "second", List.of(), Optional.empty()), XFailure.RateLimited.class);
        assertEquals(XFailure.Scope.USER_24H, r.scope());
        assertTrue(r.reset().isAfter(Instant.now().plusSeconds(500)), r.reset().toString());

        sandbox.limits(Limits.defaults().withAppPostLimit(1));
        ok(client.post(user("a1"), "one", List.of(), Optional.empty()));
        XFailure.RateLimited app =
                failed(client.post(user("a2"), "two", List.of(), Optional.empty()), XFailure.RateLimited.class);
        assertTrue(app.appWide());
    }

    @Test
    void rejectedWithXsDetail() {
        XFailure.Rejected r =
                failed(client.post(user("r"), "reply", List.of(), Optional.of("42")), XFailure.Rejected.class);
        assertTrue(r.detail().contains("400") && r.detail().contains("does not exist"), r.detail());
    }

    @Test
    void textIsCheckedBeforeCallingX() {
        Tokens u = user("long");
        failed(client.post(u, "a".repeat(281), List.of(), Optional.empty()), XFailure.TextTooLong.class);
        failed(client.post(u, "界".repeat(141), List.of(), Optional.empty()), XFailure.TextTooLong.class);
        assertEquals(0, sandbox.counters().requests());
        ok(client.post(u, "a".repeat(280), List.of(), Optional.empty()));
        ok(client.post(u, "界".repeat(140), List.of(), Optional.empty()));
        assertEquals(23, TextCheck.weightedLength("https://example.com/a/very/long/path/that/is/longer/than/23"));
        assertEquals(2, TextCheck.weightedLength("😀"));
        assertEquals(2, TextCheck.weightedLength("界"));
        assertEquals(1, TextCheck.weightedLength("e\u0301")); // NFC: é
    }

    @Test
    void aLongPostIsCheckedAgainst25000AndXDecidesWhoMayPostLong() {
        Tokens premium = user("premium");
        sandbox.users().premium("premium");
        Tokens plain = user("plain");
        PostOptions longPost = new PostOptions(true);
        XFailure.TextTooLong before = failed(
                client.post(premium, "a".repeat(25_001), List.of(), Optional.empty(), longPost),
                XFailure.TextTooLong.class);
        assertEquals(25_000, before.limit());
        assertEquals(0, sandbox.counters().requests());
        String id = ok(client.post(premium, "a".repeat(25_000), List.of(), Optional.empty(), longPost));
        assertEquals(25_000, sandbox.posts().all().getFirst().text().length());
        assertEquals(id, sandbox.posts().all().getFirst().id());
        XFailure.TextTooLong refused = failed(
                client.post(plain, "b".repeat(300), List.of(), Optional.empty(), longPost), XFailure.TextTooLong.class);
        assertTrue(refused.byX(), refused.toString());
        assertEquals(ErrorCode.TEXT_TOO_LONG, refused.toOutcome().code());
        assertEquals(1, sandbox.posts().all().size());
    }

    @Test
    void quotePollAndReplySettingsReachXAndXRefusesABadPoll() {
        Tokens u = user("poll");
        Poll poll = new Poll(List.of("yes", "no"), 5);
        String polled = ok(client.post(
                u,
                "vote",
                List.of(),
                Optional.empty(),
                new PostOptions(false, Optional.empty(), Optional.of(poll), Optional.of(ReplySettings.VERIFIED))));
        Post p = sandbox.posts().all().getFirst();
        assertEquals(polled, p.id());
        assertEquals(List.of("yes", "no"), p.pollOptions());
        assertEquals(5, p.pollDurationMinutes());
        assertEquals("verified", p.replySettings());
        ok(client.post(
                u,
                "quoting",
                List.of(),
                Optional.empty(),
                new PostOptions(false, Optional.of(polled), Optional.empty(), Optional.empty())));
        assertEquals(polled, sandbox.posts().all().get(1).quoteTweetId());
        // The client does not check polls (the protocol does); X refuses a bad one.
        XFailure.Rejected r = failed(
                client.post(
                        u,
                        "bad poll",
                        List.of(),
                        Optional.empty(),
                        new PostOptions(
                                false, Optional.empty(), Optional.of(new Poll(List.of("one"), 60)), Optional.empty())),
                XFailure.Rejected.class);
        assertTrue(r.detail().contains("poll"), r.detail());
        failed(
                client.post(
                        u,
                        "bad quote",
                        List.of(),
                        Optional.empty(),
                        new PostOptions(false, Optional.of("424242"), Optional.empty(), Optional.empty())),
                XFailure.Rejected.class);
        assertEquals(2, sandbox.posts().all().size());
    }

    @Test
    void deleteAnswersTrueForALivePostAndFalseOnceXNoLongerKnowsIt() {
        Tokens u = user("del");
        String id = ok(client.post(u, "bye", List.of(), Optional.empty()));
        assertEquals(true, ok(client.delete(u, id)));
        assertEquals(false, ok(client.delete(u, id)));
        assertEquals(false, ok(client.delete(u, "12345")));
        String others = ok(client.post(user("del2"), "mine", List.of(), Optional.empty()));
        failed(client.delete(u, others), XFailure.Forbidden.class);
        assertFalse(sandbox.posts().isDeleted(others));
        // Metrics name the endpoint without the post's id (bounded label values).
        List<String> endpoints = new CopyOnWriteArrayList<>();
        XClient listened = new XClient(
                config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5)),
                (endpoint, status, latency) -> endpoints.add(endpoint + " " + status));
        assertEquals(false, ok(listened.delete(u, others + "1")));
        assertEquals(List.of("DELETE /2/tweets/{id} 404"), endpoints);
    }

    @Test
    void serverErrorsAndTimeoutsOfAPostAreUncertainAndOfOtherCallsUnavailable() {
        Tokens u = user("flaky");
        // The post was sent and no clear answer came back: X may have created it.
        sandbox.faults().errors(1.0, 503);
        XFailure.Uncertain e = failed(client.post(u, "x", List.of(), Optional.empty()), XFailure.Uncertain.class);
        assertTrue(e.detail().contains("503"), e.detail());
        failed(client.requestToken(), XFailure.Unavailable.class);

        sandbox.faults().clear();
        sandbox.faults().dropConnections(1.0);
        failed(client.post(u, "y", List.of(), Optional.empty()), XFailure.Uncertain.class);

        sandbox.faults().clear();
        sandbox.faults().latency(Duration.ofMillis(1_500));
        XClient impatient =
                new XClient(config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofMillis(300)));
        failed(impatient.post(u, "z", List.of(), Optional.empty()), XFailure.Uncertain.class);
        sandbox.faults().clear();
    }

    @Test
    void connectionRefusedIsUnavailableNotUncertain() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        XClient nowhere = new XClient(config(URI.create("http://127.0.0.1:" + port), "s", Duration.ofSeconds(1)));
        failed(nowhere.post(new Tokens("t", "s"), "x", List.of(), Optional.empty()), XFailure.Unavailable.class);
        failed(nowhere.requestToken(), XFailure.Unavailable.class);
    }

    @Test
    void anAnswerOverTheBoundIsNoAnswerAndIsNotReadToItsEnd() throws Exception {
        byte[] huge = new byte[XClient.MAX_ANSWER_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        WebServer x = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.post("/2/tweets", (req, res) -> res.send(huge)) // announced by Content-Length
                        .post("/oauth/request_token", (req, res) -> {
                            try (OutputStream out = res.outputStream()) { // chunked: no length announced
                                for (int i = 0; i < 16; i++) { // more than the server buffers before it sends
                                    out.write(huge);
                                }
                            }
                        }))
                .build()
                .start();
        try {
            XClient c = new XClient(config(URI.create("http://127.0.0.1:" + x.port()), "s", Duration.ofSeconds(5)));
            XFailure.Uncertain post =
                    failed(c.post(new Tokens("t", "s"), "x", List.of(), Optional.empty()), XFailure.Uncertain.class);
            assertTrue(post.detail().contains("AnswerTooLarge"), post.detail());
            XFailure.Unavailable token = failed(c.requestToken(), XFailure.Unavailable.class);
            assertTrue(token.detail().contains("AnswerTooLarge"), token.detail());
            assertEquals(0, c.connections().idle(), "a connection with an unread answer was kept");
        } finally {
            x.stop();
        }
    }

    @Test
    void imagesWithAltTextSimpleAndChunked() {
        Tokens u = user("pics");
        byte[] small = Images.png(40, 40, 7);
        byte[] large = Images.png(700, 700, 8); // > 1 MiB: chunked
        assertTrue(large.length > MediaUpload.SIMPLE_UPLOAD_MAX, "test image must be large: " + large.length);
        ok(client.post(
                u,
                "two pictures",
                List.of(new MediaFile(small, Optional.of("a small square")), new MediaFile(large, Optional.empty())),
                Optional.empty()));
        Post p = sandbox.posts().all().getFirst();
        assertEquals(2, p.mediaIds().size());
        assertEquals(List.of("a small square", ""), p.altTexts());
        assertEquals(2, sandbox.counters().mediaUploads());
    }

    @Test
    void gifGoesUpChunkedAndWaitsForProcessing() {
        Tokens u = user("gif");
        ok(client.post(u, "", List.of(new MediaFile(Images.gif(), Optional.of("moving"))), Optional.empty()));
        assertEquals(List.of("moving"), sandbox.posts().all().getFirst().altTexts());
    }

    @Test
    void mediaLimitsAreEnforcedBeforeAnyUpload() {
        Tokens u = user("limits");
        byte[] tooBig = Images.jpegHeaderOnly((5 << 20) + 1);
        failed(
                client.post(u, "big", List.of(new MediaFile(tooBig, Optional.empty())), Optional.empty()),
                XFailure.MediaTooLarge.class);
        failed(
                client.post(
                        u, "text file", List.of(new MediaFile("hello".getBytes(), Optional.empty())), Optional.empty()),
                XFailure.MediaInvalid.class);
        MediaFile png = new MediaFile(Images.png(4, 4, 1), Optional.empty());
        failed(client.post(u, "five", List.of(png, png, png, png, png), Optional.empty()), XFailure.MediaInvalid.class);
        failed(
                client.post(
                        u,
                        "gif and png",
                        List.of(new MediaFile(Images.gif(), Optional.empty()), png),
                        Optional.empty()),
                XFailure.MediaInvalid.class);
        assertEquals(0, sandbox.counters().requests());
    }

    @Test
    void videoGoesUpChunkedAndIsPostedAfterProcessing() {
        sandbox.limits(Limits.defaults().withProcessingPolls(2));
        List<String> calls = new CopyOnWriteArrayList<>();
        List<Long> at = new CopyOnWriteArrayList<>();
        XClient watched = new XClient(
                config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5)),
                (endpoint, status, latency) -> {
                    calls.add(endpoint + " " + status);
                    at.add(System.nanoTime());
                });
        byte[] video = SampleVideos.mp4(12_000, (1 << 20) + 100, ""); // two appends
        String id = ok(watched.post(
                user("video"), "a short film", List.of(new MediaFile(video, Optional.empty())), Optional.empty()));
        assertEquals(
                List.of(
                        "POST /2/media/upload/initialize 200",
                        "POST /2/media/upload/{id}/append 200",
                        "POST /2/media/upload/{id}/append 200",
                        "POST /2/media/upload/{id}/finalize 200",
                        // pending -> in_progress -> in_progress -> succeeded
                        "GET /2/media/upload 200",
                        "GET /2/media/upload 200",
                        "GET /2/media/upload 200",
                        "POST /2/tweets 201"),
                calls);
        // each STATUS call came after the sandbox's check_after_secs (1 s) since the answer before it
        for (int i = 4; i <= 6; i++) {
            long gapMs = (at.get(i) - at.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 950, "STATUS call " + (i - 3) + " came " + gapMs + " ms after the previous answer");
        }
        Post p = sandbox.posts().all().getFirst();
        assertEquals(id, p.id());
        assertEquals(1, p.mediaIds().size());
        assertEquals(
                Optional.of(MediaState.SUCCEEDED),
                sandbox.media().state(p.mediaIds().getFirst()));
    }

    @Test
    void videoXFailsToProcessIsMediaProcessingFailedAndNotPosted() {
        Tokens u = user("badvideo");
        sandbox.faults().failNextVideos(1);
        XFailure.MediaProcessingFailed f = failed(
                client.post(
                        u,
                        "will not play",
                        List.of(new MediaFile(SampleVideos.mp4(5_000), Optional.empty())),
                        Optional.empty()),
                XFailure.MediaProcessingFailed.class);
        assertTrue(f.detail().contains("Unsupported video format"), f.detail());
        assertEquals("media_processing_failed", f.toOutcome().code().wireName());
        // the marker in the file does the same, without the control call
        failed(
                client.post(
                        u,
                        "marked",
                        List.of(new MediaFile(
                                SampleVideos.mp4(5_000, 100, Faults.FAIL_PROCESSING_MARKER), Optional.empty())),
                        Optional.empty()),
                XFailure.MediaProcessingFailed.class);
        assertEquals(0, sandbox.counters().posts());
        // the control call counted down: the next video is processed
        ok(client.post(
                u, "plays", List.of(new MediaFile(SampleVideos.mp4(5_000), Optional.empty())), Optional.empty()));
    }

    @Test
    void failNextVideoThroughTheControlApi() throws Exception {
        Tokens u = user("controlled");
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sandbox.baseUri() + "/sandbox/fail-next-video"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"count\":2}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        MediaFile video = new MediaFile(SampleVideos.mp4(2_000), Optional.empty());
        failed(client.post(u, "one", List.of(video), Optional.empty()), XFailure.MediaProcessingFailed.class);
        failed(client.post(u, "two", List.of(video), Optional.empty()), XFailure.MediaProcessingFailed.class);
        ok(client.post(u, "three", List.of(video), Optional.empty()));
        assertEquals(
                List.of("three"), sandbox.posts().all().stream().map(Post::text).toList());
    }

    @Test
    void videoLimitsAreEnforcedBeforeAnyUpload() {
        Tokens u = user("videolimits");
        XFailure.MediaInvalid tooLong = failed(
                client.post(
                        u,
                        "long",
                        List.of(new MediaFile(SampleVideos.mp4(140_001), Optional.empty())),
                        Optional.empty()),
                XFailure.MediaInvalid.class);
        assertTrue(tooLong.detail().contains("140.001 s"), tooLong.detail());
        failed(
                client.post(
                        u, "short", List.of(new MediaFile(SampleVideos.mp4(499), Optional.empty())), Optional.empty()),
                XFailure.MediaInvalid.class);
        MediaFile video = new MediaFile(SampleVideos.mp4(3_000), Optional.empty());
        XFailure.MediaInvalid mixed = failed(
                client.post(
                        u,
                        "video and picture",
                        List.of(video, new MediaFile(Images.png(4, 4, 1), Optional.empty())),
                        Optional.empty()),
                XFailure.MediaInvalid.class);
        assertTrue(mixed.detail().contains("only media"), mixed.detail());
        failed(client.post(u, "two videos", List.of(video, video), Optional.empty()), XFailure.MediaInvalid.class);
        failed(
                client.post(
                        u,
                        "alt",
                        List.of(new MediaFile(SampleVideos.mp4(3_000), Optional.of("a dog"))),
                        Optional.empty()),
                XFailure.MediaInvalid.class);
        byte[] broken = SampleVideos.mp4(3_000);
        broken[24] = 0x7F; // moov's size runs past the end
        failed(
                client.post(u, "broken", List.of(new MediaFile(broken, Optional.empty())), Optional.empty()),
                XFailure.MediaInvalid.class);
        assertEquals(0, sandbox.counters().requests());
        ok(client.post(
                u,
                "exactly 140 s",
                List.of(new MediaFile(SampleVideos.mp4(140_000), Optional.empty())),
                Optional.empty()));
    }

    @Test
    void processingWaitIsBoundedAndInterruptible() throws Exception {
        sandbox.limits(Limits.defaults().withProcessingPolls(60));
        Tokens u = user("slowvideo");
        XClient impatient = new XClient(XClientConfig.builder()
                .baseUri(sandbox.baseUri())
                .consumer(TwitterSandbox.DEFAULT_CONSUMER_KEY, TwitterSandbox.DEFAULT_CONSUMER_SECRET)
                .callback("oob")
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(5))
                .mediaProcessingMaxWait(Duration.ofMillis(2_500))
                .build());
        long start = System.nanoTime();
        XFailure.Unavailable timedOut = failed(
                impatient.post(
                        u, "slow", List.of(new MediaFile(SampleVideos.mp4(3_000), Optional.empty())), Optional.empty()),
                XFailure.Unavailable.class);
        assertTrue(timedOut.detail().contains("did not finish processing the video"), timedOut.detail());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);

        CountDownLatch finalized = new CountDownLatch(1);
        XClient patient = new XClient(
                config(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_SECRET, Duration.ofSeconds(5)),
                (endpoint, status, latency) -> {
                    if (endpoint.endsWith("/finalize")) {
                        finalized.countDown();
                    }
                });
        AtomicReference<XResult<String>> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            result.set(patient.post(
                    u,
                    "interrupted",
                    List.of(new MediaFile(SampleVideos.mp4(4_000), Optional.empty())),
                    Optional.empty()));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(finalized.await(10, TimeUnit.SECONDS));
        t.interrupt();
        t.join(Duration.ofSeconds(5));
        assertFalse(t.isAlive(), "the wait did not end on interrupt");
        XFailure.Unavailable interrupted = failed(result.get(), XFailure.Unavailable.class);
        assertTrue(interrupted.detail().contains("interrupted"), interrupted.detail());
        assertTrue(stillInterrupted.get(), "the interrupt flag is kept for the caller");
        assertEquals(0, sandbox.counters().posts());
    }

    @Test
    void processingMaxWaitIsConfigurableAlsoFromTheEnvironment() {
        // The keys a process's application.yaml sets, without a default of XClientConfig's own.
        Map<String, String> file = Map.of(
                "twitter.consumer.key",
                "k",
                "twitter.consumer.secret",
                "s",
                "twitter.api.base.url",
                "https://api.x.com",
                "twitter.oauth.callback",
                "oob",
                "twitter.connect-timeout",
                "PT5S",
                "twitter.read-timeout",
                "PT20S",
                "twitter.media.processing-max-wait",
                "PT5M");
        Map<String, String> env = EnvironmentVariables.expand(Map.of("TWITTER_MEDIA_PROCESSING_MAX_WAIT", "PT7S"));
        Config fromEnv = Config.just(ConfigSources.create(env), ConfigSources.create(file));
        assertEquals(
                Duration.ofSeconds(7),
                XClientConfig.from(fromEnv.get("twitter")).mediaProcessingMaxWait());
        Config yaml = Config.just(ConfigSources.create(file));
        assertEquals(
                Duration.ofMinutes(5), XClientConfig.from(yaml.get("twitter")).mediaProcessingMaxWait());
        Map<String, String> without = new HashMap<>(file);
        without.remove("twitter.media.processing-max-wait");
        Config none = Config.just(ConfigSources.create(without));
        IllegalStateException missing =
                assertThrows(IllegalStateException.class, () -> XClientConfig.from(none.get("twitter")));
        assertEquals("twitter.media.processing-max-wait is not set (application.yaml)", missing.getMessage());
    }

    @Test
    void secretsNeverInToString() {
        XClientConfig c = config(sandbox.baseUri(), "super-secret-value", Duration.ofSeconds(1));
        assertFalse(c.toString().contains("super-secret-value"), c.toString());
        Tokens t = new Tokens("1234567-token", "token-secret-value");
        assertFalse(new Outcome.PinVerified(t, "1", "me").toString().contains("token-secret-value"));
    }
}
