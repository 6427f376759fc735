package io.twtbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox refuses what X refuses: a signature off by one character, a reused nonce, a stale timestamp. */
@ServerTest
class SandboxSignatureTest {
    private static TwitterSandbox sandbox;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;

    SandboxSignatureTest(URI base) {
        this.base = base;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        sandbox = TwitterSandbox.setup(server, TwitterSandbox.Settings.defaults());
    }

    /** A signed Authorization header for POST /2/tweets, built independently from the sandbox's handlers. */
    private String header(UserTokens u, long timestamp, String nonce) {
        return header("http://127.0.0.1:" + base.getPort(), u, timestamp, nonce);
    }

    /** The same for a sandbox at {@code origin} (scheme, host and port: the start of the base string URI). */
    private static String header(String origin, UserTokens u, long timestamp, String nonce) {
        List<OAuthVerifier.Param> p = new ArrayList<>();
        p.add(new OAuthVerifier.Param("oauth_consumer_key", TwitterSandbox.DEFAULT_CONSUMER_KEY));
        p.add(new OAuthVerifier.Param("oauth_nonce", nonce));
        p.add(new OAuthVerifier.Param("oauth_signature_method", "HMAC-SHA1"));
        p.add(new OAuthVerifier.Param("oauth_timestamp", String.valueOf(timestamp)));
        p.add(new OAuthVerifier.Param("oauth_token", u.accessToken()));
        p.add(new OAuthVerifier.Param("oauth_version", "1.0"));
        String sig = OAuthVerifier.hmacSha1(
                OAuthVerifier.baseString("POST", origin + "/2/tweets", p),
                TwitterSandbox.DEFAULT_CONSUMER_SECRET,
                u.accessTokenSecret());
        StringBuilder h = new StringBuilder("OAuth ");
        for (OAuthVerifier.Param x : p) {
            h.append(x.name())
                    .append("=\"")
                    .append(OAuthVerifier.encode(x.value()))
                    .append("\", ");
        }
        return h.append("oauth_signature=\"")
                .append(OAuthVerifier.encode(sig))
                .append('"')
                .toString();
    }

    private HttpResponse<String> post(String authorization, String text) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.getPort() + "/2/tweets"))
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String offByOne(String header) {
        int i = header.indexOf("oauth_signature=\"") + "oauth_signature=\"".length();
        char c = header.charAt(i);
        return header.substring(0, i) + (c == 'A' ? 'B' : 'A') + header.substring(i + 1);
    }

    @Test
    void acceptsAValidSignatureAndRefusesOneOffByOneCharacter() throws Exception {
        UserTokens u = sandbox.users().create("sig");
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> ok = post(header(u, now, UUID.randomUUID().toString()), "valid");
        assertEquals(201, ok.statusCode(), ok.body());
        assertTrue(ok.headers().firstValue("x-rate-limit-remaining").isPresent());
        HttpResponse<String> bad =
                post(offByOne(header(u, now, UUID.randomUUID().toString())), "tampered");
        assertEquals(401, bad.statusCode());
        assertEquals(
                "{\"title\":\"Unauthorized\",\"detail\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401}",
                bad.body());
    }

    /**
     * Served over TLS, as X is, the sandbox verifies signatures made for the {@code https} URL, and refuses one made
     * for {@code http} (RFC 5849 section 3.4.1.2: the scheme is part of the base string).
     */
    @Test
    void overTlsVerifiesTheHttpsBaseString(@TempDir Path dir) throws Exception {
        SelfSignedTls certificate = SelfSignedTls.create(dir);
        SSLContext server = certificate.server();
        SSLContext client = certificate.client();

        WebServerConfig.Builder b =
                WebServer.builder().host("127.0.0.1").port(0).tls(t -> t.sslContext(server));
        TwitterSandbox tls = TwitterSandbox.setup(b, TwitterSandbox.Settings.defaults());
        WebServer web = b.build().start();
        try (HttpClient https = HttpClient.newBuilder().sslContext(client).build()) {
            String origin = "https://127.0.0.1:" + web.port();
            UserTokens u = tls.users().create("tls");
            long now = System.currentTimeMillis() / 1000;
            HttpResponse<String> ok = postTo(
                    https, origin, header(origin, u, now, UUID.randomUUID().toString()), "over tls");
            assertEquals(201, ok.statusCode(), ok.body());
            String httpOrigin = "http://127.0.0.1:" + web.port();
            assertEquals(
                    401,
                    postTo(
                                    https,
                                    origin,
                                    header(httpOrigin, u, now, UUID.randomUUID().toString()),
                                    "wrong scheme")
                            .statusCode());
        } finally {
            web.stop();
        }
    }

    private static HttpResponse<String> postTo(HttpClient client, String origin, String authorization, String text)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(origin + "/2/tweets"))
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesAReusedNonceAndAStaleTimestamp() throws Exception {
        UserTokens u = sandbox.users().create("nonce");
        long now = System.currentTimeMillis() / 1000;
        String h = header(u, now, "same-nonce");
        assertEquals(201, post(h, "first").statusCode());
        assertEquals(401, post(h, "first again").statusCode());
        assertEquals(
                401,
                post(header(u, now - 3600, UUID.randomUUID().toString()), "old").statusCode());
    }
}
