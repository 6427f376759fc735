package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.ConfigKeys;
import io.twtbridge.twitter.XClient;
import io.twtbridge.twitter.XClientConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The gateway's test settings ({@link #processConfig}, {@link #config}) and, for the tests that need more than one
 * gateway, a gateway started by hand through {@link Main#setup} as the process does, on a port of its own.
 * <p>
 * A test class with one gateway configuration puts it on Helidon's test server instead ({@code @ServerTest} with a
 * {@code @SetUpServer} calling {@link Main#setup} with {@link #processConfig}: {@link GatewayProtocolTest},
 * {@link WebSocketFramesTest}, {@link ClientAddressTest}). Started here are only those that need several: one
 * configuration per test ({@link GatewayLimitsTest}, {@link XBudgetTest}, {@link WebSocketLifecycleTest}, which
 * also shuts a gateway down, and {@link SealedTokenGatewayTest}, one per sealing mode), a restart on the same port
 * ({@link BrowserPageTest}), or two replicas ({@link CallbackReplicas}).
 */
final class GatewayFixture implements AutoCloseable {
    static final String ORIGIN = "http://app.example";

    final TwitterSandbox sandbox;
    final Gateway gateway;
    final WebServer server;

    GatewayFixture(TwitterSandbox sandbox, Map<String, String> settings) {
        this(sandbox, settings, 0);
    }

    /** A gateway on a given port (0: any free one). */
    GatewayFixture(TwitterSandbox sandbox, Map<String, String> settings, int port) {
        this(sandbox, settings, port, "oob", Optional.empty());
    }

    /**
     * A gateway with X's callback set to {@code callback} and, with a {@code keyRing} (SEALING_KEY_RING), the
     * callback login on.
     */
    GatewayFixture(
            TwitterSandbox sandbox, Map<String, String> settings, int port, String callback, Optional<String> keyRing) {
        this.sandbox = sandbox;
        Config config = processConfig(sandbox, settings, callback, keyRing);
        WebServerConfig.Builder b = WebServer.builder()
                .config(config.get("server"))
                .host("127.0.0.1")
                .port(port);
        this.gateway = Main.setup(b, config);
        this.server = b.build().start();
    }

    /**
     * The configuration the process would read: application.yaml under {@code settings} (from {@link #config}), X
     * being {@code sandbox} with its default consumer, short timeouts for X unless {@code settings} give theirs.
     */
    static Config processConfig(
            TwitterSandbox sandbox, Map<String, String> settings, String callback, Optional<String> keyRing) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("twitter.api.base.url", sandbox.baseUri().toString());
        m.put("twitter.consumer.key", TwitterSandbox.DEFAULT_CONSUMER_KEY);
        m.put("twitter.consumer.secret", TwitterSandbox.DEFAULT_CONSUMER_SECRET);
        m.put("twitter.oauth.callback", callback);
        m.putIfAbsent("twitter.connect-timeout", "PT2S");
        m.putIfAbsent("twitter.read-timeout", "PT5S");
        keyRing.ifPresent(ring -> m.put("sealing.key-ring", ring));
        return ConfigKeys.applicationYaml(Main.class, m);
    }

    /**
     * Settings of the {@code gateway} node, as application.yaml's keys: origin {@link #ORIGIN}, budgets for X large
     * enough for tests that are not about them, then the given {@code key, value} pairs (keys under {@code gateway}).
     */
    static Map<String, String> config(String... keyValues) {
        Map<String, String> m = new HashMap<>(Map.of(
                "gateway.allowed.origins",
                ORIGIN,
                "gateway.x-calls-per-minute",
                "100000",
                "gateway.x-calls-per-address-per-minute",
                "100000"));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put("gateway." + keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A client of the X sandbox as a user's tokens would be used by the worker (to prove they are real). */
    static XClient x(TwitterSandbox sandbox) {
        return new XClient(XClientConfig.from(
                processConfig(sandbox, Map.of(), "oob", Optional.empty()).get("twitter")));
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    WsClient connect(String... forwardedFor) {
        return WsClient.connect(ws(), ORIGIN, forwardedFor);
    }

    /** The sandbox's count of requests X received, read over HTTP from its control API. */
    long xRequests() throws Exception {
        String body = WsClient.HTTP
                .send(
                        HttpRequest.newBuilder(sandbox.baseUri().resolve("/sandbox/counters"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return Long.parseLong(body.replaceAll("(?s).*\"requests\":(\\d+).*", "$1"));
    }

    String metrics() throws Exception {
        return WsClient.HTTP
                .send(HttpRequest.newBuilder(http("/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** A port that was free a moment ago (for a gateway whose callback URL must name its own port). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 10 s for a condition. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop();
        gateway.close();
    }
}
