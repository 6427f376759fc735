package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * /observe/health/live of a worker that may not consume the shards, set up as the process does it ({@link Main#setup},
 * on Helidon's test server). A healthy worker's 200 is {@link ObserveTest}'s.
 */
@ServerTest
@Tag("rabbitmq-only")
class LivenessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Harness h;
    private static Worker stuck;
    private static String user;
    private final URI base;

    LivenessTest(URI base) {
        this.base = base;
    }

    /**
     * A RabbitMQ user that may read every queue except the shards, and a worker connecting as it: connected, but
     * consuming nothing. Without RabbitMQ (users and permissions) nothing is set up and the test says so.
     */
    @SetUpServer
    static void server(WebServerConfig.Builder server) throws Exception {
        if (!Harness.BROKER.isRabbitMq()) {
            return;
        }
        h = new Harness();
        // A worker with every permission declares the queues first (declaring a dead-lettering queue needs read
        // permission on it, which the user below lacks for the shards), and gives them back.
        Worker declaring = new Worker(h.config(), h.xConfig());
        declaring.start();
        Harness.await(
                "queues declared",
                Duration.ofSeconds(20),
                () -> !declaring.ownedShards().isEmpty());
        declaring.close();
        user = "twt-live-" + UUID.randomUUID().toString().substring(0, 8);
        Processes.rabbitmqctl("-q", "add_user", user, "pw");
        Processes.rabbitmqctl("-q", "set_permissions", "-p", "/", user, ".*", ".*", "^(?!.*\\.shard\\.).*$");
        URI uri = URI.create("amqp://" + user + ":pw@127.0.0.1:5672/");
        stuck = Main.setup(
                server, h.processConfig(Map.of("amqp.uri", uri.toString(), "worker.liveness-timeout", "PT1S")));
        h.startWorker(stuck);
    }

    @AfterAll
    static void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        if (user != null) {
            Processes.rabbitmqctl("-q", "delete_user", user);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void notLiveWhenConnectedButUnableToConsumeFreeShards() throws Exception {
        Harness.requireRabbitMq("users and permissions (rabbitmqctl)");
        Harness.await("liveness fails", Duration.ofSeconds(15), () -> {
            try {
                return get("/observe/health/live").statusCode() == 503;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(stuck.ownedShards().isEmpty());
        assertEquals(200, get("/observe/health/ready").statusCode(), "still connected: ready, but not live");
    }
}
