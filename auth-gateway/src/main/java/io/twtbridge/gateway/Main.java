package io.twtbridge.gateway;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.twtbridge.twitter.XClientConfig;

import io.twtbridge.sealing.Sealer;
import io.twtbridge.sealing.SealingConfig;

import java.time.Duration;
import java.util.Optional;

/** Runs the auth-gateway: {@code java -jar auth-gateway/target/auth-gateway.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        XClientConfig x;
        Optional<Sealer> sealing;
        GatewayConfig gatewayConfig;
        try {
            x = XClientConfig.from(config.get("twitter"));
            sealing = SealingConfig.keys(config.get("sealing")).map(Sealer::new);
            gatewayConfig = GatewayConfig.from(config.get("gateway"));
            if (gatewayConfig.sealedTokens() != TokenSealing.Mode.OFF && sealing.isEmpty()) {
                throw new IllegalStateException("GATEWAY_SEALED_TOKENS needs SEALING_KEY_RING or SEALING_KEY_FILE");
            }
            if (CallbackSettings.isUrl(x.callback()) && sealing.isEmpty()) {
                throw new IllegalStateException("TWITTER_OAUTH_CALLBACK is a URL: the callback login needs SEALING_KEY_RING"
                        + " (the same on every replica) or SEALING_KEY_FILE");
            }
        } catch (IllegalStateException e) {
            System.err.println("auth-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway = new Gateway(gatewayConfig, x, sealing);
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
