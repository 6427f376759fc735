package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.twtbridge.protocol.Media;
import io.twtbridge.protocol.MediaSource;
import io.twtbridge.protocol.Request;
import io.twtbridge.protocol.Tokens;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Images given as URLs: redirects limited, size capped, private addresses and plain http refused unless allowed. */
class MediaUrlTest {
    private static final Duration T = Duration.ofSeconds(20);
    private Harness h;
    private WebServer images;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        byte[] big = new byte[(15 << 20) + 10];
        System.arraycopy(TestImages.png(), 0, big, 0, 8);
        images = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(r -> r.get(
                                "/img.png",
                                (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "image/png")
                                        .send(TestImages.png()))
                        .get(
                                "/redirect",
                                (req, res) -> res.status(Status.FOUND_302)
                                        .header(HeaderNames.LOCATION, "/img.png")
                                        .send())
                        .get(
                                "/loop",
                                (req, res) -> res.status(Status.FOUND_302)
                                        .header(HeaderNames.LOCATION, "/loop")
                                        .send())
                        .get("/big", (req, res) -> res.send(big)))
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        images.stop();
        h.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + images.port() + path;
    }

    private JsonObject post(String url) throws Exception {
        Tokens u = h.user("url" + Math.abs(url.hashCode()));
        Request.Post p = new Request.Post(
                "u-1",
                u,
                "with a picture from " + url,
                List.of(Media.of(new MediaSource.Url(URI.create(url)))),
                Optional.empty());
        return h.requestJson(p, T);
    }

    private static void assertFailed(JsonObject reply, String code, String messagePart) {
        assertEquals("failed", reply.getString("status"), reply.toString());
        assertEquals(code, reply.getJsonObject("error").getString("code"));
        assertTrue(reply.getJsonObject("error").getString("message").contains(messagePart), reply.toString());
    }

    @Test
    void followsALimitedNumberOfRedirectsAndCapsTheSize() throws Exception {
        h.startWorker();
        assertEquals("posted", post(url("/redirect")).getString("status"));
        assertEquals(1, h.sandbox.posts().all().getFirst().mediaIds().size());
        assertFailed(post(url("/loop")), "media_unreachable", "too many redirects");
        assertFailed(post(url("/big")), "media_too_large", "larger than");
        assertFailed(post(url("/missing")), "media_unreachable", "answered 404");
        assertEquals(1, h.sandbox.posts().all().size());
    }

    @Test
    void privateAddressesAreRefusedUnlessAllowed() throws Exception {
        h.startWorker(h.config(Map.of("media.url.allow-private", "false")));
        assertFailed(post(url("/img.png")), "media_unreachable", "private address");
        assertEquals(0, h.sandbox.posts().all().size());
    }

    @Test
    void plainHttpIsRefusedUnlessAllowed() throws Exception {
        h.startWorker(h.config(Map.of("media.url.allow-http", "false")));
        assertFailed(post(url("/img.png")), "media_unreachable", "only https");
    }
}
