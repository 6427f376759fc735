package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.TwitterSandbox;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pings both ways, dead peers and shutdown, over real WebSockets (the JDK's client) and a raw socket. */
class WebSocketLifecycleTest {
    private static TwitterSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void everyPingIsAnsweredWithItsPayload() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, GatewayFixture.config())) {
            WsClient c = g.connect();
            for (int i = 0; i < 20; i++) {
                byte[] payload = ("ping " + i).getBytes(StandardCharsets.UTF_8);
                c.socket.sendPing(ByteBuffer.wrap(payload)).join();
                ByteBuffer pong = c.pongs.poll(10, TimeUnit.SECONDS);
                assertNotNull(pong, "no pong for ping " + i);
                assertArrayEquals(payload, bytes(pong));
            }
            assertEquals(5, c.call("auth").split("ÿ", -1).length);
            c.close();
        }
    }

    @Test
    void quietConnectionsArePingedAndStayOpenWhileTheyAnswer() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, GatewayFixture.config("ping-interval", "PT0.2S"))) {
            WsClient c = g.connect(); // the JDK's WebSocket answers every ping with a pong
            for (int i = 0; i < 5; i++) {
                assertNotNull(c.pings.poll(10, TimeUnit.SECONDS), "ping " + i);
            }
            assertFalse(c.closed.isDone(), "a connection that answers pings stays open");
            assertEquals(1, g.gateway.openConnections());
            assertEquals(5, c.call("auth").split("ÿ", -1).length);
            c.close();
        }
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsClosedAndDropped() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, GatewayFixture.config("ping-interval", "PT0.2S"));
                RawWs dead = RawWs.connect(g.ws(), GatewayFixture.ORIGIN)) {
            GatewayFixture.await("registered", () -> g.gateway.openConnections() == 1);
            RawWs.Frame ping = dead.read();
            assertEquals(RawWs.PING, ping.opcode());
            RawWs.Frame close = dead.readClose();
            assertEquals(1001, close.closeCode());
            assertEquals("no answer to ping", close.closeReason());
            assertEquals(0, dead.readToEnd(1 << 16).length, "then the server drops the TCP connection");
            assertEquals(0, g.gateway.openConnections());
            assertTrue(g.metrics().contains("limit=\"ping_timeout\""));
        }
    }

    @Test
    void shutdownClosesEveryOpenSessionWith1001AndTurnsNotReady() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, GatewayFixture.config())) {
            List<WsClient> sessions = List.of(g.connect(), g.connect(), g.connect());
            assertEquals("twtÿerrorÿunknown_command", sessions.getFirst().call("hello"));
            GatewayFixture.await("all registered", () -> g.gateway.openConnections() == 3);
            g.gateway.shutdown(Duration.ofSeconds(5));
            for (WsClient s : sessions) {
                assertEquals(1001, s.closeCode());
                assertEquals("server restarting", s.closeReason);
            }
            HttpResponse<String> ready = WsClient.HTTP.send(
                    HttpRequest.newBuilder(g.http("/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
