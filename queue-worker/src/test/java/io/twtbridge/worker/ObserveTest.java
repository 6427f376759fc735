package io.twtbridge.worker;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.XClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * /observe/health and /observe/metrics of a worker set up as the process does it ({@link Main#setup}, on Helidon's
 * test server), and start-up checks. A worker that cannot consume is {@link LivenessTest}'s.
 */
@ServerTest
class ObserveTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Harness h;
    private static Worker worker;
    private final URI base;

    ObserveTest(URI base) {
        this.base = base;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) throws Exception {
        h = new Harness();
        worker = Main.setup(server, h.processConfig(Map.of()));
        worker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        h.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyWhenConsumingAndMetricsCountOutcomes() throws Exception {
        Harness.await("worker ready", Duration.ofSeconds(20), worker::ready);
        assertEquals(200, get("/observe/health/ready").statusCode());
        Harness.await(
                "worker owns shards",
                Duration.ofSeconds(10),
                () -> !worker.ownedShards().isEmpty());
        assertEquals(200, get("/observe/health/live").statusCode(), "consuming its shards: live (LivenessTest: not)");
        Tokens u = h.user("observed");
        h.send(legacy("1", "upload_post", u.token(), u.secret(), "measured", ""));
        assertEquals("1ÿtwtÿupload_postÿ0", h.nextReply(Duration.ofSeconds(15)).text());
        String metrics = get("/observe/metrics").body();
        assertTrue(metrics.contains("twt_requests") && metrics.contains("outcome=\"posted\""), metrics);
        assertTrue(metrics.contains("twt_x_call"), "X latency is measured");
        assertTrue(metrics.contains("twt_in_flight"), "in-flight gauge");
        assertFalse(metrics.contains(u.token()) || metrics.contains(u.secret()), "no secrets in metrics");
    }

    @Test
    void missingCredentialsAreNamedInOneLine() {
        Config empty = Config.just(ConfigSources.create(Map.of("twitter.consumer.key", "k")));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> XClientConfig.from(empty.get("twitter")));
        assertEquals("TWITTER_CONSUMER_SECRET is not set (twitter.consumer.secret)", e.getMessage());
    }
}
