package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The existing pages' protocol, over a real WebSocket, against the sandbox over real HTTP. */
@ServerTest
class GatewayProtocolTest {
    private static TwitterSandbox sandbox;
    private static Gateway gateway;
    private final URI base;

    GatewayProtocolTest(URI base) {
        this.base = base;
    }

    /** The server as the process sets it up ({@link Main#setup}), with X being a sandbox. */
    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
        gateway = Main.setup(
                server, GatewayFixture.processConfig(sandbox, GatewayFixture.config(), "oob", Optional.empty()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        sandbox.close();
    }

    private URI ws() {
        return URI.create("ws://" + base.getAuthority() + "/");
    }

    private WsClient connect() {
        return WsClient.connect(ws(), GatewayFixture.ORIGIN);
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    private static String[] fields(String reply) {
        return reply.split("ÿ", -1);
    }

    /** Proves the tokens are a real user's: posting with them works. */
    private static void assertTokensPost(String token, String secret) {
        XClient x = GatewayFixture.x(sandbox);
        assertInstanceOf(
                XResult.Ok.class,
                x.post(new Tokens(token, secret), "connected " + token.hashCode(), List.of(), Optional.empty()));
    }

    @Test
    void oldStyleNewConnectionPerStep() throws Exception {
        WsClient first = connect();
        String[] auth = fields(first.call("auth"));
        first.close();
        assertEquals(5, auth.length);
        assertEquals(List.of("twt", "auth"), List.of(auth[0], auth[1]));
        assertTrue(auth[2].equals(sandbox.baseUri() + "/oauth/authorize?oauth_token=" + auth[3]), auth[2]);
        String pin = sandbox.users().authorize(auth[3], "old_page").orElseThrow();

        WsClient second = connect();
        String[] verified = fields(second.call("verify_pin\u00FF" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4]));
        second.close();
        assertEquals(4, verified.length, "the pages treat exactly 4 fields as success");
        assertEquals(List.of("twt", "verify_pin"), List.of(verified[0], verified[1]));
        assertTokensPost(verified[2], verified[3]);
    }

    @Test
    void newStyleOneConnectionSeveralMessages() throws Exception {
        WsClient c = connect();
        String[] auth = fields(c.call("auth"));
        String pin = sandbox.users().authorize(auth[3], "one_conn").orElseThrow();
        String[] verified = fields(c.call("verify_pin\u00FF" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4]));
        assertEquals(4, verified.length);
        String[] again = fields(c.call("auth"));
        assertEquals(5, again.length);
        c.close();
        assertTokensPost(verified[2], verified[3]);
    }

    @Test
    void wrongPinAndReusedRequestTokenFail() throws Exception {
        WsClient c = connect();
        String[] auth = fields(c.call("auth"));
        String pin = sandbox.users().authorize(auth[3], "wrong").orElseThrow();
        String wrong = pin.equals("0000000") ? "1111111" : "0000000";
        assertEquals(
                "twtÿverify_pinÿexception_occurred",
                c.call("verify_pin\u00FF" + wrong + "\u00FF" + auth[3] + "\u00FF" + auth[4]));
        assertEquals(4, fields(c.call("verify_pin\u00FF" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4])).length);
        assertEquals(
                "twtÿverify_pinÿexception_occurred",
                c.call("verify_pin\u00FF" + pin + "\u00FF" + auth[3] + "\u00FF" + auth[4]));
        c.close();
    }

    @Test
    void xDownIsAnExceptionReply() throws Exception {
        sandbox.faults().errors(1.0, 503);
        WsClient c = connect();
        assertEquals("twtÿauthÿexception_occurred", c.call("auth"));
        c.close();
    }

    @Test
    void aSlowXDoesNotStallOtherSessions() throws Exception {
        sandbox.faults().latency(Duration.ofMillis(3_000));
        WsClient slow = connect();
        WsClient other = connect();
        slow.send("auth");
        assertEquals("twtÿerrorÿunknown_command", other.call("hello"));
        assertTrue(slow.messages.isEmpty(), "the other session was answered while X was still busy with the first");
        assertEquals(5, fields(slow.next()).length);
        slow.close();
        other.close();
    }

    @Test
    void badFramesGetDocumentedRepliesWithoutEchoingSecrets() throws Exception {
        WsClient c = connect();
        assertEquals("twtÿerrorÿunknown_command", c.call("hello"));
        assertEquals("twtÿerrorÿunknown_command", c.call("upload_postÿaÿbÿcÿd"));
        String reply = c.call("verify_pinÿ1234ÿSECRET-TOKEN");
        assertEquals("twtÿverify_pinÿexception_occurred", reply);
        assertEquals("twtÿauthÿexception_occurred", c.call("authÿextra"));
        assertEquals("twtÿerrorÿbad_request", c.call(""));
        assertEquals("twtÿerrorÿbad_request", c.call("{not json"));
        c.close();
    }

    @Test
    void jsonFramesCarryTheScreenName() throws Exception {
        WsClient c = connect();
        String auth = c.call("{\"id\":\"1\",\"command\":\"auth\"}");
        assertTrue(
                auth.startsWith("{\"id\":\"1\",\"command\":\"auth\",\"status\":\"auth_started\",\"authorize_url\":\""),
                auth);
        String token = auth.replaceAll(".*\"request_token\":\"([^\"]+)\".*", "$1");
        String secret = auth.replaceAll(".*\"request_token_secret\":\"([^\"]+)\".*", "$1");
        String pin = sandbox.users().authorize(token, "json_page").orElseThrow();
        String verified = c.call("{\"id\":\"2\",\"command\":\"verify_pin\",\"pin\":\"" + pin + "\",\"request_token\":\""
                + token + "\",\"request_token_secret\":\"" + secret + "\"}");
        assertTrue(
                verified.contains("\"status\":\"verified\"") && verified.contains("\"screen_name\":\"json_page\""),
                verified);
        c.close();
    }

    @Test
    void aForeignOriginIsRefusedBeforeTheUpgrade() {
        CompletionException e =
                assertThrows(CompletionException.class, () -> WsClient.connect(ws(), "https://evil.example"));
        assertEquals(
                403,
                assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
                        .getResponse()
                        .statusCode());
    }

    @Test
    void aMissingOriginIsRefusedUnlessConfigured() {
        CompletionException e = assertThrows(CompletionException.class, () -> WsClient.connect(ws(), null));
        assertEquals(
                403,
                assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
                        .getResponse()
                        .statusCode());
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = WsClient.HTTP.send(
                HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Connect an X account"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(
                csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"),
                csp);
        assertEquals(
                200,
                WsClient.HTTP
                        .send(
                                HttpRequest.newBuilder(base.resolve("/app.js")).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
    }

    @Test
    void metricsCountFlowsAndNeverCarryTokens() throws Exception {
        WsClient c = connect();
        String[] auth = fields(c.call("auth"));
        c.close();
        HttpResponse<String> m = WsClient.HTTP.send(
                HttpRequest.newBuilder(base.resolve("/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(m.body().contains("twt_gateway_auth_flows") && m.body().contains("event=\"started\""), m.body());
        assertTrue(m.body().contains("twt_gateway_open_connections"));
        assertTrue(m.body().contains("twt_gateway_x_call"));
        assertFalse(m.body().contains(auth[3]) || m.body().contains(auth[4]));
        assertEquals(
                200,
                WsClient.HTTP
                        .send(
                                HttpRequest.newBuilder(base.resolve("/observe/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
    }
}
