package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * /observe/health/live of two workers in turn (a healthy one, then one that may not consume the shards), each on a
 * server set up by {@link Main#setup}: started here rather than by Helidon's test server, which serves one per class.
 */
class LivenessTest {
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

    /** A worker made and started by {@link Main#setup}, on a server of its own. */
    private Worker serve(Map<String, String> overrides) {
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0);
        Worker worker = Main.setup(b, h.processConfig(overrides));
        server = b.build().start();
        h.startWorker(worker);
        return worker;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Tag("rabbitmq-only")
    void notLiveWhenConnectedButUnableToConsumeFreeShards() throws Exception {
        Harness.requireRabbitMq("users and permissions (rabbitmqctl)");
        Worker healthy = serve(Map.of());
        Harness.await(
                "healthy worker owns shards",
                Duration.ofSeconds(10),
                () -> !healthy.ownedShards().isEmpty());
        assertEquals(200, get("/observe/health/live").statusCode());
        healthy.close();
        server.stop();
        // A user that may read every queue except the shards: connected and declared, but consuming nothing.
        String user = "twt-live-" + UUID.randomUUID().toString().substring(0, 8);
        Processes.rabbitmqctl("-q", "add_user", user, "pw");
        try {
            Processes.rabbitmqctl("-q", "set_permissions", "-p", "/", user, ".*", ".*", "^(?!.*\\.shard\\.).*$");
            URI uri = URI.create("amqp://" + user + ":pw@127.0.0.1:5672/");
            Worker stuck = serve(Map.of("amqp.uri", uri.toString(), "worker.liveness-timeout", "PT1S"));
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
            Processes.rabbitmqctl("-q", "delete_user", user);
        }
    }
}
