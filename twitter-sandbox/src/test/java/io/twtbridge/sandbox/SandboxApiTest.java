package io.twtbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox's test API (users, posts, media, limits, faults, reset) and the control endpoints, against real signed HTTP calls. */
@ServerTest
class SandboxApiTest {
    private static TwitterSandbox sandbox;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The smallest file the sandbox takes for an MP4: an {@code ftyp} box at offset 4. */
    private static final byte[] MP4 = {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};

    private final URI base;

    SandboxApiTest(URI base) {
        this.base = base;
    }

    /** The server as {@link TwitterSandbox#start} and {@link Main} set it up ({@link TwitterSandbox#setup}). */
    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        sandbox = TwitterSandbox.setup(server, TwitterSandbox.Settings.defaults());
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    @Test
    void eachLimitsWitherChangesItsThresholdOnly() {
        Limits d = Limits.defaults();
        assertEquals(
                new Limits(
                        1,
                        d.appPostLimit(),
                        d.windowSeconds(),
                        d.timestampWindowSeconds(),
                        d.requestTokenTtlSeconds(),
                        d.processingPolls()),
                d.withUserPostLimit(1));
        Limits all = d.withUserPostLimit(1)
                .withAppPostLimit(2)
                .withWindowSeconds(3)
                .withTimestampWindowSeconds(4)
                .withRequestTokenTtlSeconds(5)
                .withProcessingPolls(6);
        assertEquals(new Limits(1, 2, 3, 4, 5, 6), all);
    }

    @Test
    void aUserPostLimitOfOneAnswersTheSecondPostWith429AndXsHeaders() throws Exception {
        sandbox.limits(Limits.defaults().withUserPostLimit(1).withWindowSeconds(60));
        UserTokens u = sandbox.users().create("limited");
        HttpResponse<String> first = post(u, "one");
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(Optional.of("0"), first.headers().firstValue("x-rate-limit-remaining"));
        HttpResponse<String> second = post(u, "two");
        assertEquals(429, second.statusCode(), second.body());
        assertEquals(Optional.of("1"), second.headers().firstValue("x-user-limit-24hour-limit"));
        long reset =
                Long.parseLong(second.headers().firstValue("x-rate-limit-reset").orElseThrow());
        assertTrue(
                reset > Instant.now().getEpochSecond()
                        && reset <= Instant.now().plusSeconds(61).getEpochSecond(),
                "reset " + reset);
        assertEquals(1, sandbox.counters().rateLimited("limited"));
        assertEquals(
                List.of("one"), sandbox.posts().all().stream().map(Post::text).toList());

        sandbox.reset();
        assertEquals(Limits.defaults(), sandbox.limits());
        assertEquals(List.of(), sandbox.posts().all());
    }

