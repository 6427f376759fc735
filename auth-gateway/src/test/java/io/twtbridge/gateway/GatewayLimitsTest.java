package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.TwitterSandbox;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every limit is enforced with its close code and counted; a thousand concurrent logins all succeed. */
class GatewayLimitsTest {
    private static TwitterSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static Map<String, String> limits(int maxBytes, Duration idle, int perMinute, int perAddress) {
        return GatewayFixture.config(
                "max-message-bytes",
                String.valueOf(maxBytes),
                "idle-timeout",
                idle.toString(),
                "messages-per-minute",
                String.valueOf(perMinute),
                "connections-per-address",
                String.valueOf(perAddress));
    }

    @Test
    void oversizedMessageClosesWith1009() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, limits(4096, Duration.ofMinutes(5), 30, 20))) {
            WsClient c = g.connect();
            c.socket.sendText("a".repeat(5000), true);
            assertEquals(1009, c.closeCode());
            WsClient fragmented = g.connect();
            fragmented.socket.sendText("b".repeat(3000), false).join();
            fragmented.socket.sendText("b".repeat(3000), true);
            assertEquals(1009, fragmented.closeCode());
            assertTrue(g.metrics().contains("limit=\"message_size\""));
        }
    }

    @Test
    void aFloodOfMessagesClosesWith1008() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, limits(4096, Duration.ofMinutes(5), 5, 20))) {
            WsClient c = g.connect();
            for (int i = 0; i < 6; i++) {
                c.socket.sendText("hello", true).join();
            }
            assertEquals(1008, c.closeCode());
            assertTrue(g.metrics().contains("limit=\"rate\""));
        }
    }

    @Test
    void binaryFramesCloseWith1003() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, limits(4096, Duration.ofMinutes(5), 30, 20))) {
            WsClient c = g.connect();
            c.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
            assertEquals(1003, c.closeCode());
        }
    }

    @Test
    void idleConnectionsCloseWith1001() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, limits(4096, Duration.ofMillis(300), 30, 20))) {
            WsClient c = g.connect();
            assertEquals(1001, c.closeCode());
            assertTrue(g.metrics().contains("limit=\"idle\""));
        }
    }

    @Test
    void tooManyConnectionsFromOneAddressCloseWith1013() throws Exception {
        try (GatewayFixture g = new GatewayFixture(sandbox, limits(4096, Duration.ofMinutes(5), 30, 3))) {
            List<WsClient> held = List.of(g.connect(), g.connect(), g.connect());
            WsClient fourth = g.connect();
            assertEquals(1013, fourth.closeCode());
            held.getFirst().close();
            assertEquals(1000, held.getFirst().closeCode());
            GatewayFixture.await("the slot is freed", () -> g.gateway.openConnections() == 2);
            WsClient again = g.connect();
            assertEquals(5, again.call("auth").split("ÿ", -1).length);
        }
    }

    @Test
    void aThousandConcurrentFlowsAllSucceed() throws Exception {
        sandbox.reset();
        int flows = 1000;
        // 1,000 connections to X opened at once: on a machine busy with other work, the fixture's 2 s connect timeout
        // is not always enough (this test counts successes, not time)
        Map<String, String> settings = new HashMap<>(limits(4096, Duration.ofMinutes(5), 30, flows + 10));
        settings.put("twitter.connect-timeout", "PT30S");
        settings.put("twitter.read-timeout", "PT30S");
        try (GatewayFixture g = new GatewayFixture(sandbox, settings);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<WsClient> clients = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                clients.add(g.connect());
            }
            GatewayFixture.await("all connections registered", () -> g.gateway.openConnections() == flows);
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                WsClient c = clients.get(i);
                String name = "u" + i;
                results.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                String[] auth = c.call("auth").split("ÿ", -1);
                                String pin =
                                        sandbox.users().authorize(auth[3], name).orElseThrow();
                                return c.call("verify_pinÿ" + pin + "ÿ" + auth[3] + "ÿ" + auth[4]);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
            for (CompletableFuture<String> r : results) {
                String[] f = r.get().split("ÿ", -1);
                assertEquals(4, f.length, String.join("|", f));
                assertEquals("verify_pin", f[1]);
            }
            System.out.printf("%d concurrent PIN logins in %d ms%n", flows, (System.nanoTime() - start) / 1_000_000);
            clients.forEach(WsClient::close);
        }
    }
}
