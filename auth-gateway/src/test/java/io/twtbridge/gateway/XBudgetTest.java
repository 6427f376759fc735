package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twtbridge.sandbox.TwitterSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls to X are a budget, counted by the sandbox over HTTP: abuse costs at most the configured number of calls. */
class XBudgetTest {
    private static TwitterSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = TwitterSandbox.start(TwitterSandbox.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    /** Connect, 30 × auth, close, again and again: the per-address bucket spans connections. */
    @Test
    void theAbuseLoopCostsAtMostTheAddressBudget() throws Exception {
        int perAddress = 5;
        try (GatewayFixture g = new GatewayFixture(
                sandbox,
                GatewayFixture.config(
                        "x-calls-per-minute", "50", "x-calls-per-address-per-minute", String.valueOf(perAddress)))) {
            long start = System.nanoTime();
            List<String> replies = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                WsClient c = g.connect();
                for (int i = 0; i < 30; i++) {
                    c.send("auth");
                }
                for (int i = 0; i < 30; i++) {
                    replies.add(c.next());
                }
                c.close();
                assertEquals(1000, c.closeCode());
            }
            double minutes = (System.nanoTime() - start) / 60e9;
            long allowed =
                    perAddress + (long) Math.ceil(minutes * perAddress); // the burst, plus what refilled meanwhile
            long xCalls = g.xRequests();
            assertTrue(xCalls >= perAddress && xCalls <= allowed, xCalls + " calls to X, budget " + allowed);
            long started =
                    replies.stream().filter(r -> r.split("ÿ", -1).length == 5).count();
            assertEquals(xCalls, started, "every call X answered became a login link");
            assertEquals(
                    300 - started,
                    replies.stream()
                            .filter("twtÿauthÿexception_occurred"::equals)
                            .count(),
                    "the others failed the legacy way: three fields, never four");
            assertTrue(
                    g.metrics().contains("twt_gateway_x_calls_refused_total{bucket=\"address\""),
                    "refusals are counted");
        }
    }

    @Test
    void jsonClientsGetRateLimitedWithRetryAfter() throws Exception {
        try (GatewayFixture g =
                new GatewayFixture(sandbox, GatewayFixture.config("x-calls-per-address-per-minute", "1"))) {
            WsClient c = g.connect();
            assertTrue(c.call("{\"id\":\"1\",\"command\":\"auth\"}").contains("\"status\":\"auth_started\""));
            String refused = c.call("{\"id\":\"2\",\"command\":\"auth\"}");
            // RPC_FORMAT.md §6's example, but for the number of seconds.
            assertTrue(
                    refused.matches(
                            "\\Q{\"id\":\"2\",\"command\":\"auth\",\"status\":\"failed\",\"error\":{\"code\":\"rate_limited\","
                                    + "\"message\":\"too many logins right now, try again later\",\"retry_after_s\":\\E([1-9]|[1-5][0-9]|60)}}"),
                    refused);
            assertEquals(1, g.xRequests());
            c.close();
        }
    }

    @Test
    void theGlobalBucketSpansAddresses() throws Exception {
        try (GatewayFixture g = new GatewayFixture(
                sandbox,
                GatewayFixture.config(
                        "trusted-proxies", "1", "x-calls-per-minute", "3", "x-calls-per-address-per-minute", "100"))) {
            int linked = 0;
            for (int i = 1; i <= 6; i++) {
                WsClient c = g.connect("198.51.100." + i);
                linked += c.call("auth").split("ÿ", -1).length == 5 ? 1 : 0;
                c.close();
            }
            assertEquals(3, linked);
            assertEquals(3, g.xRequests());
            assertTrue(g.metrics().contains("bucket=\"global\""));
        }
    }

    @Test
    void framesLeftQueuedByAClosedConnectionNeverReachX() throws Exception {
        sandbox.faults().latency(Duration.ofMillis(1_000));
        try (GatewayFixture g = new GatewayFixture(sandbox, GatewayFixture.config())) {
            double droppedBefore = dropped(g); // the metrics registry is global to the JVM
            WsClient c = g.connect();
            for (int i = 0; i < 10; i++) {
                c.send("auth");
            }
            GatewayFixture.await(
                    "the first call to X is under way", () -> sandbox.counters().requests() == 1);
            c.close();
            assertEquals(1000, c.closeCode());
            GatewayFixture.await("the nine queued frames are dropped", () -> dropped(g) - droppedBefore == 9);
            assertEquals(1, g.xRequests());
        }
    }

    private static double dropped(GatewayFixture g) {
        try {
            return g.metrics()
                    .lines()
                    .filter(l -> l.startsWith("twt_gateway_frames_dropped_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