    @Test
    void faultsHitXCallsUntilClearedAndNeverTheControlApi() throws Exception {
        UserTokens u = sandbox.users().create("faulty");
        sandbox.faults().errors(1.0, 503);
        assertEquals(503, post(u, "refused").statusCode());
        assertEquals(200, control("GET", "/sandbox/counters", "").statusCode());
        assertEquals(1, sandbox.counters().injectedErrors());
        sandbox.faults().clear();
        assertEquals(201, post(u, "posted").statusCode());

        sandbox.faults().failPostsOf("faulty", 1, 1);
        assertEquals(201, post(u, "let through").statusCode());
        HttpResponse<String> refused = post(u, "refused once");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("You are not permitted to perform this action."), refused.body());
        assertEquals(201, post(u, "then again").statusCode());
        assertEquals(
                List.of("posted", "let through", "then again"),
                sandbox.posts().all().stream().map(Post::text).toList());
    }

    @Test
    void aVideoGoesThroughTheMediaStatesAndOneMarkedToFailEndsFailed() throws Exception {
        sandbox.limits(Limits.defaults().withProcessingPolls(1));
        UserTokens u = sandbox.users().create("filmmaker");
        String id = uploadVideo(u);
        assertEquals(Optional.of(MediaState.PENDING), sandbox.media().state(id));
        assertEquals(Optional.of("video/mp4"), sandbox.media().type(id));
        assertEquals("in_progress", status(u, id));
        assertEquals(Optional.of(MediaState.IN_PROGRESS), sandbox.media().state(id));
        assertEquals("succeeded", status(u, id));
        assertEquals(Optional.of(MediaState.SUCCEEDED), sandbox.media().state(id));

        sandbox.faults().failNextVideos(1);
        String failing = uploadVideo(u);
        assertEquals("in_progress", status(u, failing));
        assertEquals("failed", status(u, failing));
        assertEquals(Optional.of(MediaState.FAILED), sandbox.media().state(failing));
        assertEquals(Optional.empty(), sandbox.media().state("no-such-media"));
    }

    @Test
    void theControlApiSetsLimitsAndFaultsAndResets() throws Exception {
        assertEquals(
                200,
                control("PUT", "/sandbox/limits", "{\"user_post_limit\":1,\"processing_polls\":3}")
                        .statusCode());
        assertEquals(Limits.defaults().withUserPostLimit(1).withProcessingPolls(3), sandbox.limits());
        assertEquals(
                200,
                control("PUT", "/sandbox/faults", "{\"error_rate\":1.0,\"error_status\":500}")
                        .statusCode());
        UserTokens u = sandbox.users().create("controlled");
        assertEquals(500, post(u, "refused").statusCode());
        assertEquals(204, control("POST", "/sandbox/reset", "").statusCode());
        assertEquals(Limits.defaults(), sandbox.limits());
        assertEquals(201, post(sandbox.users().create("controlled"), "posted").statusCode());
    }

    /** Uploads {@link #MP4} chunked (INIT, one APPEND, FINALIZE), checking the first state X names; returns the media id. */
    private String uploadVideo(UserTokens u) throws Exception {
        HttpResponse<String> init = call(
                u,
                "POST",
                "/2/media/upload/initialize",
                Map.of(),
                "application/json",
                ("{\"media_type\":\"video/mp4\",\"total_bytes\":" + MP4.length + ",\"media_category\":\"tweet_video\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, init.statusCode(), init.body());
        String id = json(init).getJsonObject("data").getString("id");
        assertEquals(Optional.of(MediaState.INITIALIZED), sandbox.media().state(id));
        String boundary = "b" + UUID.randomUUID();
        byte[] multipart = concat(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n0\r\n--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"v.mp4\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII),
                MP4,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> append = call(
                u,
                "POST",
                "/2/media/upload/" + id + "/append",
                Map.of(),
                "multipart/form-data; boundary=" + boundary,
                multipart);
        assertEquals(200, append.statusCode(), append.body());
        HttpResponse<String> fin =
                call(u, "POST", "/2/media/upload/" + id + "/finalize", Map.of(), "application/json", new byte[0]);
        assertEquals(200, fin.statusCode(), fin.body());
        assertEquals(
                "pending",
                json(fin).getJsonObject("data").getJsonObject("processing_info").getString("state"));
        return id;
    }

    /** STATUS of an upload: {@code processing_info.state}. */
    private String status(UserTokens u, String id) throws Exception {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("command", "STATUS");
        query.put("media_id", id);
        HttpResponse<String> r = call(u, "GET", "/2/media/upload", query, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r).getJsonObject("data").getJsonObject("processing_info").getString("state");
    }

    private HttpResponse<String> post(UserTokens u, String text) throws Exception {
        return call(
                u,
                "POST",
                "/2/tweets",
                Map.of(),
                "application/json",
                ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** A call of the X API signed as this user (RFC 5849; the query is signed, a JSON or multipart body is not). */
    private HttpResponse<String> call(
            UserTokens u, String method, String path, Map<String, String> query, String contentType, byte[] body)
            throws Exception {
        List<OAuthVerifier.Param> p = new ArrayList<>();
        p.add(new OAuthVerifier.Param("oauth_consumer_key", TwitterSandbox.DEFAULT_CONSUMER_KEY));
        p.add(new OAuthVerifier.Param("oauth_nonce", UUID.randomUUID().toString()));
        p.add(new OAuthVerifier.Param("oauth_signature_method", "HMAC-SHA1"));
        p.add(new OAuthVerifier.Param(
                "oauth_timestamp", String.valueOf(Instant.now().getEpochSecond())));
        p.add(new OAuthVerifier.Param("oauth_token", u.accessToken()));
        p.add(new OAuthVerifier.Param("oauth_version", "1.0"));
        List<OAuthVerifier.Param> signed = new ArrayList<>(p);
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> {
            signed.add(new OAuthVerifier.Param(k, v));
            q.append(q.isEmpty() ? "?" : "&")
                    .append(OAuthVerifier.encode(k))
                    .append('=')
                    .append(OAuthVerifier.encode(v));
        });
        String url = "http://127.0.0.1:" + base.getPort() + path;
        String sig = OAuthVerifier.hmacSha1(
                OAuthVerifier.baseString(method, url, signed),
                TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                u.accessTokenSecret());
        StringBuilder h = new StringBuilder("OAuth ");
        for (OAuthVerifier.Param x : p) {
            h.append(x.name())
                    .append("=\"")
                    .append(OAuthVerifier.encode(x.value()))
                    .append("\", ");
        }
        h.append("oauth_signature=\"").append(OAuthVerifier.encode(sig)).append('"');
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + q))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", h.toString());
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> control(String method, String path, String json) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return SandboxJson.object(r.body().getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
