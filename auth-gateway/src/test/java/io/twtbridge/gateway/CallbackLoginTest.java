package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.SealKeys;
import io.twtbridge.twitter.ConfigKeys;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The callback login over HTTP, as a browser would drive it, across two replicas; each refusal without X where it can. */
class CallbackLoginTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static TwitterSandbox sandbox;
    private static CallbackReplicas replicas;

    @BeforeAll
    static void start() throws Exception {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        replicas = new CallbackReplicas(sandbox, SealKeys.generate("k1"));
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    private static HttpResponse<String> get(URI uri, String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri);
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, String cookie, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The name=value of the Set-Cookie named {@code name}. */
    private static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(0, c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name));
    }

    private static String location(HttpResponse<?> r) {
        return r.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location, status " + r.statusCode()));
    }

    /** Starts on replica A; answers the pending cookie and X's redirect to the callback (after "Authorize app"). */
    private static String[] startAndAuthorize(String screenName) throws Exception {
        return startAndAuthorize(replicas, screenName);
    }

    private static String[] startAndAuthorize(CallbackReplicas replicas, String screenName) throws Exception {
        HttpResponse<String> start = get(replicas.a.http("/login"), null);
        assertEquals(302, start.statusCode());
        String pending = cookie(start, CallbackLogin.PENDING);
        String setCookie = start.headers().allValues("Set-Cookie").getFirst();
        assertTrue(
                setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && !setCookie.contains("Secure"),
                setCookie);
        String authorize = location(start);
        assertTrue(authorize.startsWith(sandbox.baseUri() + "/oauth/authorize?oauth_token="), authorize);
        String token = URLDecoder.decode(authorize.substring(authorize.indexOf('=') + 1), StandardCharsets.UTF_8);
        assertTrue(pending.startsWith(CallbackLogin.PENDING + "=tb1.k1."), "an opaque sealed text");
        assertFalse(authorize.contains("secret"), authorize);
        HttpResponse<String> approve = HTTP.send(
                HttpRequest.newBuilder(sandbox.baseUri().resolve("/oauth/authorize"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "oauth_token=" + token + "&screen_name=" + screenName))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String callback = location(approve);
        assertTrue(callback.startsWith(replicas.callbackUrl + "?oauth_token="), callback);
        return new String[] {pending, callback};
    }

    @Test
    void aLoginStartedOnOneReplicaFinishesOnTheOtherAndIsUsableOnce() throws Exception {
        String[] s = startAndAuthorize("cb_user");
        HttpResponse<String> back = get(URI.create(s[1]), s[0]);
        assertEquals(303, back.statusCode());
        String to = location(back);
        assertTrue(to.startsWith("/#login=tb1."), to);
        String resultCookie = cookie(back, CallbackLogin.RESULT);
        assertTrue(
                back.headers()
                        .allValues("Set-Cookie")
                        .contains(CallbackLogin.PENDING + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
                back.headers().allValues("Set-Cookie").toString());
        String blob = to.substring("/#login=".length());

        // Without the browser's binding cookie the sealed result is worthless.
        assertEquals(
                400,
                post(replicas.b.http(CallbackLogin.RESULT_PATH), null, blob).statusCode());
        assertEquals(
                400,
                post(replicas.b.http(CallbackLogin.RESULT_PATH), CallbackLogin.RESULT + "=other", blob)
                        .statusCode());
        // An oversized body is refused before any opening.
        assertEquals(
                400,
                post(replicas.b.http(CallbackLogin.RESULT_PATH), resultCookie, blob + "A".repeat(3000))
                        .statusCode());
        // With it, on either replica: the verify_pin reply the pages know.
        HttpResponse<String> result = post(replicas.a.http(CallbackLogin.RESULT_PATH), resultCookie, blob);
        assertEquals(200, result.statusCode(), result.body());
        assertTrue(
                result.body().contains("\"status\":\"verified\"")
                        && result.body().contains("\"screen_name\":\"cb_user\""),
                result.body());
        assertEquals("no-store", result.headers().firstValue("Cache-Control").orElseThrow());

        // The same callback again: the replica that exchanged it refuses without calling X ...
        long before = replicas.b.xRequests();
        HttpResponse<String> again = get(URI.create(s[1]), s[0]);
        assertEquals("/#login_error=expired", location(again));
        assertEquals(before, replicas.b.xRequests());
        // ... and another replica, without shared state, is refused by X itself.
        String onA =
                s[1].replace(replicas.callbackUrl, replicas.a.http("/callback").toString());
        assertEquals("/#login_error=expired", location(get(URI.create(onA), s[0])));
        assertTrue(replicas.b.xRequests() > before, "X was asked, and refused");
    }

    @Test
    void aTamperedOrMissingCookieOrAnotherTokenIsRefusedWithoutCallingX() throws Exception {
        String[] s = startAndAuthorize("tamper_user");
        long before = replicas.b.xRequests();
        String value = s[0].substring(s[0].indexOf('=') + 1);
        for (int i : List.of(4, value.length() / 2, value.length() - 1)) {
            char c = value.charAt(i);
            String tampered = CallbackLogin.PENDING + "=" + value.substring(0, i) + (c == 'A' ? 'B' : 'A')
                    + value.substring(i + 1);
            assertEquals("/#login_error=expired", location(get(URI.create(s[1]), tampered)));
        }
        assertEquals("/#login_error=expired", location(get(URI.create(s[1]), null)));
        String otherToken = s[1].replaceFirst("oauth_token=[^&]+", "oauth_token=someoneelse");
        assertEquals("/#login_error=bad_request", location(get(URI.create(otherToken), s[0])));
        String overlong = s[1] + "&pad=" + "x".repeat(2000);
        assertEquals("/#login_error=bad_request", location(get(URI.create(overlong), s[0])));
        assertEquals(before, replicas.b.xRequests());
        // A pending login from another deployment (other keys) does not open here.
        try (CallbackReplicas other = new CallbackReplicas(sandbox, SealKeys.generate("k1"))) {
            String foreign = cookie(get(other.a.http("/login"), null), CallbackLogin.PENDING);
            long mid = replicas.b.xRequests();
            assertEquals("/#login_error=expired", location(get(URI.create(s[1]), foreign)));
            assertEquals(mid, replicas.b.xRequests());
        }
        // The untouched cookie still works: the refusals above used nothing up.
        assertTrue(location(get(URI.create(s[1]), s[0])).startsWith("/#login=tb1."));
    }

    @Test
    void withSealedTokensTheCallbackLoginAnswersASealedToken() throws Exception {
        try (CallbackReplicas sealedMode =
                new CallbackReplicas(sandbox, SealKeys.generate("k1"), "sealed-tokens", "json")) {
            String[] s = startAndAuthorize(sealedMode, "cb_sealed");
            HttpResponse<String> back = get(URI.create(s[1]), s[0]);
            String blob = location(back).substring("/#login=".length());
            HttpResponse<String> result =
                    post(sealedMode.b.http(CallbackLogin.RESULT_PATH), cookie(back, CallbackLogin.RESULT), blob);
            assertEquals(200, result.statusCode(), result.body());
            assertTrue(
                    result.body().contains("\"sealed_token\":\"tb1.k1.")
                            && !result.body().contains("access_token"),
                    result.body());
        }
    }

    /** GATEWAY_CALLBACK_PENDING_TTL: the pending login's cookie lives that long; beyond X's 15 minutes, no start. */
    @Test
    void thePendingLoginLivesAsLongAsConfigured() throws Exception {
        try (CallbackReplicas brief =
                new CallbackReplicas(sandbox, SealKeys.generate("k1"), "callback.pending-ttl", "PT3M")) {
            HttpResponse<String> start = get(brief.a.http("/login"), null);
            assertEquals(302, start.statusCode());
            String setCookie = start.headers().allValues("Set-Cookie").getFirst();
            assertTrue(
                    setCookie.startsWith(CallbackLogin.PENDING + "=") && setCookie.contains("; Max-Age=180;"),
                    setCookie);
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> GatewayConfig.from(ConfigKeys.applicationYaml(
                        GatewayConfig.class, Map.of("gateway.callback.pending-ttl", "PT16M"))));
        assertEquals("GATEWAY_CALLBACK_PENDING_TTL must be more than 0 and at most PT15M", e.getMessage());
    }

    @Test
    void denyingOnXComesBackAsDenied() throws Exception {
        HttpResponse<String> start = get(replicas.a.http("/login"), null);
        String pending = cookie(start, CallbackLogin.PENDING);
        HttpResponse<String> r = get(URI.create(replicas.callbackUrl + "?denied=abc"), pending);
        assertEquals("/#login_error=denied", location(r));
    }

    @Test
    void thePinFlowStaysAvailableAndThePageOffersTheCallbackLogin() throws Exception {
        WsClient ws = WsClient.connect(replicas.a.ws(), "http://127.0.0.1:" + replicas.a.server.port());
        String reply;
        try {
            reply = ws.call("{\"id\":\"1\",\"command\":\"auth\"}");
        } finally {
            ws.close();
        }
        Matcher m = Pattern.compile("oauth_token=([A-Za-z0-9_-]+)").matcher(reply);
        assertTrue(m.find(), reply);
        // The WebSocket's auth still asks X for a PIN ("oob"), though X's callback is a URL: X shows a PIN, no
        // redirect.
        HttpResponse<String> approve = HTTP.send(
                HttpRequest.newBuilder(sandbox.baseUri().resolve("/oauth/authorize"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "oauth_token=" + m.group(1) + "&screen_name=pin_user"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, approve.statusCode());
        assertTrue(approve.body().contains("oauth_pin"), approve.body());
        assertTrue(get(replicas.a.http("/"), null).body().contains("<body data-callback=\"on\">"));
    }
}
