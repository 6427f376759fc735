package io.twtbridge.worker;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.protocol.Tokens;
import io.twtbridge.twitter.XClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.twtbridge.worker.Harness.legacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /observe/health and /observe/metrics of a worker, and start-up checks. */
class ObserveTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Harness h;
    private WebServer server;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        h.close();
    }

    private WebServer serve(Worker worker) {
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0);
        Main.setup(b, worker);
        return b.build().start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyWhenConsumingAndMetricsCountOutcomes() throws Exception {
        Worker worker = h.startWorker();
        server = serve(worker);
        assertEquals(200, get("/observe/health/ready").statusCode());
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
    @Tag("rabbitmq-only")
    void notLiveWhenConnectedButUnableToConsumeFreeShards() throws Exception {
        Harness.requireRabbitMq("users and permissions (rabbitmqctl)");
        Worker healthy = h.startWorker();
        server = serve(healthy);
        Harness.await("healthy worker owns shards", Duration.ofSeconds(10), () -> !healthy.ownedShards().isEmpty());
        assertEquals(200, get("/observe/health/live").statusCode());
        healthy.close();
        server.stop();
        // A user that may read every queue except the shards: connected and declared, but consuming nothing.
        String user = "twt-live-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_user", user, "pw");
        try {
            rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", "^(?!.*\\.shard\\.).*$");
            URI uri = URI.create("amqp://" + user + ":pw@127.0.0.1:5672/");
            Worker stuck = h.startWorker(h.config(Map.of("amqp.uri", uri.toString(), "worker.liveness-timeout", "PT1S")));
            server = serve(stuck);
            Harness.await("liveness fails", Duration.ofSeconds(15), () -> {
                try {
                    return get("/observe/health/live").statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(stuck.ownedShards().isEmpty());
            assertEquals(200, get("/observe/health/ready").statusCode(), "still connected: ready, but not live");
        } finally {
            rabbitmqctl("delete_user", user);
        }
    }

    private static void rabbitmqctl(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("rabbitmqctl", "-q"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "rabbitmqctl " + String.join(" ", args) + ": " + out);
    }

    @Test
    void notReadyWhileRabbitMqIsUnreachableAndKeepsTrying() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Worker worker = new Worker(h.config(Map.of("amqp.uri", "amqp://guest:guest@127.0.0.1:" + port + "/")), h.xConfig());
        try {
            worker.start();
            server = serve(worker);
            assertFalse(worker.ready());
            assertEquals(503, get("/observe/health/ready").statusCode());
        } finally {
            worker.close();
        }
    }

    @Test
    void missingCredentialsAreNamedInOneLine() {
        Config empty = Config.just(ConfigSources.create(Map.of("twitter.consumer.key", "k")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> XClientConfig.from(empty.get("twitter")));
        assertEquals("TWITTER_CONSUMER_SECRET is not set (twitter.consumer.secret)", e.getMessage());
    }
}
