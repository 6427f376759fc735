package io.twtbridge.gateway;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.sandbox.TwitterSandbox;
import io.twtbridge.twitter.XClientConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** A gateway on a free port, talking to a sandbox over HTTP. */
final class GatewayFixture implements AutoCloseable {
    static final String ORIGIN = "http://app.example";

    final TwitterSandbox sandbox;
    final Gateway gateway;
    final WebServer server;

    GatewayFixture(TwitterSandbox sandbox, GatewayConfig config) {
        this.sandbox = sandbox;
        this.gateway = new Gateway(config, new XClientConfig(sandbox.baseUri(), TwitterSandbox.DEFAULT_CONSUMER_KEY,
                TwitterSandbox.DEFAULT_CONSUMER_SECRET, "oob", Duration.ofSeconds(2), Duration.ofSeconds(5)));
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0);
        gateway.setup(b);
        this.server = b.build().start();
    }

    static GatewayConfig config() {
        return new GatewayConfig(Set.of(ORIGIN), false, 4096, Duration.ofMinutes(5), 30, 20, "");
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    WsClient connect() {
        return WsClient.connect(ws(), ORIGIN);
    }

    @Override
    public void close() {
        server.stop();
        gateway.close();
    }
}
