package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.twitter.XClientConfig;

import java.time.Duration;

/** Runs the auth-gateway: {@code java -jar auth-gateway/target/auth-gateway.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        XClientConfig x;
        try {
            x = XClientConfig.from(config.get("twitter"));
        } catch (IllegalStateException e) {
            System.err.println("auth-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway = new Gateway(GatewayConfig.from(config.get("gateway")), x);
        WebServerConfig.Builder server = WebServer.builder().config(config.get("server"));
        gateway.setup(server);
        WebServer web = server.build().start();
        System.out.println("auth-gateway on http://localhost:" + web.port() + "/ (WebSocket at ws://localhost:" + web.port() + "/)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.shutdown(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            web.stop();
            gateway.close();
        }, "twt-gateway-shutdown"));
    }
}
