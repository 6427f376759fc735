package io.twtbridge.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A worker whose broker does not answer: not ready, and it keeps trying. */
@ServerTest
class ObserveBrokerDownTest {
    private static Harness h;
    private static Worker worker;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final URI base;

    ObserveBrokerDownTest(URI base) {
        this.base = base;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        h = new Harness();
        worker = Main.setup(server, h.processConfig(Map.of("amqp.uri", "amqp://guest:guest@127.0.0.1:" + port + "/")));
        worker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        h.close();
    }

    @Test
    void notReadyWhileRabbitMqIsUnreachableAndKeepsTrying() throws Exception {
        assertFalse(worker.ready());
        assertEquals(
                503,
                HTTP.send(
                                HttpRequest.newBuilder(base.resolve("/observe/health/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode());
    }
}
