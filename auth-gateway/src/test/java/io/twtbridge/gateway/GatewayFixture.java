package io.twtbridge.gateway;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.sealing.Sealer;
import io.twtbridge.twitter.XClientConfig;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A gateway on a free port, talking to a sandbox over HTTP. */
final class GatewayFixture implements AutoCloseable {
    static final String ORIGIN = "http://app.example";

    final TwitterSandbox sandbox;
    final Gateway gateway;
    final WebServer server;

    GatewayFixture(TwitterSandbox sandbox, GatewayConfig config) {
        this(sandbox, config, 0);
    }

    /** A gateway on a given port (0: any free one). */
    GatewayFixture(TwitterSandbox sandbox, GatewayConfig config, int port) {
        this(sandbox, config, port, "oob", Optional.empty());
    }

    /** A gateway with X's callback set to {@code callback} and, with {@code sealing}, the callback login on. */
    GatewayFixture(TwitterSandbox sandbox, GatewayConfig config, int port, String callback, Optional<Sealer> sealing) {
        this.sandbox = sandbox;
        this.gateway = new Gateway(config, new XClientConfig(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_KEY,
                TwitterSandbox.DEFAULT_CONSUMER_SECRET, callback, Duration.ofSeconds(2), Duration.ofSeconds(5)), sealing);
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(port).useNio(false); // as application.yaml
        gateway.setup(b);
        this.server = b.build().start();
    }

    /**
     * The gateway's configuration read from application.yaml's keys under {@code gateway}, as the process reads them:
     * origin {@link #ORIGIN}, budgets for X large enough for tests that are not about them, then the given
     * {@code key, value} pairs.
     */
    static GatewayConfig config(String... keyValues) {
        Map<String, String> m = new HashMap<>(Map.of("allowed.origins", ORIGIN,
                "x-calls-per-minute", "100000", "x-calls-per-address-per-minute", "100000"));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return GatewayConfig.from(Config.just(ConfigSources.create(m)));
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
        String body = WsClient.HTTP.send(HttpRequest.newBuilder(sandbox.baseUri().resolve("/sandbox/counters")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Long.parseLong(body.replaceAll("(?s).*\"requests\":(\\d+).*", "$1"));
    }

    String metrics() throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(http("/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A port that was free a moment ago (for a gateway whose callback URL must name its own port). */
    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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
